import { describe, expect, it } from 'vitest';
import type { Score } from '../metrics/score.ts';
import { formatTable } from '../reports/table.ts';
import type { StoredAttempt } from './store.ts';
import { aggregate } from './aggregate.ts';
import { attemptOutcome } from '../metrics/outcome.ts';

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

describe('repeats', () => {
  const errorAttempt = { status: 'error' as const, error: 'provider failed', stopReason: 'error', finalAnswer: null, latencyMs: 0.2, scores: [] };
  const at = (target: string, caseId: string, repeat: number, fields: Partial<StoredAttempt> & Pick<StoredAttempt, 'scores'>) => attempt({ target, caseId, repeat, ...fields });

  /**
   * 2 cases × 3 repeats, worked by hand (E = errored attempt, a failed draw):
   *   A: r0 pass (name 1), r1 pass (name 1), r2 fail (name 0.4)   c = 2
   *   B: r0 fail (name 0.2), r1 E,           r2 fail (name 0)     c = 0
   * pass^k = mean C(c,k)/C(3,k): k=1 (2/3 + 0)/2 = 1/3; k=2 (1/3 + 0)/2 = 1/6; k=3 0.
   * pass@k = mean 1 − C(3−c,k)/C(3,k): k=1 1/3; k=2 (1 + 0)/2 = 1/2; k=3 (1 + 0)/2 = 1/2.
   * name per repeat: r0 (1 + 0.2)/2 = 0.6, r1 1 (B errored), r2 (0.4 + 0)/2 = 0.2 → mean 0.6,
   * sample std √((0 + 0.16 + 0.16)/2) = 0.4.
   */
  const twoByThree = [
    at('h', 'A', 0, { scores: [pass('name', 1)] }),
    at('h', 'A', 1, { scores: [pass('name', 1)] }),
    at('h', 'A', 2, { scores: [fail('name', 0.4)] }),
    at('h', 'B', 0, { scores: [fail('name', 0.2)] }),
    at('h', 'B', 1, errorAttempt),
    at('h', 'B', 2, { scores: [fail('name', 0)] }),
  ];

  it('gives pass^k and pass@k for k = 1..n over the cases, an errored attempt a failed draw', () => {
    const [a] = aggregate(twoByThree);
    expect(a).toMatchObject({ repeats: 3, cases: 2, passKCases: 2, passKLeftOut: { incomplete: 0, unscored: 0 } });
    expect(a!.passHatK).toEqual({ 1: 1 / 3, 2: 1 / 6, 3: 0 });
    expect(a!.passAtK).toEqual({ 1: 1 / 3, 2: 1 / 2, 3: 1 / 2 });
    // The existing fields keep their meaning: 2 passes of 6 attempts.
    expect(a).toMatchObject({ attempts: 6, errors: 1, unscored: 0, passed: 2, passRate: 2 / 6 });
  });

  it('gives each scorer the mean and sample std of its per-repeat means', () => {
    const [a] = aggregate(twoByThree);
    const spread = a!.scorers.name!.acrossRepeats!;
    expect(spread.perRepeat).toHaveLength(3);
    [0.6, 1, 0.2].forEach((m, i) => expect(spread.perRepeat[i]).toBeCloseTo(m, 12));
    expect(spread.mean).toBeCloseTo(0.6, 12);
    expect(spread.std).toBeCloseTo(0.4, 12);
    // The pooled mean is unchanged: (1 + 1 + 0.4 + 0.2 + 0) / 5.
    expect(a!.scorers.name).toMatchObject({ scored: 5, skipped: 0, errors: 0 });
    expect(a!.scorers.name!.mean).toBeCloseTo(2.6 / 5, 12);
  });

  /**
   * The same two cases, plus:
   *   C: r0 pass (name 1), r1 unscored (judge skipped), r2 pass (name 1)  → left out: unscored
   *   D: r0 fail (name 0), r1 fail (name 0), no r2                        → left out: incomplete
   * pass^k / pass@k stay those of A and B. The spread is over complete cases A, B, C:
   * name r0 (1 + 0.2 + 1)/3 = 11/15, r1 1 (A only), r2 (0.4 + 0 + 1)/3 = 7/15; judge never scored.
   */
  const withLeftOut = [
    ...twoByThree.map((a) => ({ ...a, target: 'r' })),
    at('r', 'C', 0, { scores: [pass('name', 1)] }),
    at('r', 'C', 1, { scores: [skipped('judge')] }),
    at('r', 'C', 2, { scores: [pass('name', 1)] }),
    at('r', 'D', 0, { scores: [fail('name', 0)] }),
    at('r', 'D', 1, { scores: [fail('name', 0)] }),
  ];

  it('leaves out cases missing a repeat or with an unscored repeat, and says how many', () => {
    const [a] = aggregate(withLeftOut);
    expect(a).toMatchObject({ repeats: 3, cases: 4, passKCases: 2, passKLeftOut: { incomplete: 1, unscored: 1 } });
    expect(a!.passHatK).toEqual({ 1: 1 / 3, 2: 1 / 6, 3: 0 });
    expect(a!.passAtK).toEqual({ 1: 1 / 3, 2: 1 / 2, 3: 1 / 2 });
    const name = a!.scorers.name!.acrossRepeats!;
    [11 / 15, 1, 7 / 15].forEach((m, i) => expect(name.perRepeat[i]).toBeCloseTo(m, 12));
    expect(name.mean).toBeCloseTo((11 / 15 + 1 + 7 / 15) / 3, 12);
    expect(name.std).toBeCloseTo(Math.sqrt(((11 / 15 - 11 / 15) ** 2 + (1 - 11 / 15) ** 2 + (7 / 15 - 11 / 15) ** 2) / 2), 12);
    expect(a!.scorers.judge!.acrossRepeats).toEqual({ perRepeat: [null, null, null], mean: null, std: null });
    // Existing fields: 11 attempts, 1 errored, 1 unscored; passes A0 A1 C0 C2 → 4 of 10.
    expect(a).toMatchObject({ attempts: 11, errors: 1, unscored: 1, passed: 4, passRate: 4 / 10 });
  });

  it('gives null pass^k and pass@k when no case qualifies', () => {
    const [a] = aggregate([at('z', 'A', 0, { scores: [pass('name')] }), at('z', 'A', 1, { scores: [] })]);
    expect(a).toMatchObject({ repeats: 2, cases: 1, passKCases: 0, passKLeftOut: { incomplete: 0, unscored: 1 }, passAtK: { 1: null, 2: null }, passHatK: { 1: null, 2: null } });
  });

  it('adds no repeat fields with one repeat', () => {
    const [a] = aggregate(mixed);
    for (const field of ['repeats', 'cases', 'passKCases', 'passKLeftOut', 'passAtK', 'passHatK']) expect(a).not.toHaveProperty(field);
    expect(a!.scorers.name).not.toHaveProperty('acrossRepeats');
  });

  it('table: pass^1, pass^n, pass@n columns and "mean ±std" scorer cells, "-" on a row without repeats', () => {
    const single = at('one', 'A', 0, { latencyMs: 10, scores: [pass('name', 1)] });
    const table = formatTable(aggregate([...twoByThree, single]));
    const [header, rule, rowH, rowOne, ...notes] = table.split('\n');
    expect(header!.split(/\s{2,}/)).toEqual(['suite', 'config', 'target', 'cases', 'errors', 'pass rate', 'pass^1', 'pass^3', 'pass@3', 'name', 'p50 ms', 'p95 ms', 'p99 ms', 'tokens', 'cost $']);
    expect(rule).toMatch(/^-+( +-+)+$/);
    // h: 2 cases × 3 repeats; pass rate 2/6; pass^1 1/3, pass^3 0, pass@3 1/2; name 0.6 ± 0.4 over 5 of 6.
    // Latencies of the 5 that ran: all 100. Tokens 6 × 15; cost 6 × 0.001.
    expect(rowH!.trim().split(/\s{2,}/)).toEqual(['s', 'default', 'h', '2×3', '1', '33.3%', '33.3%', '0.0%', '50.0%', '0.600 ±0.400 (5/6)', '100.0', '100.0', '100.0', '90', '0.0060']);
    expect(rowOne!.trim().split(/\s{2,}/)).toEqual(['s', 'default', 'one', '1', '0', '100.0%', '-', '-', '-', '1.000', '10.0', '10.0', '10.0', '15', '0.0010']);
    expect(notes).toEqual(['pass^k: all k repeats of a case pass; pass@k: at least one does; ± sample std of the per-repeat means']);
  });

  it('table: names rows whose pass^k leaves cases out, and shows missing attempts', () => {
    const table = formatTable(aggregate(withLeftOut));
    const lines = table.split('\n');
    // 11 of 4 × 3 attempts; pass rate 4/10; unscored 1; judge scored nothing; name scored 9 of 11.
    const row = lines[2]!.trim().split(/\s{2,}/);
    expect(row.slice(3, 11)).toEqual(['11 of 4×3', '1', '40.0%', '1', '33.3%', '0.0%', '50.0%', '- (0/11)']);
    const std = Math.sqrt(((1 - 11 / 15) ** 2 + (7 / 15 - 11 / 15) ** 2) / 2);
    expect(row[11]).toBe(`${(11 / 15).toFixed(3)} ±${std.toFixed(3)} (9/11)`);
    expect(lines).toContain('s/default/r: pass^k and pass@k over 2 of 4 cases (1 missing a repeat, 1 with a repeat nothing could check)');
  });

  it('table: headers say pass^n when rows repeat a different number of times', () => {
    const twice = [at('two', 'A', 0, { scores: [pass('name')] }), at('two', 'A', 1, { scores: [fail('name')] })];
    const header = formatTable(aggregate([...twoByThree, ...twice])).split('\n')[0]!;
    expect(header.split(/\s{2,}/).slice(6, 9)).toEqual(['pass^1', 'pass^n', 'pass@n']);
  });

  it('table: no repeat columns when nothing repeats', () => {
    const table = formatTable(aggregate(mixed));
    expect(table).not.toContain('pass^');
    expect(table).not.toContain('±');
  });

  it('gives p50/p95/p99 of run-fact figures per target, and prints them under the table', () => {
    // quantile() interpolates linearly (type 7): for 100..400, p50 = 250, p95 = 300 + 0.85 × 100 = 385, p99 = 397.
    const latency = (ms: number): Score => ({ scorer: 'latency', value: 1, pass: true, status: 'scored', reason: '', details: { latency_ms: ms } });
    const runs = [100, 200, 300, 400].map((ms) => attempt({ scores: [latency(ms)] }));
    // A skipped run fact is left out of the percentiles.
    runs.push(attempt({ scores: [{ scorer: 'latency', value: null, pass: null, status: 'skipped', reason: 'x', details: { latency_ms: 9999 } }] }));
    const [group] = aggregate(runs);
    expect(group!.runFacts).toEqual({ latency: { figure: 'latency_ms', n: 4, p50: 250, p95: 385, p99: 397 } });
    expect(formatTable(aggregate(runs))).toContain('run facts s/default/t: latency_ms p50 250.0 p95 385.0 p99 397.0 (n=4)');
  });

  it("adds up what the judge's calls cost apart from the agent's, and says so under the table", () => {
    const judged = (cost: number): Score => ({ scorer: 'rubric', value: 1, pass: true, status: 'scored', reason: '', details: { judge: { model: 'openai:gpt-4o-mini', calls: 1, cost_usd: cost } } });
    const [group] = aggregate([attempt({ costUsd: 0.01, scores: [judged(0.002)] }), attempt({ costUsd: 0.01, scores: [judged(0.001), pass('answer_contains')] })]);
    expect(group!.costUsd).toBeCloseTo(0.02, 12);
    expect(group!.judgeCostUsd).toBeCloseTo(0.003, 12);
    expect(formatTable([group!])).toContain("judge s/default/t: the judge's calls cost $0.0030 (not in the cost column)");
  });
});


describe('failed episodes by fault', () => {
  const label = (l: 'user_error' | 'agent_error'): Score => ({ scorer: 'user_check', value: l === 'agent_error' ? 1 : 0, pass: l === 'agent_error', status: 'scored', reason: l, details: { label: l } });
  const passedEpisode: Score = { scorer: 'user_check', value: null, pass: null, status: 'skipped', reason: 'the episode succeeded: there is no failure to assign' };

  it('counts the failed episodes user_check labelled user_error and agent_error; a passed episode is neither', () => {
    const [group] = aggregate([
      attempt({ scores: [fail('tau_reward'), label('user_error')] }),
      attempt({ scores: [fail('tau_reward'), label('agent_error')] }),
      attempt({ scores: [fail('tau_reward'), label('agent_error')] }),
      attempt({ scores: [pass('tau_reward'), passedEpisode] }),
    ]);
    expect(group!.failedEpisodes).toEqual({ userError: 1, agentError: 2 });
  });

  it('leaves the field out when nothing was labelled', () => {
    expect(aggregate([attempt({ scores: [fail('tau_reward')] })])[0]!.failedEpisodes).toBeUndefined();
  });
});
