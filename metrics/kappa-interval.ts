// Cohen's kappa with a percentile bootstrap interval over items: a judge's kappa against human
// labels from 50 items is a rough figure, and the interval says how rough. Items are resampled
// with replacement (seeded, through paired.ts's bootstrap) and kappa recomputed on each resample
// by agreement.ts's cohensKappa.
//
// Kappa is undefined on a resample where both raters put every item in one and the same category
// (chance agreement 1, kappa 0/0). Such resamples are left out of the quantiles and counted
// (`undefinedResamples`): with few items or one dominant category they are common, and the
// interval is then conditional on the resample showing more than one category. Leaving them out
// rather than counting them as perfect agreement keeps the interval about kappa, not about p_o.

import { cohensKappa, type RatingPairs } from './agreement.ts';
import { bootstrapDraws, percentileInterval } from './bootstrap-draws.ts';
import type { BootstrapOptions } from './paired.ts';

export interface KappaInterval {
  /** Kappa of the items themselves; null when undefined there. */
  kappa: number | null;
  /** The percentile interval over the resamples where kappa is defined; null when it is nowhere. */
  low: number | null;
  high: number | null;
  level: number;
  /** Items. */
  n: number;
  resamples: number;
  /** Resamples on which kappa was undefined, left out of the interval. */
  undefinedResamples: number;
  seed: number;
}

/** Cohen's kappa with its seeded percentile bootstrap interval over items; null with no items. */
export function kappaInterval<T>(pairs: RatingPairs<T>, options: BootstrapOptions = {}): KappaInterval | null {
  const level = options.level ?? 0.95;
  // Resampling item indices resamples the items, each keeping its two ratings together.
  const indices = pairs.map((_, i) => i);
  const draws = bootstrapDraws(indices, (sample) => cohensKappa(sample.map((i) => pairs[i]!)) ?? Number.NaN, options);
  if (!draws) return null;
  const interval = percentileInterval(draws.draws, level);
  return {
    kappa: Number.isNaN(draws.estimate) ? null : draws.estimate,
    low: interval?.low ?? null,
    high: interval?.high ?? null,
    level,
    n: pairs.length,
    resamples: draws.resamples,
    undefinedResamples: draws.resamples - (interval?.defined ?? 0),
    seed: draws.seed,
  };
}
