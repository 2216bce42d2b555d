import { describe, expect, it } from 'vitest';
import { summariseAttempt, type StoredAttempt } from '../../runners/store.ts';
import { aggregate } from '../../runners/aggregate.ts';
import { fixtureRows, TARGETS, XSS_CATEGORY } from '../test-fixtures.ts';
import { categoryBars, chartsData, latencyHistogram, passKChart, tradeoff } from './charts-data.ts';

const fixture = fixtureRows('r').map(summariseAttempt);

function ran(target: string, latencyMs: number, status: 'ok' | 'error' = 'ok'): StoredAttempt {
  return { runId: 'r', suite: 's', config: 'default', caseId: `c${latencyMs}`, category: 'k', target, repeat: 0, status, stopReason: 'final', finalAnswer: 'a', latencyMs, inputTokens: 0, outputTokens: 0, costUsd: 0, unpricedCalls: 0, estimatedUsage: 0, scores: [] };
}

describe('latencyHistogram', () => {
  it('bins the latencies of attempts that ran, per target, in bins evenly spaced on a log scale', () => {
    // 6 latencies from 10 to 10,000 ms: 1 + ⌈log2 6⌉ = 4 bins, edges 10·1000^(i/4):
    // 10, 56.2, 316.2, 1778.3, 10000. The errored attempt is left out.
    const h = latencyHistogram([ran('a', 10), ran('a', 100), ran('a', 1000), ran('a', 10_000), ran('b', 20), ran('b', 5000), ran('b', 5, 'error')]);
    expect(h.edges.map((x) => Number(x.toFixed(1)))).toEqual([10, 56.2, 316.2, 1778.3, 10000]);
    expect(h.series).toEqual([
      { label: 'a', counts: [1, 1, 1, 1] },
      { label: 'b', counts: [1, 0, 0, 1] },
    ]);
  });

  it('keeps a fast attempt apart from a slow one however far apart they are (no outlier squeezes the rest)', () => {
    // 99 attempts at 1–2 ms and one at 60 s: 8 bins from 1 to 60,000 ms, each ×3.96; the fast
    // ones fill the first bin and the slow one the last, instead of 99 in one linear bin of 7.5 s.
    const h = latencyHistogram([...Array.from({ length: 99 }, (_, i) => ran('a', 1 + i / 98)), ran('a', 60_000)]);
    expect(h.edges).toHaveLength(9);
    expect(h.series[0]!.counts).toEqual([99, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('makes one bin when every latency is the same, puts 0 ms at a floor of 0.01 ms, and none when nothing ran', () => {
    expect(latencyHistogram([ran('a', 7), ran('a', 7)])).toEqual({ edges: [7, 7], series: [{ label: 'a', counts: [2] }] });
    // Two latencies, 2 bins from 0.01 to 1 ms: the middle edge at 0.1.
    expect(latencyHistogram([ran('a', 0), ran('a', 1)]).edges.map((x) => Number(x.toFixed(6)))).toEqual([0.01, 0.1, 1]);
    expect(latencyHistogram([ran('a', 7, 'error')])).toEqual({ edges: [], series: [] });
  });
});

describe('categoryBars', () => {
  it('gives each target × configuration its pass rate per category, the categories lowest first (fixture, worked by hand)', () => {
    // ollama: lookup = c3 passed, c6 errored (a failure), c4 unscored → 1 of 2 per repeat;
    // math = c1, c8 passed, c2, c7 failed → 2 of 4. openai: lookup 2 of 2, math 3 of 4.
    // Pooled: math (8 + 12)/32 = 0.625, lookup (4 + 8)/16 = 0.75, the XSS category 8/8.
    const bars = categoryBars(fixture);
    expect(bars.categories).toEqual(['math', 'lookup', XSS_CATEGORY]);
    expect(bars.series).toEqual([
      { label: `${TARGETS.local} · concise`, passRate: [0.5, 0.5, 1], judged: [8, 4, 2] },
      { label: `${TARGETS.local} · default`, passRate: [0.5, 0.5, 1], judged: [8, 4, 2] },
      { label: `${TARGETS.paid} · concise`, passRate: [0.75, 1, 1], judged: [8, 4, 2] },
      { label: `${TARGETS.paid} · default`, passRate: [0.75, 1, 1], judged: [8, 4, 2] },
    ]);
  });

  it('tells "not applicable" (nothing checked: null) from 0%, and puts such categories last', () => {
    const unscored = (target: string, category: string): StoredAttempt => ({ ...ran(target, 1), category, scores: [{ scorer: 'j', value: null, pass: null, status: 'skipped', reason: 'no judge' }] });
    const failed = (target: string, category: string): StoredAttempt => ({ ...ran(target, 1), category, scores: [{ scorer: 'x', value: 0, pass: false, status: 'scored', reason: '' }] });
    const bars = categoryBars([failed('a', 'k1'), unscored('b', 'k1'), unscored('a', 'k2'), unscored('b', 'k2')]);
    expect(bars.categories).toEqual(['k1', 'k2']);
    expect(bars.series).toEqual([
      { label: 'a', passRate: [0, null], judged: [1, 0] },
      { label: 'b', passRate: [null, null], judged: [0, 0] },
    ]);
  });

  it('names series by target alone when every attempt ran the default configuration', () => {
    expect(categoryBars([ran('a', 1), ran('b', 2)]).series.map((s) => s.label)).toEqual(['a', 'b']);
  });
});

describe('tradeoff', () => {
  it('marks the Pareto fronts on cost and on latency (fixture, worked by hand)', () => {
    // ollama (both configs): 8/14 pass, $0, 3000 ms. openai concise: 12/14, $0.001, 600 ms;
    // openai default: 12/14, $0.002, 800 ms — beaten by concise on both axes.
    // On cost the free ollama points stay on the front; on latency openai concise beats them all.
    // (Cost is a sum of 16 floats divided by 16: compared to 12 decimals.)
    const t = tradeoff(fixture);
    expect(t.points.map((p) => [p.label, p.quality, p.judged, Number(p.costPerAttempt.toFixed(12)), p.latencyP50, p.onCostFront, p.onLatencyFront])).toEqual([
      [`${TARGETS.local} · concise`, 8 / 14, 14, 0, 3000, true, false],
      [`${TARGETS.local} · default`, 8 / 14, 14, 0, 3000, true, false],
      [`${TARGETS.paid} · concise`, 12 / 14, 14, 0.001, 600, true, true],
      [`${TARGETS.paid} · default`, 12 / 14, 14, 0.002, 800, false, false],
    ]);
  });
});

describe('passKChart', () => {
  it("plots the aggregates' own pass@k and pass^k, and is absent without repeats", () => {
    // Every case gives the same outcome in both repeats: pass@k = pass^k = the share of passing
    // cases among the 7 scorable ones (c4 is unscored): openai 6/7, ollama 4/7 (c6 errored).
    const chart = passKChart(aggregate(fixture))!;
    expect(chart.ks).toEqual([1, 2]);
    expect(chart.series.map((s) => s.label)).toEqual([`${TARGETS.local} · concise`, `${TARGETS.paid} · concise`, `${TARGETS.local} · default`, `${TARGETS.paid} · default`]);
    expect(chart.series[0]!.passAtK).toEqual([4 / 7, 4 / 7]);
    expect(chart.series[1]!.passHatK).toEqual([6 / 7, 6 / 7]);
    expect(passKChart(aggregate([ran('a', 1)]))).toBeNull();
  });
});

describe('chartsData', () => {
  it('draws each suite apart: its own categories, latencies, trade-off front and pass@k', () => {
    const other = fixture.map((a) => ({ ...a, suite: 'zz', category: `${a.category}-z`, latencyMs: a.latencyMs * 10 }));
    const charts = chartsData(aggregate([...fixture, ...other]), [...fixture, ...other]);
    expect(charts.suites.map((s) => s.suite)).toEqual(['qa', 'zz']);
    expect(charts.suites[0]!.categories.categories).toEqual(['math', 'lookup', XSS_CATEGORY]);
    expect(charts.suites[1]!.categories.categories).toEqual(['math-z', 'lookup-z', `${XSS_CATEGORY}-z`]);
    expect(charts.suites[1]!.tradeoff.points.map((p) => p.latencyP50)).toEqual([30_000, 30_000, 6000, 8000]);
    expect(charts.suites[0]!.passK!.series).toHaveLength(4);
  });
});
