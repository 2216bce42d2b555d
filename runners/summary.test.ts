import { describe, expect, it } from 'vitest';
import type { Score } from '../metrics/score.ts';
import { formatTable } from '../reports/table.ts';
import type { StoredAttempt } from './store.ts';
import { aggregate, attemptOutcome } from './summary.ts';

const pass = (scorer: string, value = 1): Score => ({ scorer, value, pass: true, status: 'scored', reason: '' });
const fail = (scorer: string, value = 0): Score => ({ scorer, value, pass: false, status: 'scored', reason: '' });
const skipped = (scorer: string): Score => ({ scorer, value: null, pass: null, status: 'skipped', reason: 'no judge model' });
const errored = (scorer: string): Score => ({ scorer, value: null, pass: null, status: 'error', reason: 'boom' });

let seq = 0;
function attempt(fields: Partial<StoredAttempt> & Pick<StoredAttempt, 'scores'>): StoredAttempt {
  seq += 1;
  return {
    runId: 'r',
    suite: 's',
    config: 'default',
    caseId: `c${seq}`,
    category: 'x',
    target: 't',
    repeat: 0,
    status: 'ok',
    stopReason: 'final',
    finalAnswer: 'a',
    latencyMs: 100,
    inputTokens: 10,
    outputTokens: 5,
    costUsd: 0.001,
    unpricedCalls: 0,
    estimatedUsage: 0,
    ...fields,
  };
}

/**
 * One of each kind, worked by hand:
 *  A1 ok   100 ms  name 1 pass, judge skipped   → pass (a skip neither passes nor fails)
 *  A2 ok   200 ms  name 1 pass, judge error     → fail (an errored score is never a pass)
 *  A3 ok   300 ms  name 0.5 fail, judge 1 pass  → fail
 *  A4 ok   400 ms  judge skipped                → unscored
 *  A5 ok   500 ms  no scores                    → unscored
 *  A6 error 0.2 ms no scores                    → fail (stays in the denominator)
 *  A7 ok   600 ms  judge error                  → fail
 */
const mixed = [
  attempt({ latencyMs: 100, scores: [pass('name'), skipped('judge')] }),
  attempt({ latencyMs: 200, scores: [pass('name'), errored('judge')] }),
  attempt({ latencyMs: 300, scores: [fail('name', 0.5), pass('judge')] }),
  attempt({ latencyMs: 400, scores: [skipped('judge')] }),
  attempt({ latencyMs: 500, scores: [] }),
  attempt({ status: 'error', error: 'OPENAI_API_KEY is not set', stopReason: 'error', finalAnswer: null, latencyMs: 0.2, inputTokens: 0, outputTokens: 0, costUsd: 0, scores: [] }),
  attempt({ latencyMs: 600, scores: [errored('judge')] }),
];

describe('attemptOutcome', () => {
  it('passes only a run attempt with something scored, every scored check passing and no error', () => {
    expect(mixed.map(attemptOutcome)).toEqual(['pass', 'fail', 'fail', 'unscored', 'unscored', 'fail', 'fail']);
  });
});

