// The gate and the comparison with repeats: the case, not the attempt pair, is the unit.
// Ten cases run three times on each side; the run breaks two of them outright (all three repeats
// fail where the reference passed all three). Counted as 30 independent pairs, McNemar sees 6 lost
// and 0 gained: p = 2/2⁶ = 0.03125, a "significant" regression. But only 2 of 10 cases moved: a
// resample of the 10 cases misses both with chance 0.8¹⁰ = 0.107, so the two-sided bootstrap p is
// about 2 × 0.107 = 0.21 — not significant. With one repeat the figures stay McNemar's.

import { describe, expect, it } from 'vitest';
import { clusterBootstrap } from '../metrics/cluster-bootstrap.ts';
import { comparePaired, observe } from '../metrics/paired-cases.ts';
import { compareRuns } from '../reports/compare/compare.ts';
import { formatComparison } from '../reports/compare/text.ts';
import { caseIds, passFail, storeRun, type AttemptSpec } from '../runners/compare-fixtures.ts';
import { ResultsStore } from '../runners/store.ts';
import { evaluateGates, formatGateReport } from './gate.ts';
import { formatReference, ReferenceFile, referenceFromRun } from './reference.ts';

const ids = caseIds(10);
const broken = new Set(['c01', 'c02']);

function specs(repeats: number, passes: (id: string) => boolean): AttemptSpec[] {
  return ids.flatMap((caseId) => Array.from({ length: repeats }, (_, repeat) => ({ caseId, repeat, scores: [passFail('exact', passes(caseId))] })));
}

function runs(repeats: number) {
  const store = new ResultsStore(':memory:');
  storeRun(store, 'ref', 'baseline', specs(repeats, () => true));
  storeRun(store, 'now', 'baseline', specs(repeats, (id) => !broken.has(id)), { startedAt: new Date('2026-02-01T00:00:00Z') });
  const out = { runRef: store.run('ref')!, runNow: store.run('now')!, ref: store.attempts('ref'), now: store.attempts('now') };
  store.close();
  return out;
}

describe('comparisons with repeats use the case as the unit', () => {
  it('attaches the cluster bootstrap over the 10 cases to the pass rate and each scorer, not significant where McNemar is', () => {
    const { ref, now } = runs(3);
    const paired = comparePaired(ref.map(observe), now.map(observe));
    expect([paired.outcome.onlyA, paired.outcome.onlyB, paired.outcome.mcnemarP]).toEqual([6, 0, 0.03125]);
    const expected = clusterBootstrap(ref.map((a) => ({ caseId: a.caseId, pass: true })), now.map((a) => ({ caseId: a.caseId, pass: !broken.has(a.caseId) })));
    expect(paired.outcome.cluster).toEqual(expected);
    expect(paired.scorers[0]!.passFail.cluster).toEqual(expected);
    expect(expected).toMatchObject({ cases: 10, verdictsA: 30, verdictsB: 30, passRateA: 1, passRateB: 0.8, difference: -0.2 });
    expect(expected!.pValue).toBeGreaterThan(0.17);
    expect(expected!.pValue).toBeLessThan(0.26);
  });

  it('keeps McNemar alone with one repeat', () => {
    const { ref, now } = runs(1);
    const paired = comparePaired(ref.map(observe), now.map(observe));
    expect(paired.outcome.cluster).toBeUndefined();
    expect(paired.scorers[0]!.passFail.cluster).toBeUndefined();
  });

  it('prints the case-level line in lunar compare and marks the cluster p in the scorer table', () => {
    const { runRef, runNow, ref, now } = runs(3);
    const text = formatComparison(compareRuns(runRef, ref, runNow, now));
    const p = comparePaired(ref.map(observe), now.map(observe)).outcome.cluster!;
    expect(text).toContain(`  pass rate by case (repeats): A 100.0%  B 80.0%  diff -20.0 pts [${(p.low * 100).toFixed(1)}, ${p.high === 0 ? '0.0' : (p.high * 100).toFixed(1)}]  (cluster bootstrap over 10 cases, A 30 and B 30 verdicts; p = `);
    expect(text).toMatch(/exact .* 0\.\d+\*\n?/);
  });

  it('holds the gate: a drop beyond the tolerance, not significant by the cluster bootstrap over 10 cases', () => {
    const { runRef, runNow, ref, now } = runs(3);
    const file = ReferenceFile.parse(JSON.parse(formatReference(referenceFromRun(runRef, ref))));
    const report = evaluateGates(runNow, now, [{ suite: 's', thresholds: [], reference: { file, path: 'ref.json', tolerance: 0.02 } }]);
    expect(report.failed).toBe(0);
    const passRate = formatGateReport(report, true).find((l) => l.includes(' pass_rate = '))!;
    expect(passRate).toMatch(
      /^ok {3}s\/default\/baseline pass_rate = 0\.800, reference 1\.000 \(ref\.json\), difference -0\.200, 95% CI \[-0\.\d{3}, 0\.000\], tolerance 0\.02, cluster bootstrap over 10 cases p = 0\.\d+ \(30 verdicts in the run, 30 in the reference\): a drop beyond the tolerance, not significant \(cluster bootstrap over 10 cases, p >= 0\.05\)$/,
    );
  });

  it('fails the gate when half the cases break: p far below 0.05 over the cases', () => {
    const half = new Set(caseIds(5));
    const store = new ResultsStore(':memory:');
    storeRun(store, 'ref', 'baseline', specs(3, () => true));
    storeRun(store, 'now', 'baseline', specs(3, (id) => !half.has(id)));
    const file = ReferenceFile.parse(JSON.parse(formatReference(referenceFromRun(store.run('ref')!, store.attempts('ref')))));
    const report = evaluateGates(store.run('now')!, store.attempts('now'), [{ suite: 's', thresholds: [], reference: { file, path: 'ref.json', tolerance: 0.02 } }]);
    store.close();
    // A resample of 10 cases misses all 5 broken ones with chance 2⁻¹⁰: p ≈ 2·(10 + 1)/10001 ≈ 0.002.
    expect(formatGateReport(report).filter((l) => l.startsWith('FAIL'))).toEqual([
      expect.stringMatching(/^FAIL s\/default\/baseline pass_rate = 0\.500, reference 1\.000 .*cluster bootstrap over 10 cases p = 0\.00\d+ .*a regression \(cluster bootstrap over 10 cases\)$/),
      expect.stringMatching(/^FAIL s\/default\/baseline exact\.mean /),
      expect.stringMatching(/^FAIL s\/default\/baseline exact\.pass_rate = 0\.500, .*a regression \(cluster bootstrap over 10 cases\)$/),
    ]);
  });
});
