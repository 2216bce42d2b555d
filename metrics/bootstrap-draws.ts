// The resampled statistics of a bootstrap, not only its interval: a p-value needs the share of
// resamples on either side of 0, and a statistic that is undefined on some resamples (Cohen's
// kappa when a resample holds one category only) needs those counted and left out before the
// quantiles are taken. The resampling itself is paired.ts's bootstrapStatistic, so the same
// values, seed and resamples draw the same samples as every other interval Lunar reports.

import { BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, bootstrapStatistic, type BootstrapOptions } from './paired.ts';
import { quantile } from './stats.ts';

export interface BootstrapDraws {
  /** The statistic of the sample itself (NaN when it is undefined there). */
  estimate: number;
  /** The statistic of each resample (NaN where undefined), in no particular order. */
  draws: number[];
  n: number;
  resamples: number;
  seed: number;
}

/**
 * Runs bootstrapStatistic and keeps every value the statistic returned. bootstrapStatistic calls
 * the statistic once per resample and once on the sample itself; one value equal to the sample's
 * own statistic is taken out of the record, which leaves the resamples' values whatever the order
 * of the calls. A statistic may return NaN for "undefined here". null with no values.
 */
export function bootstrapDraws(values: readonly number[], statistic: (sample: readonly number[]) => number, options: BootstrapOptions = {}): BootstrapDraws | null {
  const { resamples = BOOTSTRAP_RESAMPLES, seed = BOOTSTRAP_SEED } = options;
  if (values.length === 0) return null;
  const recorded: number[] = [];
  const result = bootstrapStatistic(
    values,
    (sample) => {
      const v = statistic(sample);
      recorded.push(v);
      // bootstrapStatistic sorts what it is given; NaN would break its quantiles, which are not used.
      return Number.isNaN(v) ? 0 : v;
    },
    { ...options, resamples, seed },
  );
  const estimate = statistic(values);
  const own = recorded.findIndex((v) => Object.is(v, estimate));
  if (!result || recorded.length !== resamples + 1 || own < 0) throw new Error(`bootstrapDraws: expected ${resamples} resamples and the sample's own statistic, recorded ${recorded.length}`);
  recorded.splice(own, 1);
  return { estimate, draws: recorded, n: values.length, resamples, seed };
}

/** The percentile interval of the defined draws (type-7 quantiles, as paired.ts); null when none is defined. */
export function percentileInterval(draws: readonly number[], level = 0.95): { low: number; high: number; defined: number } | null {
  if (!(level > 0 && level < 1)) throw new RangeError(`percentileInterval: level must be in (0, 1), got ${level}`);
  const defined = draws.filter((v) => !Number.isNaN(v));
  if (defined.length === 0) return null;
  return { low: quantile(defined, (1 - level) / 2)!, high: quantile(defined, (1 + level) / 2)!, defined: defined.length };
}

/**
 * The two-sided bootstrap p-value of "the statistic is `nullValue`": twice the smaller share of
 * draws on either side of it (draws equal to it count on both sides), each share as
 * (count + 1)/(B + 1) so that B resamples never claim p below about 2/B, capped at 1. It is the
 * level at which the percentile interval just reaches nullValue: p < 0.05 about when the 95%
 * interval excludes it.
 */
export function bootstrapPValue(draws: readonly number[], nullValue = 0): number {
  const defined = draws.filter((v) => !Number.isNaN(v));
  if (defined.length === 0) throw new RangeError('bootstrapPValue: no defined draws');
  let atOrBelow = 0;
  let atOrAbove = 0;
  for (const v of defined) {
    if (v <= nullValue) atOrBelow += 1;
    if (v >= nullValue) atOrAbove += 1;
  }
  const B = defined.length;
  return Math.min(1, (2 * (Math.min(atOrBelow, atOrAbove) + 1)) / (B + 1));
}
