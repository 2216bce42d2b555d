// The figures behind the HTML report's charts, computed here (not in the page) so they are tested
// and the page only draws: pass rate per category, the latency histogram, the quality–cost–
// latency trade-off with its Pareto fronts, and pass@k / pass^k across repeats.

import { quantile } from '../../metrics/stats.ts';
import type { StoredAttempt } from '../../runners/store.ts';
import type { Aggregate } from '../../runners/aggregate.ts';
import { pooledPassRate } from '../intervals.ts';
import { onlyDefaultConfig, seriesLabel } from '../report-input.ts';
import { paretoFront } from './pareto.ts';

export interface CategoryBars {
  /** Category names; "suite / category" when the run has more than one suite. */
  categories: string[];
  series: { label: string; passRate: (number | null)[]; judged: number[] }[];
}

export interface LatencyHistogram {
  /** Bin i holds latencies in [edges[i], edges[i+1]); the last bin includes its upper edge. */
  edges: number[];
  /** When set, the last bin also holds every latency above its upper edge (the slowest 1%). */
  clippedAbove: number | null;
  series: { label: string; counts: number[] }[];
}

export interface Tradeoff {
  points: {
    label: string;
    /** Pass rate pooled over the target × configuration's suites; null when nothing was checked. */
    quality: number | null;
    judged: number;
    /** Dollars per attempt. */
    costPerAttempt: number;
    /** Some calls had no price: the cost is a lower bound. */
    unpriced: boolean;
    /** Median latency of attempts that ran; null when none did. */
    latencyP50: number | null;
    onCostFront: boolean;
    onLatencyFront: boolean;
  }[];
}

export interface PassKChart {
  ks: number[];
  series: { label: string; passAtK: (number | null)[]; passHatK: (number | null)[] }[];
}

export interface ChartsData {
  categories: CategoryBars;
  latency: LatencyHistogram;
  tradeoff: Tradeoff;
  /** null when no group was repeated. */
  passK: PassKChart | null;
}

export function chartsData(aggregates: readonly Aggregate[], attempts: readonly StoredAttempt[]): ChartsData {
  return {
    categories: categoryBars(attempts),
    latency: latencyHistogram(attempts),
    tradeoff: tradeoff(attempts),
    passK: passKChart(aggregates),
  };
}

/** Groups attempts by a key, keeping first-seen order of the keys sorted afterwards by the caller. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function categoryBars(attempts: readonly StoredAttempt[]): CategoryBars {
  const single = onlyDefaultConfig(attempts);
  const manySuites = new Set(attempts.map((a) => a.suite)).size > 1;
  const category = (a: StoredAttempt) => (manySuites ? `${a.suite} / ${a.category}` : a.category);
  const categories = [...new Set(attempts.map(category))].sort(byName);
  const bySeries = groupBy(attempts, (a) => seriesLabel(a.target, a.config, single));
  const series = [...bySeries.keys()].sort(byName).map((label) => {
    const byCategory = groupBy(bySeries.get(label)!, category);
    const rates = categories.map((c) => pooledPassRate(byCategory.get(c) ?? []));
    return { label, passRate: rates.map((r) => r.rate), judged: rates.map((r) => r.judged) };
  });
  return { categories, series };
}

/**
 * Over attempts that ran (status ok, as the aggregates' percentiles), per target. Sturges' rule
 * for the number of bins (1 + ⌈log2 n⌉, at most 30); with 100 or more latencies the range stops
 * at the 99th percentile and the last bin takes the rest, so one slow outlier does not squeeze
 * every other attempt into the first bin.
 */
export function latencyHistogram(attempts: readonly StoredAttempt[]): LatencyHistogram {
  const ran = attempts.filter((a) => a.status === 'ok');
  if (ran.length === 0) return { edges: [], clippedAbove: null, series: [] };
  const values = ran.map((a) => a.latencyMs);
  let low = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < low) low = v;
    if (v > max) max = v;
  }
  const p99 = values.length >= 100 ? quantile(values, 0.99)! : max;
  const high = p99 < max ? p99 : max;
  const bins = high === low ? 1 : Math.min(30, 1 + Math.ceil(Math.log2(values.length)));
  const width = (high - low) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? high : low + i * width));
  const binOf = (v: number) => (width === 0 ? 0 : Math.min(bins - 1, Math.floor((v - low) / width)));
  const byTarget = groupBy(ran, (a) => a.target);
  const series = [...byTarget.keys()].sort(byName).map((label) => {
    const counts = new Array<number>(bins).fill(0);
    for (const a of byTarget.get(label)!) counts[binOf(a.latencyMs)]! += 1;
    return { label, counts };
  });
  return { edges, clippedAbove: high < max ? high : null, series };
}

/** One point per target × configuration (pooled across suites), with both Pareto fronts marked. */
export function tradeoff(attempts: readonly StoredAttempt[]): Tradeoff {
  const single = onlyDefaultConfig(attempts);
  const groups = groupBy(attempts, (a) => seriesLabel(a.target, a.config, single));
  const points = [...groups.keys()].sort(byName).map((label) => {
    const group = groups.get(label)!;
    const pooled = pooledPassRate(group);
    let cost = 0;
    let unpriced = 0;
    for (const a of group) {
      cost += a.costUsd;
      unpriced += a.unpricedCalls;
    }
    return {
      label,
      quality: pooled.rate,
      judged: pooled.judged,
      costPerAttempt: cost / group.length,
      unpriced: unpriced > 0,
      latencyP50: quantile(group.filter((a) => a.status === 'ok').map((a) => a.latencyMs), 0.5),
    };
  });
  const onCost = paretoFront(points.map((p) => ({ quality: p.quality ?? Number.NaN, cost: p.costPerAttempt })));
  const onLatency = paretoFront(points.map((p) => ({ quality: p.quality ?? Number.NaN, cost: p.latencyP50 ?? Number.NaN })));
  return { points: points.map((p, i) => ({ ...p, onCostFront: onCost[i]!, onLatencyFront: onLatency[i]! })) };
}

/** pass@k and pass^k of each repeated group (aggregates' own figures), k = 1..n. */
export function passKChart(aggregates: readonly Aggregate[]): PassKChart | null {
  const repeated = aggregates.filter((a) => (a.repeats ?? 1) > 1);
  if (repeated.length === 0) return null;
  const maxK = Math.max(...repeated.map((a) => a.repeats!));
  const ks = Array.from({ length: maxK }, (_, i) => i + 1);
  const single = aggregates.every((a) => a.config === 'default');
  const manySuites = new Set(aggregates.map((a) => a.suite)).size > 1;
  return {
    ks,
    series: repeated.map((a) => ({
      label: `${manySuites ? `${a.suite} / ` : ''}${seriesLabel(a.target, a.config, single)}`,
      passAtK: ks.map((k) => a.passAtK![k] ?? null),
      passHatK: ks.map((k) => a.passHatK![k] ?? null),
    })),
  };
}
