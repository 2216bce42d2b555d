// Sample-size planning for the gate: how many cases (and repeats) a suite needs for the gate to
// catch a drop of `mde` in pass rate with probability `power`, and the smallest drop the current
// suite catches. One-sided throughout: a gate looks only for regressions, and Lunar's gate fails a
// drop at two-sided McNemar p < 0.05, which is one-sided α = 0.025 (gate-decision.ts), the default.
//
// The model. A case of the suite's population has pass probability p in the base (A) and q in the
// candidate (B); a run makes R independent attempts of each of n cases. The drop is
// mde = E[p − q]. Per case, the difference of the two sides' mean pass rates has variance
//   within/R + between,   within = E[p(1−p) + q(1−q)]  (attempt noise: repeats divide it),
//                         between = Var(p − q)           (how unevenly the change hits cases:
//                                                          repeats do nothing to it),
// so the suite's difference has variance (within/R + between)/n. Two shapes of change:
//   'breaks'   a share π = mde/E[p] of the cases break outright (q = 0), the others stay: real
//              regressions are mostly this (a prompt change breaks some cases), and it is the
//              harder one to see: between = π·E[p²] − mde².
//   'uniform'  every case loses the same share s = mde/E[p] of its pass probability (q = (1−s)p):
//              between = s²·Var(p).
// Only E[p] and E[p(1−p)] of the base are needed (E[p²] = E[p] − E[p(1−p)]): summarizeBase
// estimates both from a base run's per-case counts, E[p(1−p)] without bias from the repeats.
//
// The gate's test (McNemar over the n·R attempt pairs, N = n·R) judges the drop against its own
// null spread: with m discordant pairs it fails when onlyA − onlyB ≥ z_{1−α}·√m + 1 (the normal
// approximation of the exact test, with continuity correction), i.e. when the observed drop exceeds
//   t = max(tolerance, z_{1−α}·√(P_d/N) + 1/N),   P_d = E[p(1−q) + q(1−p)] the discordance rate.
// The observed drop is about normal around mde with SD √((within/R + between)/n), so
//   power ≈ Φ((mde − t) / √((within/R + between)/n)).
// McNemar's spread counts the between-case part as if repeats divided it; the power formula does
// not, which is why adding repeats stops helping once `between` dominates. Checked against the
// gate's own decision on simulated runs (power.test.ts): achieved power within a few points of the
// planned, on the safe side for 'breaks' (about 0.82 achieved for 0.80 planned).

import { GATE_ONE_SIDED_ALPHA, GATE_TOLERANCE } from './gate-decision.ts';
import { caseVariance } from './noise.ts';
import { normalCdf, normalQuantile } from './normal.ts';
import type { CaseDraws } from './reliability.ts';

/** What planning needs of a base run. */
export interface BaseSummary {
  /** Cases of the base run. */
  cases: number;
  /** E[p]: the mean of the cases' pass rates. */
  passRate: number;
  /** E[p(1 − p)]: the mean Bernoulli variance of a case's attempts. */
  withinVariance: number;
}

export type EffectModel = 'breaks' | 'uniform';

export interface EffectOptions {
  /** The drop in pass rate to detect, 0 < mde ≤ the base pass rate. */
  mde: number;
  /** Repeats per case in the run and in the baseline; default 1. */
  repeats?: number;
  /** How the drop spreads over cases; default 'breaks'. */
  model?: EffectModel;
}

export interface GateOptions {
  /** One-sided level; default GATE_ONE_SIDED_ALPHA (0.025). */
  alpha?: number;
  /** The gate's tolerance; default GATE_TOLERANCE (0.02). */
  tolerance?: number;
}

export interface DifferenceVariance {
  /** E[p(1−p) + q(1−q)]: one attempt pair's noise. */
  within: number;
  /** Var(p − q) over cases. */
  between: number;
  /** within/R + between: the variance of one case's difference of means. */
  perCase: number;
  /** E[p(1−q) + q(1−p)]: the chance an attempt pair is discordant. */
  discordance: number;
}

/**
 * E[p] and E[p(1−p)] from a base run's per-case counts (n attempts, c passes). E[p(1−p)] is the
 * mean of the unbiased per-case estimates p̂(1−p̂)·n/(n−1) over cases with n ≥ 2; with no such case
 * it cannot be told apart from the spread between cases and is taken as E[p](1 − E[p]), its upper
 * bound (planning then errs towards more cases). Capped at that bound.
 */
