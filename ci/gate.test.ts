import { describe, expect, it } from 'vitest';
import type { Score } from '../metrics/score.ts';
import { caseIds, passFail, skippedScore, storeRun, type AttemptSpec } from '../runners/compare-fixtures.ts';
import { ResultsStore } from '../runners/store.ts';
import { ReferenceFile, referenceFromRun, formatReference } from './reference.ts';
import { evaluateGates, formatGateReport, type SuiteGates } from './gate.ts';
import { parseThreshold } from '../runners/gate-spec.ts';

// The baseline passes c02–c19 (18 of 20); the run passes c01–c08 (8 of 20). From the baseline's
// side (A) to the run's (B): lost c09–c19 (11), gained c01 (1), so
//   McNemar p = 2 · (C(12,0) + C(12,1)) / 2^12 = 26/4096 = 0.006348
//   difference −0.5; the ideal bootstrap's 2.5% and 97.5% points of eleven −1, one +1 and eight 0
//   are −0.75 and −0.25 (the mirror of metrics/paired.test.ts's case).
const ids = caseIds(20);
const passing = (set: Set<string>, extra: (id: string) => Score[] = () => []): AttemptSpec[] =>
  ids.map((caseId) => ({ caseId, scores: [passFail('answer_contains', set.has(caseId)), ...extra(caseId)] }));
const baselinePasses = new Set(caseIds(18, 2));
const runPasses = new Set(caseIds(8));

function setUp(baselineSpecs: AttemptSpec[], runSpecs: AttemptSpec[]) {
  const store = new ResultsStore(':memory:');
  storeRun(store, 'base', 'baseline', baselineSpecs);
  storeRun(store, 'now', 'baseline', runSpecs, { startedAt: new Date('2026-02-01T00:00:00Z') });
  // Through the file's own text and schema, as a committed baseline is read.
  const file = ReferenceFile.parse(JSON.parse(formatReference(referenceFromRun(store.run('base')!, store.attempts('base')))));
  const attempts = store.attempts('now');
  const run = store.run('now')!;
  store.close();
  return { file, attempts, run };
}

function thresholds(...texts: string[]): SuiteGates['thresholds'] {
  return texts.map((text) => {
    const parsed = parseThreshold(text);
    if (!parsed.ok) throw new Error(parsed.error);
    return { threshold: parsed.threshold, source: '--threshold' };
  });
}

