import { describe, expect, it } from 'vitest';
import { attemptKey } from '../../runners/plan.ts';
import { summariseAttempt } from '../../runners/store.ts';
import { aggregate } from '../../runners/aggregate.ts';
import { fixtureRows, TARGETS, XSS, XSS_CASE, XSS_CATEGORY } from '../test-fixtures.ts';
import { buildPageModel, pageJson, ROW_STRING_CHARS, rowStringChars, type PageData } from './model.ts';
import { ALL_TRACES } from './traces.ts';

const rows = fixtureRows('r');
const attempts = rows.map(summariseAttempt);
const traces = new Map(rows.map((r) => [attemptKey(r), r.trace]));
const run = { id: 'r', startedAt: '2026-01-01T12:00:00.000Z', finishedAt: '2026-01-01T12:05:00.000Z', status: 'completed', config: {} };
const input = { run, aggregates: aggregate(attempts), attempts, trace: (a: (typeof attempts)[number]) => traces.get(attemptKey(a)) };

describe('buildPageModel', () => {
  it('interns names in first-seen order and gives each attempt a compact row', () => {
    const { data } = buildPageModel(input, ALL_TRACES);
    expect(data.suites).toEqual(['qa']);
    // Names in the table's order: the first row is a failure, ollama's c2 in the concise configuration.
    expect(data.targets).toEqual([TARGETS.local, TARGETS.paid]);
    expect(data.configs).toEqual(['concise', 'default']);
    expect(data.categories).toEqual(['math', 'lookup', XSS_CATEGORY]);
    expect(data.scorers).toEqual(['answer_contains', 'rubric']);
    expect(data.rows).toHaveLength(64);
    // ollama default repeat 0, case c2, failed by both scorers.
    const row = data.rows.find((r) => data.targets[r.t] === TARGETS.local && data.configs[r.c] === 'default' && r.id === 'c2' && r.r === 0)!;
    expect([data.targets[row.t], data.configs[row.c], data.categories[row.k], row.id, row.r, row.o, row.ms, row.usd]).toEqual([TARGETS.local, 'default', 'math', 'c2', 0, 'failed', 3000, 0]);
    expect(row.answer).toBe(XSS.img);
    expect(row.scores.map((s) => [s.scorer, s.value, s.pass])).toEqual([['answer_contains', 0, false], ['rubric', 0.2, false]]);
    expect(data.rows.filter((r) => r.id === XSS_CASE)).toHaveLength(8);
  });

  it('lists failed and errored attempts first, then unscored, then passed, each by case id in number order', () => {
    const ids = [...rows.slice(0, 4).map(summariseAttempt)].map((a, i) => ({ ...a, caseId: ['c10', 'c2', 'c1', 'c9'][i]! }));
    const { data } = buildPageModel({ ...input, attempts: ids, trace: undefined });
    // Rows 0–3 of the fixture (openai default r0, c1–c4) pass, pass, pass and are unscored; renamed
    // c10, c2, c1, c9: the unscored c9 first, then c1, c2, c10 (not c1, c10, c2 as strings sort).
    expect(data.rows.map((r) => [r.id, r.o])).toEqual([['c9', 'unscored'], ['c1', 'passed'], ['c2', 'passed'], ['c10', 'passed']]);
    const all = buildPageModel(input, ALL_TRACES).data.rows;
    const rank = { failed: 0, errored: 0, unscored: 1, passed: 2 };
    expect(all.map((r) => rank[r.o])).toEqual([...all.map((r) => rank[r.o])].sort((a, b) => a - b));
    // The 16 failures by case id, then target: ollama c2 ×4, c6 ×4 (errored), c7 ×4, then openai c7 ×4.
    expect(all.slice(0, 16).map((r) => r.id)).toEqual([...Array(4).fill('c2'), ...Array(4).fill('c6'), ...Array(8).fill('c7')]);
  });

  it('counts outcomes as the reports do: openai 24/4/0/4, ollama 16/8/4/4 (passed/failed/errored/unscored)', () => {
    const { data } = buildPageModel(input, ALL_TRACES);
    const count = (target: number) => {
      const c: Record<string, number> = { passed: 0, failed: 0, errored: 0, unscored: 0 };
      for (const r of data.rows) if (r.t === target) c[r.o]! += 1;
      return c;
    };
    expect(count(data.targets.indexOf(TARGETS.paid))).toEqual({ passed: 24, failed: 4, errored: 0, unscored: 4 });
    expect(count(data.targets.indexOf(TARGETS.local))).toEqual({ passed: 16, failed: 8, errored: 4, unscored: 4 });
    expect(data.rows.find((r) => r.o === 'errored')).toMatchObject({ id: 'c6', error: 'ollama: connection refused <b>boom</b>', answer: null, scores: [] });
  });

  it('cuts a long answer, error or reason in a row', () => {
    const long = { ...attempts[0]!, finalAnswer: 'x'.repeat(ROW_STRING_CHARS + 5) };
    const { data } = buildPageModel({ ...input, attempts: [long], trace: undefined });
    expect(data.rows[0]!.answer).toBe(`${'x'.repeat(ROW_STRING_CHARS)}… (+5 characters in results.json)`);
    expect(data.traces).toEqual({ available: false, embedded: 0, taken: { failures: 0, others: 0 }, leftOut: { failures: 0, others: 1 }, cutStrings: 0 });
  });
});

