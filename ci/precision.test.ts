import { describe, expect, it } from 'vitest';
import { minimumDetectableEffect, summarizeBase } from '../metrics/power.ts';
import { parseThreshold } from '../runners/gate-spec.ts';
import { caseIds, passFail, storeRun } from '../runners/compare-fixtures.ts';
import { ResultsStore } from '../runners/store.ts';
import { evaluateGates } from './gate.ts';
import { thresholdWarning, toleranceWarning } from './precision.ts';

// 20 cases × 2 repeats: 10 pass both, 5 split, 5 fail both. Pass rate 0.625, E[p(1−p)] = 0.125, so
// the run-to-run SD of a 2-repeat pass rate is √(0.125/20/2) = √0.003125 = 0.0559.
const draws = [...Array(10).fill({ n: 2, c: 2 }), ...Array(5).fill({ n: 2, c: 1 }), ...Array(5).fill({ n: 2, c: 0 })];

describe('gate precision warnings', () => {
  it('warns when a pass-rate threshold is within two run-to-run SDs of the pass rate, not when it is beyond', () => {
    expect(thresholdWarning('s/default/t', draws, { text: 'pass_rate >= 0.6', value: 0.6 }, 2)).toBe(
      's/default/t: "pass_rate >= 0.6" is within the run\'s noise: the pass rate 0.625 is 0.025 from 0.6, under two run-to-run SDs (2 × 0.056 over 20 cases × 2 repeat(s)); the verdict may change on an unchanged rerun (lunar noise, lunar plan)',
    );
    // 0.625 − 0.5 = 0.125 > 2 × 0.0559 = 0.112.
    expect(thresholdWarning('s/default/t', draws, { text: 'pass_rate >= 0.5', value: 0.5 }, 2)).toBeUndefined();
    // Noise-free cases (all pass or all fail every time) leave nothing to warn about.
    expect(thresholdWarning('s/default/t', [{ n: 2, c: 2 }, { n: 2, c: 0 }], { text: 'pass_rate >= 0.5', value: 0.5 }, 2)).toBeUndefined();
  });

  it('warns when the tolerance is under half the smallest drop the suite catches', () => {
    const mde = minimumDetectableEffect(summarizeBase(draws), { cases: 20, power: 0.8, tolerance: 0.02, repeats: 2 })!;
    expect(toleranceWarning('g', draws, 0.02, 2)).toBe(
      `g: the tolerance 0.02 asks for more precision than 20 cases × 2 repeat(s) give: the gate catches only drops of ${mde.toFixed(3)} or more (power 0.8); lunar plan --base <run> --mde 0.02 says how many cases would`,
    );
    // 2000 cases like these catch much smaller drops: a tolerance of 0.05 is within reach.
    const many = Array.from({ length: 100 }, () => draws).flat();
    expect(minimumDetectableEffect(summarizeBase(many), { cases: 2000, power: 0.8, tolerance: 0.05, repeats: 2 })!).toBeLessThanOrEqual(0.1);
    expect(toleranceWarning('g', many, 0.05, 2)).toBeUndefined();
  });

  it('lists the warnings in the gate report without failing the gate', () => {
    const store = new ResultsStore(':memory:');
    storeRun(store, 'now', 'baseline', caseIds(20).flatMap((caseId, i) => [0, 1].map((repeat) => ({ caseId, repeat, scores: [passFail('exact', i < 10 || (i < 15 && repeat === 0))] }))));
    const parsed = parseThreshold('pass_rate >= 0.6');
    if (!parsed.ok) throw new Error(parsed.error);
    const report = evaluateGates(store.run('now')!, store.attempts('now'), [{ suite: 's', thresholds: [{ threshold: parsed.threshold, source: '--threshold' }] }]);
    store.close();
    expect(report.failed).toBe(0);
    expect(report.warnings).toEqual([expect.stringMatching(/^s\/default\/baseline: "pass_rate >= 0\.6" is within the run's noise: the pass rate 0\.625 is 0\.025 from 0\.6/)]);
  });
});
