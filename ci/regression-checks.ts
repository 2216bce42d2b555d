// Regressions against the committed reference, for one group (suite × configuration × target):
// the run's attempts are paired with the reference's cases (case id and repeat) and compared as
// `lunar compare` does (A = reference, B = run). A drop is a regression only when it is beyond the
// tolerance AND significant:
//   <scorer>.mean       the paired bootstrap 95% interval of the difference lies entirely below −tolerance;
//   <scorer>.pass_rate  the drop is beyond −tolerance and McNemar's exact p < 0.05;
//   pass_rate           the same, on whole attempts (the table's pass rate).
// With more than one attempt of a case on either side, the attempts are not independent pairs: the
// interval and p come from the cluster bootstrap over cases instead (metrics/cluster-bootstrap.ts).
// A scorer the reference scored that the run could not check at all (skipped everywhere) fails:
// a regression that cannot be looked for is not absent.

import type { BootstrapInterval } from '../metrics/paired.ts';
import type { ClusterComparison } from '../metrics/cluster-bootstrap.ts';
import { pValue } from '../reports/compare/text.ts';
import { caseLabel, comparePaired, observe, SIGNIFICANCE, type CaseKey, type CaseObservation, type PassFailComparison, type ScorerComparison } from '../metrics/paired-cases.ts';
import type { StoredAttempt } from '../runners/store.ts';
import { referenceObservation, type ReferenceGroup } from './reference.ts';
import { groupName, outcomeWithout, rate, signedRate, type CheckResult, type Verdict } from './gate-result.ts';

export interface ReferenceSource {
  group: ReferenceGroup;
  /** The file, as it is named in messages. */
  path: string;
  tolerance: number;
}

export function checkRegressions(members: readonly StoredAttempt[], source: ReferenceSource, advisory: ReadonlyMap<string, string>): { checks: CheckResult[]; notes: string[] } {
  const { group: reference, path, tolerance } = source;
  const left = new Set(advisory.keys());
  // Whole-attempt outcomes on both sides leave the advisory scorers out, as the pass_rate threshold does.
  const runSide = members.map((a): CaseObservation => ({ ...observe(a), outcome: outcomeWithout(a, left) }));
  const baseSide = reference.cases.map(referenceObservation).map((o) => ({ ...o, outcome: outcomeWithout(asAttempt(o), left) }));
  const paired = comparePaired(baseSide, runSide);
  const where = { suite: reference.suite, config: reference.config, target: reference.target };
  const head = (measure: string) => `${groupName(where)} ${measure}`;
  const make = (measure: string, verdict: Verdict, text: string, reason?: string): CheckResult => ({
    kind: 'reference',
    ...where,
    measure,
    verdict: verdict === 'failed' && reason ? 'advisory' : verdict,
    text,
    ...(reason ? { advisory: reason } : {}),
  });

  const checks: CheckResult[] = [];
  if (paired.outcome.n > 0) {
    const verdict = passRateVerdict(paired.outcome, tolerance);
    checks.push(make('pass_rate', verdict.verdict, `${head('pass_rate')} ${passRateText(paired.outcome, path, tolerance)}: ${verdict.why}`));
  }
  for (const s of paired.scorers) {
    const reason = advisory.get(s.scorer);
    const referenceScored = reference.scorers[s.scorer]?.n ?? 0;
    if (s.values.n === 0 && s.passFail.n === 0) {
      if (referenceScored > 0) {
        const why = [s.notCompared.skippedB && `${s.notCompared.skippedB} skipped`, s.notCompared.missingB && `${s.notCompared.missingB} not scored by it`].filter(Boolean).join(', ');
        checks.push(make(s.scorer, 'failed', `${head(s.scorer)}: not checked against the reference (${path}): no case scored on both sides${why ? ` (in the run: ${why})` : ''}`, reason));
      }
      continue;
    }
    if (s.values.difference) {
      const verdict = s.values.cluster ? clusterMeanVerdict(s.values.cluster, tolerance) : meanVerdict(s.values.difference, tolerance);
      checks.push(make(`${s.scorer}.mean`, verdict.verdict, `${head(`${s.scorer}.mean`)} ${meanText(s, path, tolerance)}: ${verdict.why}`, reason));
    }
    if (s.passFail.n > 0) {
      const verdict = passRateVerdict(s.passFail, tolerance);
      checks.push(make(`${s.scorer}.pass_rate`, verdict.verdict, `${head(`${s.scorer}.pass_rate`)} ${passRateText(s.passFail, path, tolerance)}: ${verdict.why}`, reason));
    }
  }
  return { checks, notes: unpairedNotes(groupName(where), paired.onlyInA, paired.onlyInB) };
}

function meanVerdict(d: BootstrapInterval, tolerance: number): { verdict: Verdict; why: string } {
  if (d.high < -tolerance) return { verdict: 'failed', why: `the whole interval is below -${tolerance}: a regression (paired bootstrap)` };
  if (d.mean < -tolerance) return { verdict: 'held', why: 'a drop beyond the tolerance, not significant (paired bootstrap)' };
  return { verdict: 'held', why: 'no drop beyond the tolerance' };
}