describe('aggregate', () => {
  it('leaves unscored attempts out of the pass rate, keeps errored ones in, and counts each kind', () => {
    const [a] = aggregate(mixed);
    expect(a).toMatchObject({ suite: 's', config: 'default', target: 't', attempts: 7, errors: 1, unscored: 2, passed: 1 });
    // 1 pass out of 7 - 2 unscored = 5 (A1 passes; A2, A3, A6, A7 fail).
    expect(a!.passRate).toBe(1 / 5);
  });

  it('reports each scorer over the attempts it scored, with skips and errors counted apart', () => {
    const [a] = aggregate(mixed);
    // name: 1, 1, 0.5 → mean 2.5/3; 2 of 3 pass.
    expect(a!.scorers.name!.mean).toBeCloseTo(2.5 / 3, 12);
    expect(a!.scorers.name).toMatchObject({ passRate: 2 / 3, scored: 3, skipped: 0, errors: 0 });
    // judge: scored once (A3, 1), skipped on A1 and A4, errored on A2 and A7.
    expect(a!.scorers.judge).toEqual({ mean: 1, passRate: 1, scored: 1, skipped: 2, errors: 2 });
  });

  it('takes latency percentiles over attempts that ran, never a failed one', () => {
    const [a] = aggregate(mixed);
    // ok latencies 100..600 (6 values, type 7): p50 at rank 2.5 → 350; p95 at 4.75 → 575; p99 at 4.95 → 595.
    expect(a!.latencyMs.p50).toBeCloseTo(350, 9);
    expect(a!.latencyMs.p95).toBeCloseTo(575, 9);
    expect(a!.latencyMs.p99).toBeCloseTo(595, 9);
    // Tokens and cost still count every attempt.
    expect(a!.tokens).toEqual({ input: 60, output: 30 });
    expect(a!.costUsd).toBeCloseTo(0.006, 12);
  });

  it('gives no pass rate when nothing could be checked, and no latency when nothing ran', () => {
    const unscoredOnly = aggregate([attempt({ target: 'u', scores: [skipped('judge')] }), attempt({ target: 'u', scores: [] })]);
    expect(unscoredOnly[0]).toMatchObject({ attempts: 2, unscored: 2, passed: 0, passRate: null });
    const erroredOnly = aggregate([attempt({ target: 'e', status: 'error', latencyMs: 0.2, scores: [] })]);
    expect(erroredOnly[0]).toMatchObject({ attempts: 1, errors: 1, unscored: 0, passRate: 0, latencyMs: { p50: null, p95: null, p99: null } });
  });
});

describe('formatTable', () => {
  it('shows the unscored column when any row has one, and each mean’s coverage when it is not every attempt', () => {
    const full = [attempt({ target: 'b', latencyMs: 10, scores: [pass('judge'), fail('name', 0.25)] }), attempt({ target: 'b', latencyMs: 30, scores: [pass('judge'), pass('name')] })];
    const table = formatTable(aggregate([...mixed, ...full]));
    // Rows sort by suite, config, target: b before t.
    const [header, rule, rowB, rowT] = table.split('\n');
    expect(header!.split(/\s{2,}/)).toEqual(['suite', 'config', 'target', 'cases', 'errors', 'pass rate', 'unscored', 'judge', 'name', 'p50 ms', 'p95 ms', 'p99 ms', 'tokens', 'cost $']);
    expect(rule).toMatch(/^-+( +-+)+$/);
    // mixed: 1/5 = 20.0%; judge 1.000 over 1 of 7; name 2.5/3 = 0.833 over 3 of 7; tokens 60 + 30.
    expect(rowT!.trim().split(/\s{2,}/)).toEqual(['s', 'default', 't', '7', '1', '20.0%', '2', '1.000 (1/7)', '0.833 (3/7)', '350.0', '575.0', '595.0', '90', '0.0060']);
    // full: 1 of 2 pass; both scorers cover both attempts, so no coverage; latencies 10, 30 → 20, 29, 29.8.
    expect(rowB!.trim().split(/\s{2,}/)).toEqual(['s', 'default', 'b', '2', '0', '50.0%', '0', '1.000', '0.625', '20.0', '29.0', '29.8', '30', '0.0020']);
  });

  it('leaves the unscored column out when no row has one', () => {
    const table = formatTable(aggregate([attempt({ scores: [pass('name')] })]));
    expect(table.split('\n')[0]).not.toContain('unscored');
  });
});

describe('unpriced and estimated calls', () => {
  it('are summed per aggregate and marked in the table with a note', () => {
    const rows = aggregate([
      attempt({ scores: [pass('name')], unpricedCalls: 2, estimatedUsage: 0 }),
      attempt({ scores: [pass('name')], unpricedCalls: 1, estimatedUsage: 3 }),
    ]);
    expect(rows[0]).toMatchObject({ unpricedCalls: 3, estimatedUsage: 3 });
    const table = formatTable(rows);
    expect(table).toMatch(/~30\s+0\.0020\+\?$/m);
    expect(table).toContain('~ some token counts are estimates');
    expect(table).toContain('+? some calls used a model with no price');
  });

  it('leave the table unmarked when every call was priced and counted', () => {
    const table = formatTable(aggregate([attempt({ scores: [pass('name')] })]));
    expect(table).not.toMatch(/~|\+\?/);
  });
});
