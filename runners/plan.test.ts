import { describe, expect, it } from 'vitest';
import { Case } from '../datasets/case.ts';
import { attemptKey, parseShard, planAttempts, plannedKey, selectCases, type PreparedSuite } from './plan.ts';
import type { ResolvedTarget } from './targets.ts';

const cases = ['a1', 'a2', 'b1', 'b2', 'c1'].map((id) =>
  Case.parse({ id, input: 'x', category: id[0] === 'a' ? 'alpha' : 'beta', tags: id.endsWith('1') ? ['first'] : [], expected_no_tool: true }),
);
const target = (id: string): ResolvedTarget => ({ id, model: () => { throw new Error('not used'); } });
const prepared = (name: string, config = 'default'): PreparedSuite => ({ suite: { name } as PreparedSuite['suite'], variant: { config } as PreparedSuite['variant'], cases, tools: {} as PreparedSuite['tools'], scorers: [] });

describe('selectCases', () => {
  it('keeps cases matching any term: id with wildcards, category: or tag:', () => {
    expect(selectCases(cases, { filter: ['a*'] }).map((c) => c.id)).toEqual(['a1', 'a2']);
    expect(selectCases(cases, { filter: ['category:beta'] }).map((c) => c.id)).toEqual(['b1', 'b2', 'c1']);
    expect(selectCases(cases, { filter: ['tag:first', 'b2'] }).map((c) => c.id)).toEqual(['a1', 'b1', 'b2', 'c1']);
    expect(selectCases(cases, { filter: ['a.'] }).map((c) => c.id)).toEqual([]);
  });

  it('limits after filtering', () => {
    expect(selectCases(cases, { filter: ['category:beta'], limit: 2 }).map((c) => c.id)).toEqual(['b1', 'b2']);
  });
});

describe('planAttempts', () => {
  const suites = [prepared('s1'), prepared('s2', 'mode=bm25')];
  const targets = () => [target('baseline'), target('openai:gpt-4o-mini')];

  it('expands suites × targets × cases × repeats', () => {
    const plan = planAttempts(suites, targets, { repeat: 3 });
    expect(plan).toHaveLength(2 * 2 * 5 * 3);
    expect(new Set(plan.map(plannedKey)).size).toBe(plan.length);
    expect(plan.slice(0, 3).map((a) => [a.case.id, a.repeat])).toEqual([['a1', 0], ['a1', 1], ['a1', 2]]);
  });

  it('slices shards that cover the whole plan exactly once, for every shard count', () => {
    const full = planAttempts(suites, targets, { repeat: 2 }).map(plannedKey);
    for (const count of [1, 2, 3, 7, 40, 41]) {
      const shards = Array.from({ length: count }, (_, i) => planAttempts(suites, targets, { repeat: 2, shard: { index: i + 1, count } }).map(plannedKey));
      const joined = shards.flat();
      expect(joined.length, `${count} shards`).toBe(full.length);
      expect(new Set(joined)).toEqual(new Set(full));
      // Balanced: no shard has more than one attempt above another.
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('names attempts the way the store does', () => {
    const [first] = planAttempts([prepared('s1')], () => [target('baseline')]);
    expect(plannedKey(first!)).toBe(attemptKey({ suite: 's1', config: 'default', caseId: 'a1', target: 'baseline', repeat: 0 }));
  });
});

describe('parseShard', () => {
  it('reads i/n and refuses anything else', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '2', 'a/b', '1/0']) expect(() => parseShard(bad), bad).toThrow(/--shard: expected i\/n/);
  });
});
