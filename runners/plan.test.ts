import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Case } from '../datasets/case.ts';
import { needsJudge } from '../judges/registry.ts';
import { InputError } from '../core/errors.ts';
import { KnowledgeBases } from './knowledge.ts';
import { attemptKey, parseShard, planAttempts, plannedKey, prepareAll, selectCases, type PreparedSuite } from './plan.ts';
import { loadSuite } from './suite.ts';
import type { ResolvedTarget } from '../agent/targets.ts';

const cases = ['a1', 'a2', 'b1', 'b2', 'c1'].map((id) =>
  Case.parse({ id, input: 'x', category: id[0] === 'a' ? 'alpha' : 'beta', tags: id.endsWith('1') ? ['first'] : [], expected_no_tool: true }),
);
const target = (id: string): ResolvedTarget => ({ id, ref: { provider: id, model: '' }, model: () => { throw new Error('not used'); } });
const prepared = (name: string, config = 'default'): PreparedSuite => ({ suite: { name } as PreparedSuite['suite'], variant: { config } as PreparedSuite['variant'], cases, tools: {} as PreparedSuite['tools'], scorers: [], judge: { available: false, reason: 'none' } });

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

describe('prepareAll with a judge', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lunar-plan-judge-'));
  writeFileSync(join(dir, 'cases.jsonl'), `${JSON.stringify({ id: 'q1', input: 'How long is the refund window?', category: 'rag', expected_answer: '30 days.' })}\n`);
  writeFileSync(join(dir, 'judge.jsonl'), `${JSON.stringify({ text: '{"claims": []}' })}\n`);
  const suiteFile = (name: string, body: string) => {
    const path = join(dir, name);
    writeFileSync(path, `dataset: cases.jsonl\n${body}`);
    return loadSuite(path);
  };
  const prepare = (name: string, body: string, env: NodeJS.ProcessEnv = {}) =>
    prepareAll([suiteFile(name, body)], new KnowledgeBases(join(dir, 'home')), { judge: { providerOptions: { env } } });
  const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e as Error);

  it('prepares a suite with a scripted judge and judge scorers, the judge resolved once and shared by its configurations', async () => {
    const prepared = await prepare('judged.yaml', 'judge: scripted:judge.jsonl\nscorers: [faithfulness, { rubric: { criteria: Correct., threshold: 0.75 } }, answer_contains]\nmatrix:\n  temperature: [0, 1]\n');
    expect(prepared).toHaveLength(2);
    expect(prepared[0]!.judge).toMatchObject({ available: true, id: `scripted:${join(dir, 'judge.jsonl')}` });
    expect(prepared[1]!.judge).toBe(prepared[0]!.judge);
    expect(prepared[0]!.scorers.map((s) => [s.name, s.kind])).toEqual([['faithfulness', 'judge'], ['rubric', 'judge'], ['answer_contains', undefined]]);
    expect(needsJudge(prepared[0]!.scorers)).toBe(true);
  });

  it('prepares with the judge unavailable, not exit 2, when its key is missing or it names no judge', async () => {
    const [keyless] = await prepare('keyless.yaml', 'judge: openai:gpt-4o-mini\nscorers: [faithfulness]\n');
    expect(keyless!.judge).toMatchObject({ available: false, reason: expect.stringContaining('OPENAI_API_KEY is not set') });
    const [none] = await prepare('none.yaml', 'scorers: [faithfulness]\n');
    expect(none!.judge).toMatchObject({ available: false, reason: expect.stringMatching(/^no judge configured/) });
    const [unknown] = await prepare('unknown.yaml', 'judge: claude:opus\nscorers: [faithfulness]\n');
    expect(unknown!.judge).toMatchObject({ available: false, reason: expect.stringContaining('unknown target "claude:opus"') });
  });

  it('is exit 2 for an unknown judge scorer option, naming the file, the scorer and the option', async () => {
    const error = await failure(prepare('badoption.yaml', 'judge: scripted:judge.jsonl\nscorers: [{ rubric: { criteria: Correct., treshold: 0.5 } }]\n'));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(`${join(dir, 'badoption.yaml')}: scorers: rubric: options: Unrecognized key: "treshold"`);
    expect((error as InputError).exitCode).toBe(2);
  });

  it('is exit 2 for a judge scorer option that is not valid and for a scripted judge file that is not there', async () => {
    // rubric's criteria are optional (a case may give its own), but never blank.
    expect(await failure(prepare('nocriteria.yaml', "scorers: [{ rubric: { criteria: '  ' } }]\n"))).toMatchObject({ exitCode: 2, message: expect.stringContaining('scorers: rubric: options: criteria:') });
    const missing = await failure(prepare('nofile.yaml', 'judge: scripted:nope.jsonl\nscorers: [faithfulness]\n'));
    expect(missing).toMatchObject({ exitCode: 2, message: expect.stringMatching(/nofile\.yaml: judge: target scripted:.*nope\.jsonl: .*cannot read script \(ENOENT\)/) });
  });
});