describe('evaluateGates against a reference', () => {
  it('fails a significant drop, one line per measure, naming the test that found it', () => {
    const { file, attempts, run } = setUp(passing(baselinePasses), passing(runPasses));
    const report = evaluateGates(run, attempts, [{ suite: 's', thresholds: [], reference: { file, path: 'ci/reference.json', tolerance: 0.02 } }]);
    expect(report.failed).toBe(3);
    expect(formatGateReport(report)).toEqual([
      'FAIL s/default/baseline pass_rate = 0.400, reference 0.900 (ci/reference.json), difference -0.500, 95% CI [-0.750, -0.250], tolerance 0.02, McNemar p = 0.006348 (11 lost, 1 gained), n = 20 pairs: a drop beyond -0.02 with p < 0.05: a regression (McNemar)',
      'FAIL s/default/baseline answer_contains.mean = 0.400, reference 0.900 (ci/reference.json), difference -0.500, 95% CI [-0.750, -0.250], tolerance 0.02, n = 20 pairs: the whole interval is below -0.02: a regression (paired bootstrap)',
      'FAIL s/default/baseline answer_contains.pass_rate = 0.400, reference 0.900 (ci/reference.json), difference -0.500, 95% CI [-0.750, -0.250], tolerance 0.02, McNemar p = 0.006348 (11 lost, 1 gained), n = 20 pairs: a drop beyond -0.02 with p < 0.05: a regression (McNemar)',
      'gate: run now: 3 checks, 0 held, 3 failed',
    ]);
  });

  it('holds when the run equals its reference: difference 0, p = 1', () => {
    const { file, attempts, run } = setUp(passing(baselinePasses), passing(baselinePasses));
    const report = evaluateGates(run, attempts, [{ suite: 's', thresholds: [], reference: { file, path: 'b.json', tolerance: 0.02 } }]);
    expect(report).toMatchObject({ held: 3, failed: 0 });
    expect(formatGateReport(report, true)[1]).toBe(
      'ok   s/default/baseline answer_contains.mean = 0.900, reference 0.900 (b.json), difference 0.000, 95% CI [0.000, 0.000], tolerance 0.02, n = 20 pairs: no drop beyond the tolerance',
    );
  });

  it('holds a drop beyond the tolerance that is not significant, and says so', () => {
    // One case lost (c02), none gained: −0.05, beyond 0.02; McNemar b = 1, c = 0 → p = 2 · ½ = 1.
    // Bootstrap: the mean is −k/20 with k ~ Binomial(20, 0.05) lost cases drawn; P(k ≤ 2) = 0.925 <
    // 0.975 ≤ P(k ≤ 3) = 0.984, so the interval's low end is −0.15, its high end 0.
    const { file, attempts, run } = setUp(passing(baselinePasses), passing(new Set(caseIds(17, 3))));
    const report = evaluateGates(run, attempts, [{ suite: 's', thresholds: [], reference: { file, path: 'b.json', tolerance: 0.02 } }]);
    expect(report.failed).toBe(0);
    expect(report.checks.find((c) => c.measure === 'answer_contains.pass_rate')!.text).toBe(
      's/default/baseline answer_contains.pass_rate = 0.850, reference 0.900 (b.json), difference -0.050, 95% CI [-0.150, 0.000], tolerance 0.02, McNemar p = 1 (1 lost, 0 gained), n = 20 pairs: a drop beyond the tolerance, not significant (McNemar p >= 0.05)',
    );
  });

  it('fails a scorer the baseline scored that the run could not check at all', () => {
    const judged = (id: string) => [{ scorer: 'rubric', value: 1, pass: true, status: 'scored' as const, reason: 'fine', details: { case: id } }];
    const { file, attempts, run } = setUp(passing(baselinePasses, judged), passing(baselinePasses, () => [skippedScore('rubric', 'OPENAI_API_KEY is not set')]));
    const report = evaluateGates(run, attempts, [{ suite: 's', thresholds: [], reference: { file, path: 'b.json', tolerance: 0.02 } }]);
    expect(formatGateReport(report).filter((l) => l.startsWith('FAIL'))).toEqual([
      'FAIL s/default/baseline rubric: not checked against the reference (b.json): no case scored on both sides (in the run: 20 skipped)',
    ]);
  });

  it('names the cases only one side has, and does not count them', () => {
    const { file, attempts, run } = setUp(passing(baselinePasses), [...passing(baselinePasses).slice(1), { caseId: 'c99', scores: [passFail('answer_contains', true)] }]);
    const report = evaluateGates(run, attempts, [{ suite: 's', thresholds: [], reference: { file, path: 'b.json', tolerance: 0.02 } }]);
    expect(report.notes).toEqual([
      's/default/baseline: 1 reference case(s) not in the run, not compared: c01',
      's/default/baseline: 1 case(s) of the run not in the reference, not compared: c99',
    ]);
    expect(report.checks[0]!.text).toContain('n = 19 pairs');
  });
});

describe('evaluateGates with thresholds', () => {
  it('fails a threshold with value, limit, source, interval and n on one line', () => {
    const { attempts, run } = setUp([], passing(runPasses));
    // Mean of eight 1s and twelve 0s = 0.4. Its ideal bootstrap is Binomial(20, 0.4)/20:
    // P(≤ 0.15) = 0.016 < 0.025 ≤ P(≤ 0.20) = 0.051; P(≤ 0.55) = 0.9435 < 0.975 ≤ P(≤ 0.60) = 0.979.
    const report = evaluateGates(run, attempts, [{ suite: 's', thresholds: thresholds('answer_contains.mean >= 0.5', 'pass_rate >= 0.4') }]);
    expect(formatGateReport(report, true)).toEqual([
      'FAIL s/default/baseline answer_contains.mean = 0.400, threshold >= 0.5 (--threshold), 95% CI [0.200, 0.600], n = 20',
      'ok   s/default/baseline pass_rate = 0.400, threshold >= 0.4 (--threshold), 95% CI [0.200, 0.600], n = 20',
      'gate: run now: 2 checks, 1 held, 1 failed',
    ]);
  });

  it('checks latency percentiles in milliseconds: p95 of nineteen 100 ms and one 5000 ms is 100 + 0.05 · 4900 = 345', () => {
    // Bootstrap: no 5000 drawn (p = 0.358) → p95 100; one (0.377) → 345; two or more (0.264) → 5000.
    const specs = ids.map((caseId, i) => ({ caseId, latencyMs: i === 7 ? 5000 : 100, scores: [passFail('answer_contains', true)] }));
    const { attempts, run } = setUp([], specs);
    const report = evaluateGates(run, attempts, [{ suite: 's', thresholds: thresholds('latency.p95 <= 300', 'errors <= 0') }]);
    expect(formatGateReport(report)).toEqual([
      'FAIL s/default/baseline latency.p95 = 345.0 ms, threshold <= 300 (--threshold), 95% CI [100.0 ms, 5000.0 ms], n = 20',
      'gate: run now: 2 checks, 1 held, 1 failed',
    ]);
  });

  it('fails a threshold on a scorer that was skipped on every case: no value is not a pass', () => {
    const { attempts, run } = setUp([], passing(runPasses, () => [skippedScore('rubric')]));
    const report = evaluateGates(run, attempts, [{ suite: 's', thresholds: thresholds('rubric.mean >= 0.5') }]);
    expect(formatGateReport(report)[0]).toBe('FAIL s/default/baseline rubric.mean = none, threshold >= 0.5 (--threshold), n = 0 (20 skipped)');
  });

  it('reports an advisory score that misses its threshold without failing the gate, and leaves it out of the pass rate', () => {
    const advisory = (id: string): Score[] => [
      { scorer: 'rubric', value: 0, pass: false, status: 'scored', reason: 'fails', details: { advisory: true, advisory_reason: `judge agreement 0.41 is below the floor 0.6 (${id})` } },
    ];
    const { attempts, run } = setUp([], passing(new Set(ids), advisory));
    const report = evaluateGates(run, attempts, [{ suite: 's', thresholds: thresholds('rubric.mean >= 0.7', 'pass_rate >= 1') }]);
    expect(report).toMatchObject({ failed: 0, advisory: 1, held: 1 });
    expect(formatGateReport(report)).toEqual([
      'ADVISORY s/default/baseline rubric.mean = 0.000, threshold >= 0.7 (--threshold), 95% CI [0.000, 0.000], n = 20 (does not fail the gate: judge agreement 0.41 is below the floor 0.6 (c01))',
      'gate: run now: 2 checks, 1 held, 0 failed, 1 advisory',
    ]);
    expect(report.checks[1]!.text).toBe('s/default/baseline pass_rate = 1.000, threshold >= 1 (--threshold), 95% CI [1.000, 1.000], n = 20 (advisory rubric left out)');
  });

  it('fails a run that did not complete', () => {
    const store = new ResultsStore(':memory:');
    storeRun(store, 'cut', 'baseline', passing(runPasses), { status: 'interrupted' });
    const report = evaluateGates(store.run('cut')!, store.attempts('cut'), [{ suite: 's', thresholds: thresholds('errors <= 0') }]);
    store.close();
    expect(formatGateReport(report)[0]).toBe('FAIL run cut is interrupted, not completed: a gate holds only for a whole run (continue it with lunar bench --resume cut)');
  });
});