function clusterMeanVerdict(c: ClusterComparison, tolerance: number): { verdict: Verdict; why: string } {
  const how = `cluster bootstrap over ${c.cases} cases`;
  if (c.high < -tolerance) return { verdict: 'failed', why: `the whole interval is below -${tolerance}: a regression (${how})` };
  if (c.difference < -tolerance) return { verdict: 'held', why: `a drop beyond the tolerance, not significant (${how})` };
  return { verdict: 'held', why: `no drop beyond the tolerance (${how})` };
}

function passRateVerdict(pf: PassFailComparison, tolerance: number): { verdict: Verdict; why: string } {
  const c = pf.cluster;
  if (c) {
    // Repeats: the case is the unit (see PassFailComparison.cluster), not the attempt pair.
    const drop = c.difference < -tolerance;
    const how = `cluster bootstrap over ${c.cases} cases`;
    if (drop && c.pValue < SIGNIFICANCE) return { verdict: 'failed', why: `a drop beyond -${tolerance} with p < ${SIGNIFICANCE}: a regression (${how})` };
    if (drop) return { verdict: 'held', why: `a drop beyond the tolerance, not significant (${how}, p >= ${SIGNIFICANCE})` };
    return { verdict: 'held', why: `no drop beyond the tolerance (${how})` };
  }
  const beyond = pf.difference !== null && pf.difference < -tolerance;
  if (beyond && pf.mcnemarP < SIGNIFICANCE) return { verdict: 'failed', why: `a drop beyond -${tolerance} with p < ${SIGNIFICANCE}: a regression (McNemar)` };
  if (beyond) return { verdict: 'held', why: `a drop beyond the tolerance, not significant (McNemar p >= ${SIGNIFICANCE})` };
  return { verdict: 'held', why: 'no drop beyond the tolerance' };
}

function meanText(s: ScorerComparison, path: string, tolerance: number): string {
  const v = s.values;
  const c = v.cluster;
  if (c) {
    return (
      `= ${rate(c.passRateB)}, reference ${rate(c.passRateA)} (${path}), difference ${signedRate(c.difference)}, 95% CI [${signedRate(c.low)}, ${signedRate(c.high)}], tolerance ${tolerance}, ` +
      `cluster bootstrap over ${c.cases} cases (${c.verdictsB} scored in the run, ${c.verdictsA} in the reference)`
    );
  }
  const d = v.difference!;
  return `= ${rate(v.meanB!)}, reference ${rate(v.meanA!)} (${path}), difference ${signedRate(d.mean)}, 95% CI [${signedRate(d.low)}, ${signedRate(d.high)}], tolerance ${tolerance}, n = ${v.n} pairs`;
}

function passRateText(pf: PassFailComparison, path: string, tolerance: number): string {
  const c = pf.cluster;
  if (c) {
    return (
      `= ${rate(c.passRateB)}, reference ${rate(c.passRateA)} (${path}), difference ${signedRate(c.difference)}, 95% CI [${signedRate(c.low)}, ${signedRate(c.high)}], tolerance ${tolerance}, ` +
      `cluster bootstrap over ${c.cases} cases p = ${pValue(c.pValue)} (${c.verdictsB} verdicts in the run, ${c.verdictsA} in the reference)`
    );
  }
  const interval = pf.interval ? `, 95% CI [${signedRate(pf.interval.low)}, ${signedRate(pf.interval.high)}]` : '';
  return (
    `= ${rate(pf.passRateB!)}, reference ${rate(pf.passRateA!)} (${path}), difference ${signedRate(pf.difference!)}${interval}, tolerance ${tolerance}, ` +
    `McNemar p = ${pValue(pf.mcnemarP)} (${pf.onlyA} lost, ${pf.onlyB} gained), n = ${pf.n} pairs`
  );
}

const NAMED = 10;

function unpairedNotes(group: string, onlyInReference: readonly CaseKey[], onlyInRun: readonly CaseKey[]): string[] {
  const list = (keys: readonly CaseKey[]) => `${keys.slice(0, NAMED).map(caseLabel).join(', ')}${keys.length > NAMED ? ` and ${keys.length - NAMED} more` : ''}`;
  const notes: string[] = [];
  if (onlyInReference.length) notes.push(`${group}: ${onlyInReference.length} reference case(s) not in the run, not compared: ${list(onlyInReference)}`);
  if (onlyInRun.length) notes.push(`${group}: ${onlyInRun.length} case(s) of the run not in the reference, not compared: ${list(onlyInRun)}`);
  return notes;
}

/** A reference case in the shape attemptOutcome reads. */
function asAttempt(o: CaseObservation): Pick<StoredAttempt, 'status' | 'scores'> {
  return {
    status: o.errored ? 'error' : 'ok',
    scores: Object.entries(o.scores).map(([scorer, s]) => ({ scorer, value: s.value, pass: s.pass, status: s.status, reason: '' })),
  };
}
