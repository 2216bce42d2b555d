// The figures behind the HTML report's charts, computed here (not in the page) so they are tested
// and the page only draws. Per suite, never across suites (a default run has seven, with their
// own cases, costs and latencies): pass rate per category, the latency histogram on a log scale,
// the quality–cost–latency trade-off with its Pareto fronts, and pass@k / pass^k across repeats.

import { quantile } from '../../metrics/stats.ts';
import type { StoredAttempt } from '../../runners/store.ts';
import type { Aggregate } from '../../runners/aggregate.ts';
import { pooledPassRate } from '../intervals.ts';
import { onlyDefaultConfig, seriesLabel } from '../report-input.ts';
import { paretoFront } from './pareto.ts';

export interface CategoryBars {
  /** The suite's categories, lowest pooled pass rate first; those nothing could check last. */
  categories: string[];
  /** passRate null: nothing in that category could be checked for the series ("not applicable", not 0%). */
  series: { label: string; passRate: (number | null)[]; judged: number[] }[];
}

export interface LatencyHistogram {
  /** Bin i holds latencies in [edges[i], edges[i+1]); the last bin includes its upper edge. Edges are spaced evenly on a log scale. */
  edges: number[];
  series: { label: string; counts: number[] }[];
}

export interface Tradeoff {
  points: {
    label: string;
    /** Pass rate pooled over the suite's attempts of the target × configuration; null when nothing was checked. */
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

/** One suite's charts: a chart never mixes suites (their cases, scales and costs differ). */
export interface SuiteCharts {
  suite: string;
  categories: CategoryBars;
  latency: LatencyHistogram;
  tradeoff: Tradeoff;
  /** null when no group of the suite was repeated. */
  passK: PassKChart | null;
}

export interface ChartsData {
  suites: SuiteCharts[];
}

export function chartsData(aggregates: readonly Aggregate[], attempts: readonly StoredAttempt[]): ChartsData {
  const bySuite = groupBy(attempts, (a) => a.suite);
  // The aggregates' order (the run's), then any suite they do not name.
  const order = [...new Set([...aggregates.map((a) => a.suite), ...bySuite.keys()])].filter((s) => bySuite.has(s));
  return {
    suites: order.map((suite) => {
      const own = bySuite.get(suite)!;
      return { suite, categories: categoryBars(own), latency: latencyHistogram(own), tradeoff: tradeoff(own), passK: passKChart(aggregates.filter((a) => a.suite === suite)) };
    }),
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

/** One suite's pass rate per category and target × configuration, the categories sorted lowest first. */
export function categoryBars(attempts: readonly StoredAttempt[]): CategoryBars {
  const single = onlyDefaultConfig(attempts);
  const byCategory = groupBy(attempts, (a) => a.category);
  const pooled = new Map([...byCategory].map(([c, list]) => [c, pooledPassRate(list).rate]));
  const categories = [...byCategory.keys()].sort((x, y) => {
    const px = pooled.get(x)!;
    const py = pooled.get(y)!;
    if (px === null || py === null) return px === py ? byName(x, y) : px === null ? 1 : -1;
    return px - py || byName(x, y);
  });
  const bySeries = groupBy(attempts, (a) => seriesLabel(a.target, a.config, single));
  const series = [...bySeries.keys()].sort(byName).map((label) => {
    const own = groupBy(bySeries.get(label)!, (a) => a.category);
    const rates = categories.map((c) => pooledPassRate(own.get(c) ?? []));
    return { label, passRate: rates.map((r) => r.rate), judged: rates.map((r) => r.judged) };
  });
  return { categories, series };
}

/** Latencies at or under this (ms) share the first bin: a log scale needs a floor above 0. */
const LATENCY_FLOOR_MS = 0.01;

/**
 * Over attempts that ran (status ok, as the aggregates' percentiles), per target, on a log scale:
 * a run's latencies span a cached 2 ms to an agent's 90 s, and on a linear axis every fast
 * attempt falls into the first bin. Sturges' rule for the number of bins (1 + ⌈log2 n⌉, at most
 * 30), their edges spaced evenly in log(latency) from the fastest to the slowest.
 */
export function latencyHistogram(attempts: readonly StoredAttempt[]): LatencyHistogram {
  const ran = attempts.filter((a) => a.status === 'ok');
  if (ran.length === 0) return { edges: [], series: [] };
  let low = Infinity;
  let high = -Infinity;
  for (const a of ran) {
    const v = Math.max(LATENCY_FLOOR_MS, a.latencyMs);
    if (v < low) low = v;
    if (v > high) high = v;
  }
  const bins = high === low ? 1 : Math.min(30, 1 + Math.ceil(Math.log2(ran.length)));
  const ratio = Math.log(high / low);
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === 0 ? low : i === bins ? high : low * Math.exp((ratio * i) / bins)));
  const binOf = (v: number) => (ratio === 0 ? 0 : Math.min(bins - 1, Math.floor((Math.log(Math.max(LATENCY_FLOOR_MS, v) / low) / ratio) * bins)));
  const byTarget = groupBy(ran, (a) => a.target);
  const series = [...byTarget.keys()].sort(byName).map((label) => {
    const counts = new Array<number>(bins).fill(0);
    for (const a of byTarget.get(label)!) counts[binOf(a.latencyMs)]! += 1;
    return { label, counts };
  });
  return { edges, series };
}

/** One point per target × configuration of the attempts given (one suite's), with both Pareto fronts marked. */
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
  return {
    ks,
    series: repeated.map((a) => ({
      label: seriesLabel(a.target, a.config, single),
      passAtK: ks.map((k) => a.passAtK![k] ?? null),
      passHatK: ks.map((k) => a.passHatK![k] ?? null),
    })),
  };
}