describe('evaluateGates and the simulated user\'s faults', () => {
  // The run passes c01–c08 (8 of 20). Of its twelve failed episodes, user_check blamed the simulated
  // user for c09–c12 and the agent for c13–c20.
  const label = (caseId: string): Score[] => {
    const n = Number(caseId.slice(1));
    if (n <= 8) return [];
    const l = n <= 12 ? 'user_error' : 'agent_error';
    return [{ scorer: 'user_check', value: l === 'agent_error' ? 1 : 0, pass: l === 'agent_error', status: 'scored', reason: l, details: { label: l } }];
  };
  const runSpecs = ids.map((caseId) => ({ caseId, scores: [passFail('tau_reward', runPasses.has(caseId)), ...label(caseId)] }));

  it('counts user_error episodes as failures by default, and says how many there are and how to leave them out', () => {
    const { attempts, run } = setUp([], runSpecs);
    const report = evaluateGates(run, attempts, [{ suite: 's', thresholds: thresholds('pass_rate >= 0.5') }]);
    expect(report.failed).toBe(1);
    expect(formatGateReport(report)).toEqual([
      'FAIL s/default/baseline pass_rate = 0.400, threshold >= 0.5 (--threshold), 95% CI [0.200, 0.600], n = 20',
      "note: 4 failed episode(s) were the simulated user's fault (user_check: user_error) and count as failures; --exclude-user-errors leaves them out",
      'gate: run now: 1 checks, 0 held, 1 failed',
    ]);
  });

  it('with excludeUserErrors leaves those four out of the verdict, naming each: 8 of 16 = 0.5 holds', () => {
    const { attempts, run } = setUp([], runSpecs);
    const report = evaluateGates(run, attempts, [{ suite: 's', thresholds: thresholds('pass_rate >= 0.5') }], undefined, { excludeUserErrors: true });
    // Binomial(16, 0.5)/16: P(≤ 3) = 0.0106 < 0.025 ≤ P(≤ 4) = 0.0384 → 0.25; P(≤ 11) = 0.9616 < 0.975 ≤ P(≤ 12) = 0.9894 → 0.75.
    expect(formatGateReport(report, true)).toEqual([
      'ok   s/default/baseline pass_rate = 0.500, threshold >= 0.5 (--threshold), 95% CI [0.250, 0.750], n = 16',
      ...['c09', 'c10', 'c11', 'c12'].map((id) => `left out: s/default/baseline ${id} repeat 0: the simulated user's fault (user_check: user_error)`),
      'gate: run now: 1 checks, 1 held, 0 failed; 4 user_error episode(s) left out',
    ]);
  });
});