export function summarizeBase(cases: readonly CaseDraws[]): BaseSummary {
  if (cases.length === 0) throw new RangeError('summarizeBase: no cases');
  let total = 0;
  const variances: number[] = [];
  for (const { n, c } of cases) {
    if (!Number.isInteger(n) || n < 1 || !Number.isInteger(c) || c < 0 || c > n) throw new RangeError(`summarizeBase: need whole n ≥ 1 and 0 ≤ c ≤ n, got n=${n}, c=${c}`);
    total += c / n;
    const v = caseVariance(c, n);
    if (v !== null) variances.push(v);
  }
  const passRate = total / cases.length;
  const bound = passRate * (1 - passRate);
  const within = variances.length ? variances.reduce((s, v) => s + v, 0) / variances.length : bound;
  return { cases: cases.length, passRate, withinVariance: Math.min(within, bound) };
}

/** The variance pieces of a paired difference for a drop of `mde` (see the file header). */
export function pairedDifferenceVariance(base: BaseSummary, effect: EffectOptions): DifferenceVariance {
  const { mde, repeats = 1, model = 'breaks' } = effect;
  const m1 = base.passRate;
  const w = base.withinVariance;
  const m2 = m1 - w;
  if (!(mde >= 0 && mde <= m1)) throw new RangeError(`pairedDifferenceVariance: mde must be in [0, ${m1}] (the base pass rate), got ${mde}`);
  if (!Number.isInteger(repeats) || repeats < 1) throw new RangeError(`pairedDifferenceVariance: repeats must be a whole number, 1 or more, got ${repeats}`);
  const share = m1 > 0 ? mde / m1 : 0;
  let within: number;
  let between: number;
  let discordance: number;
  if (model === 'breaks') {
    within = w + (1 - share) * w;
    between = share * m2 - mde * mde;
    discordance = share * m1 + 2 * (1 - share) * w;
  } else {
    const keep = 1 - share;
    within = w + keep * m1 - keep * keep * m2;
    between = share * share * (m2 - m1 * m1);
    discordance = m1 + keep * m1 - 2 * keep * m2;
  }
  between = Math.max(0, between);
  return { within, between, perCase: within / repeats + between, discordance };
}

/** The chance that the gate fails a run with a drop of `mde`, over `cases` cases (see the file header). */
export function gatePower(base: BaseSummary, options: EffectOptions & GateOptions & { cases: number }): number {
  const { cases, alpha = GATE_ONE_SIDED_ALPHA, tolerance = GATE_TOLERANCE, repeats = 1 } = options;
  if (!Number.isInteger(cases) || cases < 1) throw new RangeError(`gatePower: cases must be a whole number, 1 or more, got ${cases}`);
  if (!(alpha > 0 && alpha < 0.5)) throw new RangeError(`gatePower: alpha must be in (0, 0.5), got ${alpha}`);
  const v = pairedDifferenceVariance(base, options);
  const pairs = cases * repeats;
  const threshold = Math.max(tolerance, normalQuantile(1 - alpha) * Math.sqrt(v.discordance / pairs) + 1 / pairs);
  const sd = Math.sqrt(v.perCase / cases);
  if (sd === 0) return options.mde > threshold ? 1 : 0;
  return normalCdf((options.mde - threshold) / sd);
}

const MAX_CASES = 10_000_000;

/**
 * The fewest cases for which gatePower reaches `power` (0.5 ≤ power < 1); null when even
 * 10,000,000 cases do not (a drop within the tolerance is never flagged, however many cases).
 */
export function requiredCases(base: BaseSummary, options: EffectOptions & GateOptions & { power: number }): number | null {
  const { power } = options;
  if (!(power >= 0.5 && power < 1)) throw new RangeError(`requiredCases: power must be in [0.5, 1), got ${power}`);
  const enough = (n: number) => gatePower(base, { ...options, cases: n }) >= power;
  if (!enough(MAX_CASES)) return null;
  // Past power ½ the power rises with n (the threshold falls and the spread narrows): bisect.
  let low = 0;
  let high = 1;
  while (!enough(high)) [low, high] = [high, high * 2];
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (enough(mid)) high = mid;
    else low = mid;
  }
  return high;
}

/**
 * The smallest drop the gate catches with probability `power` over `cases` cases (to 1e-6); null
 * when not even a drop of the whole base pass rate is caught that often.
 */
export function minimumDetectableEffect(base: BaseSummary, options: Omit<EffectOptions, 'mde'> & GateOptions & { cases: number; power: number }): number | null {
  const { power } = options;
  if (!(power >= 0.5 && power < 1)) throw new RangeError(`minimumDetectableEffect: power must be in [0.5, 1), got ${power}`);
  const enough = (mde: number) => gatePower(base, { ...options, mde }) >= power;
  if (!enough(base.passRate)) return null;
  let low = 0;
  let high = base.passRate;
  while (high - low > 1e-6) {
    const mid = (low + high) / 2;
    if (enough(mid)) high = mid;
    else low = mid;
  }
  return high;
}
