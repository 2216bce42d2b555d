// Paired statistics for "is B better than A on the same cases?": the paired bootstrap of the mean
// difference, McNemar's exact test on pass/fail, and wins/losses/ties. Paired because both sides
// ran the same cases: case difficulty cancels out of each difference, so a real change shows with
// far fewer cases than two independent means would need.

import { binomial, toNumber } from './reliability.ts';
import { mulberry32 } from './seeded-random.ts';
import { mean, quantile } from './stats.ts';

/** Resamples and seed of every bootstrap Lunar reports, so the same runs give the same interval. */
export const BOOTSTRAP_RESAMPLES = 10_000;
export const BOOTSTRAP_SEED = 0;

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  level?: number;
}

/** A statistic of a sample with its percentile bootstrap interval. */
export interface StatisticInterval {
  /** The statistic of the sample itself. */
  estimate: number;
  low: number;
  high: number;
  level: number;
  /** Values in the sample (for a paired difference: pairs). */
  n: number;
  resamples: number;
  seed: number;
}

/** The mean of paired differences (B − A), `mean`, with the percentile interval of the resampled means. */
export type BootstrapInterval = Omit<StatisticInterval, 'estimate'> & { mean: number };

/**
 * A statistic with a percentile bootstrap interval: `resamples` times, draw n values with
 * replacement (indices from mulberry32(seed)) and compute the statistic; the interval is the
 * (1 − level)/2 and (1 + level)/2 quantiles of those (type 7, as `quantile`). null with no values.
 */
export function bootstrapStatistic(values: readonly number[], statistic: (sample: readonly number[]) => number, options: BootstrapOptions = {}): StatisticInterval | null {
  const { resamples = BOOTSTRAP_RESAMPLES, seed = BOOTSTRAP_SEED, level = 0.95 } = options;
  if (!(level > 0 && level < 1)) throw new RangeError(`bootstrap: level must be in (0, 1), got ${level}`);
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`bootstrap: resamples must be a positive integer, got ${resamples}`);
  const n = values.length;
  if (n === 0) return null;
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`bootstrap: values must be finite numbers, got ${v}`);
  const random = mulberry32(seed);
  const sample = new Array<number>(n);
  const statistics = new Array<number>(resamples);
  for (let r = 0; r < resamples; r += 1) {
    for (let i = 0; i < n; i += 1) sample[i] = values[Math.floor(random() * n)]!;
    statistics[r] = statistic(sample);
  }
  return {
    estimate: statistic(values),
    low: quantile(statistics, (1 - level) / 2)!,
    high: quantile(statistics, (1 + level) / 2)!,
    level,
    n,
    resamples,
    seed,
  };
}

/**
 * The mean of paired differences (B − A) with its percentile bootstrap interval (see
 * bootstrapStatistic). Resampling the differences is resampling the pairs: each pair's two scores
 * stay together. null with no pairs.
 */
export function pairedBootstrap(differences: readonly number[], options: BootstrapOptions = {}): BootstrapInterval | null {
  const result = bootstrapStatistic(differences, (sample) => mean(sample)!, options);
  if (!result) return null;
  const { estimate, ...rest } = result;
  return { mean: estimate, ...rest };
}

/**
 * McNemar's exact test, two-sided: of the b + c discordant pairs (b: A passed and B failed, c: the
 * reverse), under "no difference" each is equally likely either way, so min(b, c) ~ Binomial(b + c, ½);
 * p = min(1, 2 · P(X ≤ min(b, c))) — what scipy's binomtest(min(b, c), b + c, 0.5) gives. Summed
 * exactly (BigInt binomials), so p stays exact for any number of pairs. p = 1 when b = c (0 = 0 included).
 */
export function mcnemarExact(b: number, c: number): number {
  for (const [name, v] of [['b', b], ['c', c]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`mcnemarExact: ${name} must be a whole number, 0 or more, got ${v}`);
  }
  const n = b + c;
  const k = Math.min(b, c);
  let tail = 0n;
  for (let i = 0; i <= k; i += 1) tail += binomial(n, i);
  const num = 2n * tail;
  const den = 1n << BigInt(n);
  return num >= den ? 1 : toNumber({ num, den });
}

export interface PassFailTable {
  /** Pairs in the table. */
  n: number;
  bothPass: number;
  /** A passed, B failed (McNemar's b). */
  onlyA: number;
  /** B passed, A failed (McNemar's c). */
  onlyB: number;
  neither: number;
}

/** The 2 × 2 table of paired pass/fail outcomes. */
export function passFailTable(pairs: readonly { a: boolean; b: boolean }[]): PassFailTable {
  const table = { n: pairs.length, bothPass: 0, onlyA: 0, onlyB: 0, neither: 0 };
  for (const { a, b } of pairs) {
    if (a && b) table.bothPass += 1;
    else if (a) table.onlyA += 1;
    else if (b) table.onlyB += 1;
    else table.neither += 1;
  }
  return table;
}

export interface WinsLossesTies {
  /** Pairs where B scored higher than A. */
  wins: number;
  /** Pairs where B scored lower. */
  losses: number;
  ties: number;
}

/** Counted from B's side: a win is a pair where B's value is above A's. Equal values are ties. */
export function winsLossesTies(pairs: readonly { a: number; b: number }[]): WinsLossesTies {
  const counts = { wins: 0, losses: 0, ties: 0 };
  for (const { a, b } of pairs) {
    if (b > a) counts.wins += 1;
    else if (b < a) counts.losses += 1;
    else counts.ties += 1;
  }
  return counts;
}