describe('rowStringChars', () => {
  it('cuts row strings at 2,000 characters in a small run and shares 3,000,000 in a large one, never below 100', () => {
    // share = 3,000,000 / (attempts × (1 + 2 × scorers)): 64 × 5 → 9,375 (capped at 2,000);
    // 1,000 × 5 → 600; 10,000 × 5 → 60 (raised to 100).
    expect(rowStringChars(64, 2)).toBe(2_000);
    expect(rowStringChars(1_000, 2)).toBe(600);
    expect(rowStringChars(10_000, 2)).toBe(100);
    expect(rowStringChars(0, 0)).toBe(2_000);
  });

  it("keeps the top of long details in a large run: a judge's reasoning cut, numbers kept, lists named", () => {
    const reasoning = 'r'.repeat(150);
    const claims = Array.from({ length: 20 }, () => 'c'.repeat(50));
    const details = { reasoning, claims, score: 2, steps_generated: false, judge: { model: 'm' } };
    const many = Array.from({ length: 10_000 }, (_, i) => ({ ...attempts[0]!, caseId: `c${i}`, scores: [{ scorer: 'rubric', value: 0.5, pass: false, status: 'scored' as const, reason: 'short', details }] }));
    const { data } = buildPageModel({ run, aggregates: aggregate(many), attempts: many });
    // 10,000 attempts × 1 scorer: 3,000,000 / 30,000 = 100 characters a string; the details hold
    // 1,150 characters of strings, past 2 × 100.
    expect(data.rows[0]!.scores[0]!.details).toEqual({
      reasoning: `${'r'.repeat(100)}… (+50 characters in results.json)`,
      claims: '[20 items: in results.json]',
      score: 2,
      steps_generated: false,
      judge: '{…}: in results.json',
    });
    // Short details stay as they are.
    const few = many.slice(0, 10);
    expect(buildPageModel({ run, aggregates: aggregate(few), attempts: few }).data.rows[0]!.scores[0]!.details).toEqual(details);
  });
});

describe('pageJson', () => {
  it('is the data with the embedded traces spliced in, and parses back', () => {
    const model = buildPageModel(input, { ...ALL_TRACES, maxFailureTraces: 3, maxOtherTraces: 0 });
    const parsed = JSON.parse(pageJson(model)) as PageData & { traceData: unknown[] };
    expect(parsed.rows).toEqual(JSON.parse(JSON.stringify(model.data.rows)));
    expect(parsed.traceData).toHaveLength(3);
    // The first row, a failure, has its trace: ollama c2 concise repeat 0.
    const first = rows.find((r) => r.target === TARGETS.local && r.config === 'concise' && r.caseId === 'c2' && r.repeat === 0)!;
    expect(parsed.traceData[parsed.traceIndex[0]!]).toEqual(first.trace);
    expect(parsed.traces.embedded).toBe(3);
  });
});
