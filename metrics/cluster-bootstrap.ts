// Paired comparison of two runs with repeats, the case as the unit: the cluster bootstrap.
//
// With R repeats of N cases a comparison holds N·R attempt pairs, but they are not N·R independent
// observations of the change. The repeats of one case share that case: if B breaks case 12, it
// breaks it in all ten repeats, so ten losses there are one piece of evidence, not ten. Treating
// the attempts as independent (as a bootstrap or McNemar over attempt pairs does) makes the
// interval too narrow whenever the change differs from case to case, by √DEFF with the design effect
//   DEFF = (W + R·T) / (W + T),
// W the mean within-case variance of an attempt's difference and T the between-case variance of the
// cases' true changes (T = 0, a change that moves every case alike, is the only case where the
// naive interval is right). Repeats shrink W/R; they do nothing to T.
//
// So: each case is summarised by its mean pass rate on each side (its verdicts; null verdicts left
// out), d_i = mean_B(i) − mean_A(i), and the cases are resampled with replacement (seeded, through
// paired.ts's bootstrap): the difference of means with its percentile interval and a two-sided
// bootstrap p-value. Every case weighs the same whatever its number of repeats: the question is
// about the suite's cases, and a case run more often is not a more important case. The interval is
// for the suite's cases as a sample of cases like them.

import { bootstrapDraws, bootstrapPValue, percentileInterval } from './bootstrap-draws.ts';
import { tallyVerdicts } from './noise.ts';
import type { BootstrapOptions } from './paired.ts';
import { mean } from './stats.ts';

/** One attempt's verdict; null (errored, skipped) is left out. */
export interface CaseVerdict {
  caseId: string;
  pass: boolean | null;
}

export interface CaseMean {
  caseId: string;
  /** Verdicts. */
  n: number;
  passRate: number;
}

export interface ClusterComparison {
  /** Cases with a verdict on both sides (the resampled units). */
  cases: number;
  /** Verdicts used on each side. */
  verdictsA: number;
  verdictsB: number;
  /** Means over the paired cases of their pass rates. */
  passRateA: number;
  passRateB: number;
  /** passRateB − passRateA = the mean of the cases' differences. */
  difference: number;
  low: number;
  high: number;
  level: number;
  /** Two-sided bootstrap p-value of "no difference" (see bootstrap-draws.ts). */
  pValue: number;
  resamples: number;
  seed: number;
  /** Cases with verdicts on one side only: not compared. */
  onlyInA: string[];
  onlyInB: string[];
}

/** Each case's pass rate over its verdicts, by case id; cases with no verdict are left out. */
export function caseMeans(verdicts: readonly CaseVerdict[]): CaseMean[] {
  const counts = tallyVerdicts(verdicts, (v) => v.caseId);
  return [...counts.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([caseId, c]) => ({ caseId, n: c.verdicts, passRate: c.passes / c.verdicts }));
}

/** B − A with the cases as the resampled unit (see the file header); null when no case has verdicts on both sides. */
export function clusterBootstrap(a: readonly CaseVerdict[], b: readonly CaseVerdict[], options: BootstrapOptions = {}): ClusterComparison | null {
  return compareCaseMeans(caseMeans(a), caseMeans(b), options);
}

/** One attempt's score value (a scorer's mean, not its pass/fail); null (not scored) is left out. */
export interface CaseValue {
  caseId: string;
  value: number | null;
}

/** Each case's mean value over its scored attempts, by case id. */
export function caseValueMeans(values: readonly CaseValue[]): CaseMean[] {
  const sums = new Map<string, { n: number; total: number }>();
  for (const v of values) {
    if (v.value === null) continue;
    const s = sums.get(v.caseId) ?? { n: 0, total: 0 };
    s.n += 1;
    s.total += v.value;
    sums.set(v.caseId, s);
  }
  return [...sums.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([caseId, s]) => ({ caseId, n: s.n, passRate: s.total / s.n }));
}

/**
 * The same comparison for a scorer's mean value: each case's mean over its repeats on each side,
 * the cases resampled. passRateA/B are then the means over the paired cases of the cases' means.
 */
export function clusterValueBootstrap(a: readonly CaseValue[], b: readonly CaseValue[], options: BootstrapOptions = {}): ClusterComparison | null {
  return compareCaseMeans(caseValueMeans(a), caseValueMeans(b), options);
}

function compareCaseMeans(meansA: readonly CaseMean[], meansB: readonly CaseMean[], options: BootstrapOptions): ClusterComparison | null {
  const level = options.level ?? 0.95;
  const byIdB = new Map(meansB.map((m) => [m.caseId, m]));
  const paired = meansA.filter((m) => byIdB.has(m.caseId)).map((m) => ({ a: m, b: byIdB.get(m.caseId)! }));
  if (paired.length === 0) return null;
  const idsA = new Set(meansA.map((m) => m.caseId));
  const differences = paired.map((p) => p.b.passRate - p.a.passRate);
  const draws = bootstrapDraws(differences, (sample) => mean(sample)!, options)!;
  const interval = percentileInterval(draws.draws, level)!;
  return {
    cases: paired.length,
    verdictsA: paired.reduce((s, p) => s + p.a.n, 0),
    verdictsB: paired.reduce((s, p) => s + p.b.n, 0),
    passRateA: mean(paired.map((p) => p.a.passRate))!,
    passRateB: mean(paired.map((p) => p.b.passRate))!,
    difference: draws.estimate,
    low: interval.low,
    high: interval.high,
    level,
    pValue: bootstrapPValue(draws.draws),
    resamples: draws.resamples,
    seed: draws.seed,
    onlyInA: meansA.filter((m) => !byIdB.has(m.caseId)).map((m) => m.caseId),
    onlyInB: [...byIdB.keys()].filter((id) => !idsA.has(id)),
  };
}
