// How noisy a run is, from its repeats: per case, whether its verdicts disagree and how much; per
// group (a target × configuration), the noise floor of its pass rate — how far the pass rate moves
// from one run to the next with nothing changed. A gate that ignores this floor either flakes
// (calls noise a regression) or, made loose to stop flaking, misses real regressions.
//
// Per case, with n verdicts of which `passes` passed and `fails` = n − passes failed:
//   flipped  = passes > 0 and fails > 0: the repeats did not all agree.
//   flipRate = min(passes, fails) / n: the share of repeats whose verdict differs from the case's
//              majority verdict (on an even split, half of them). 0 for a stable case, at most ½.
// An attempt with pass = null (errored or skipped) is no verdict: it is counted, not judged.
//
// Per group, two views of the same floor:
//   perRepeat / repeatSd  the pass rate of each repeat index over the cases, and their sample SD:
//                         the run-to-run spread seen directly, but from only R values (R repeats).
//   expectedRunSd         √(Σ_i v_i) / N, v_i the unbiased estimate of case i's Bernoulli variance
//                         p_i(1 − p_i), i.e. p̂_i(1 − p̂_i) · n_i/(n_i − 1): the SD of a one-repeat
//                         run's pass rate N cases wide, when runs differ only by chance. It uses
//                         every case's repeats, so it is far steadier than repeatSd; its interval
//                         is a seeded bootstrap over cases. A pass rate averaged over R repeats has
//                         SD expectedRunSd / √R.
// With every case run every repeat, repeatSd² = (Σ_i v_i + Σ_{i≠j} c_ij) / N², c_ij the sample
// covariance of cases i and j across repeats; independent cases make the c_ij average 0, so the
// two agree in expectation.

import { bootstrapStatistic, type BootstrapOptions, type StatisticInterval } from './paired.ts';
import { stddev } from './stats.ts';

/** One attempt of a case in a group (a string naming target × configuration). */
export interface NoiseAttempt {
  caseId: string;
  category?: string;
  group: string;
  /** The repeat index (0 for the first attempt, as Lunar numbers them). */
  repeat: number;
  /** null: the attempt errored or was skipped; it is no verdict and is left out. */
  pass: boolean | null;
}

export interface CaseNoise {
  caseId: string;
  group: string;
  category?: string;
  /** Verdicts (attempts with pass ≠ null). */
  repeats: number;
  /** Attempts left out because pass was null. */
  unjudged: number;
  passes: number;
  fails: number;
  /** passes / repeats; null with no verdict. */
  passRate: number | null;
  /** The verdicts disagree: at least one pass and at least one fail. */
  flipped: boolean;
  /** min(passes, fails) / repeats (0 with no verdict); see the file header. */
  flipRate: number;
}

export interface RepeatPassRate {
  repeat: number;
  /** Cases with a verdict in this repeat. */
  cases: number;
  passRate: number;
}

export interface NoiseFloor {
  /** Cases with at least one verdict (N). */
  cases: number;
  /** Of them, cases with a single verdict: their variance cannot be seen and counts as 0 in expectedRunSd. */
  singleVerdictCases: number;
  perRepeat: RepeatPassRate[];
  /** Sample SD (n − 1) of perRepeat's pass rates; null with fewer than two repeat indices. */
  repeatSd: number | null;
  /** √(Σ v_i)/N with its percentile bootstrap interval over cases; null with no case. */
  expectedRunSd: StatisticInterval | null;
}

export interface GroupNoise {
  group: string;
  /** Every case of the group, by case id. */
  cases: CaseNoise[];
  /** The flipped cases, by flip rate (highest first), then case id. */
  flaky: CaseNoise[];
  floor: NoiseFloor;
}

