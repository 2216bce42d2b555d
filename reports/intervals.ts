// 95% intervals for the figures of runners/aggregate.ts's aggregates, as reports show them. The
// point estimates are the aggregate's own (passRate, each scorer's mean and passRate); this only
// adds how far they could be off:
// - a proportion (a pass rate, or the mean of a scorer whose values are all 0 or 1) gets the
//   Wilson score interval: unlike mean ± 1.96·se it stays inside [0, 1] and is not [1, 1] when
//   every attempt passed;
// - the mean of a graded scorer gets Student's t interval (metrics/stats.ts meanInterval).
// Attempts are taken as independent draws; with repeats of a case they are not quite, so the
// intervals are then somewhat narrow (reports say so).

import { meanInterval } from '../metrics/stats.ts';
import type { StoredAttempt } from '../runners/store.ts';
import type { Aggregate } from '../runners/aggregate.ts';
import { reportOutcome } from './report-input.ts';

export interface Interval {
  low: number;
  high: number;
}

/** The two-sided 95% quantile of the standard normal distribution. */
export const Z95 = 1.959963984540054;

/** Wilson's score interval for `successes` of `n`; null when n is 0. */
export function wilsonInterval(successes: number, n: number, z = Z95): Interval | null {
  if (n <= 0) return null;
  if (successes < 0 || successes > n) throw new RangeError(`wilsonInterval: successes must be in 0..${n}, got ${successes}`);
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // At p = 0 or 1 the bound is exactly 0 or 1; rounding must not leave it a hair off.
  return { low: successes === 0 ? 0 : Math.max(0, centre - half), high: successes === n ? 1 : Math.min(1, centre + half) };
}

/** The interval of a scorer's mean: Wilson for 0/1 values (a proportion), t otherwise; null with too few values. */
export function scoreMeanInterval(values: readonly number[]): Interval | null {
  if (values.length === 0) return null;
  if (values.every((v) => v === 0 || v === 1)) return wilsonInterval(values.filter((v) => v === 1).length, values.length);
  const t = meanInterval(values);
  return t && { low: Math.max(0, t.low), high: Math.min(1, t.high) };
}

export interface AggregateIntervals {
  /** Around the aggregate's passRate: passed of the attempts something could check. */
  passRate: Interval | null;
  scorers: Record<string, { mean: Interval | null; passRate: Interval | null }>;
}

export function groupKey(a: { suite: string; config: string; target: string }): string {
  return `${a.suite}\u0000${a.config}\u0000${a.target}`;
}

/** Intervals for each aggregate (by groupKey), over the same attempts and scores its figures cover. */
export function aggregateIntervals(aggregates: readonly Aggregate[], attempts: readonly StoredAttempt[]): Map<string, AggregateIntervals> {
  const values = new Map<string, Map<string, { values: number[]; passes: number }>>();
  for (const a of attempts) {
    const key = groupKey(a);
    let scorers = values.get(key);
    if (!scorers) values.set(key, (scorers = new Map()));
    for (const s of a.scores) {
      if (s.status !== 'scored') continue;
      let entry = scorers.get(s.scorer);
      if (!entry) scorers.set(s.scorer, (entry = { values: [], passes: 0 }));
      entry.values.push(s.value!);
      if (s.pass) entry.passes += 1;
    }
  }
  const result = new Map<string, AggregateIntervals>();
  for (const agg of aggregates) {
    const key = groupKey(agg);
    const scorers: AggregateIntervals['scorers'] = {};
    for (const name of Object.keys(agg.scorers)) {
      const entry = values.get(key)?.get(name);
      scorers[name] = entry ? { mean: scoreMeanInterval(entry.values), passRate: wilsonInterval(entry.passes, entry.values.length) } : { mean: null, passRate: null };
    }
    result.set(key, { passRate: wilsonInterval(agg.passed, agg.attempts - agg.unscored), scorers });
  }
  return result;
}

/** Pass counts pooled over several groups (a target × configuration across suites): passed of judged. */
export function pooledPassRate(attempts: readonly Pick<StoredAttempt, 'status' | 'scores'>[]): { passed: number; judged: number; rate: number | null } {
  let passed = 0;
  let judged = 0;
  for (const a of attempts) {
    const outcome = reportOutcome(a);
    if (outcome === 'unscored') continue;
    judged += 1;
    if (outcome === 'passed') passed += 1;
  }
  return { passed, judged, rate: judged ? passed / judged : null };
}