/** Per-case noise of every (group, case), sorted by group then case id. Throws on a repeated (group, case, repeat). */
export function caseNoise(attempts: readonly NoiseAttempt[]): CaseNoise[] {
  const seen = new Set<string>();
  const cases = new Map<string, CaseNoise>();
  for (const a of attempts) {
    if (!Number.isInteger(a.repeat) || a.repeat < 0) throw new RangeError(`caseNoise: repeat must be a whole number, 0 or more, got ${a.repeat} (${a.group}/${a.caseId})`);
    const key = `${a.group}\u0000${a.caseId}`;
    const attemptKey = `${key}\u0000${a.repeat}`;
    // Two attempts with one repeat index would be counted twice; that is a caller's mistake, not data.
    if (seen.has(attemptKey)) throw new RangeError(`caseNoise: repeat ${a.repeat} of ${a.group}/${a.caseId} appears twice`);
    seen.add(attemptKey);
    let c = cases.get(key);
    if (!c) {
      c = { caseId: a.caseId, group: a.group, repeats: 0, unjudged: 0, passes: 0, fails: 0, passRate: null, flipped: false, flipRate: 0 };
      cases.set(key, c);
    }
    if (c.category === undefined && a.category !== undefined) c.category = a.category;
    if (a.pass === null) c.unjudged += 1;
    else {
      c.repeats += 1;
      if (a.pass) c.passes += 1;
      else c.fails += 1;
    }
  }
  for (const c of cases.values()) {
    c.passRate = c.repeats ? c.passes / c.repeats : null;
    c.flipped = c.passes > 0 && c.fails > 0;
    c.flipRate = c.repeats ? Math.min(c.passes, c.fails) / c.repeats : 0;
  }
  return [...cases.values()].sort((x, y) => compare(x.group, y.group) || compare(x.caseId, y.caseId));
}

/**
 * The unbiased estimate of a case's Bernoulli variance p(1 − p) from its verdicts,
 * p̂(1 − p̂) · n/(n − 1); null with fewer than two verdicts (one verdict shows no spread).
 */
export function caseVariance(passes: number, repeats: number): number | null {
  if (repeats < 2) return null;
  const p = passes / repeats;
  return (p * (1 - p) * repeats) / (repeats - 1);
}

/** √(Σ v)/N: the SD of a one-repeat pass rate over N cases with Bernoulli variances v; null with none. */
export function runSdFromVariances(variances: readonly number[]): number | null {
  if (variances.length === 0) return null;
  let total = 0;
  for (const v of variances) total += v;
  return Math.sqrt(total) / variances.length;
}

/** The noise of each group: per-case flips, the flaky list and the noise floor (see the file header). */
export function measureNoise(attempts: readonly NoiseAttempt[], options: BootstrapOptions = {}): GroupNoise[] {
  const cases = caseNoise(attempts);
  const groups = [...new Set(cases.map((c) => c.group))];
  return groups.map((group) => {
    const own = cases.filter((c) => c.group === group);
    const flaky = own.filter((c) => c.flipped).sort((x, y) => y.flipRate - x.flipRate || compare(x.caseId, y.caseId));
    return { group, cases: own, flaky, floor: noiseFloor(own, attempts.filter((a) => a.group === group), options) };
  });
}

function noiseFloor(cases: readonly CaseNoise[], attempts: readonly NoiseAttempt[], options: BootstrapOptions): NoiseFloor {
  const judged = cases.filter((c) => c.repeats > 0);
  const variances = judged.map((c) => caseVariance(c.passes, c.repeats) ?? 0);
  const byRepeat = tallyVerdicts(attempts, (a) => a.repeat);
  const perRepeat = [...byRepeat.entries()].sort(([x], [y]) => x - y).map(([repeat, r]) => ({ repeat, cases: r.verdicts, passRate: r.passes / r.verdicts }));
  return {
    cases: judged.length,
    singleVerdictCases: judged.filter((c) => c.repeats === 1).length,
    perRepeat,
    repeatSd: stddev(perRepeat.map((r) => r.passRate)),
    // Resampling the cases' variances is resampling the cases: each keeps its own spread.
    expectedRunSd: bootstrapStatistic(variances, (sample) => runSdFromVariances(sample)!, options),
  };
}

/** Verdicts and passes by key, null verdicts left out; a key with only null verdicts is absent. */
export function tallyVerdicts<T extends { pass: boolean | null }, K>(items: readonly T[], key: (item: T) => K): Map<K, { verdicts: number; passes: number }> {
  const tally = new Map<K, { verdicts: number; passes: number }>();
  for (const item of items) {
    if (item.pass === null) continue;
    const k = key(item);
    const t = tally.get(k) ?? { verdicts: 0, passes: 0 };
    t.verdicts += 1;
    if (item.pass) t.passes += 1;
    tally.set(k, t);
  }
  return tally;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
