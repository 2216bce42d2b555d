import { describe, expect, it } from 'vitest';
import { summariseAttempt, type StoredAttempt } from '../../runners/store.ts';
import { aggregate } from '../../runners/aggregate.ts';
import { fixtureRows, TARGETS, XSS_CATEGORY } from '../test-fixtures.ts';
import { categoryBars, latencyHistogram, passKChart, tradeoff } from './charts-data.ts';

const fixture = fixtureRows('r').map(summariseAttempt);

function ran(target: string, latencyMs: number, status: 'ok' | 'error' = 'ok'): StoredAttempt {
  return { runId: 'r', suite: 's', config: 'default', caseId: `c${latencyMs}`, category: 'k', target, repeat: 0, status, stopReason: 'final', finalAnswer: 'a', latencyMs, inputTokens: 0, outputTokens: 0, costUsd: 0, unpricedCalls: 0, estimatedUsage: 0, scores: [] };
}

describe('latencyHistogram', () => {
  it('bins the latencies of attempts that ran, per target, with Sturges bins over the shared range', () => {
    // 6 latencies: 1 + ⌈log2 6⌉ = 4 bins over 100..400, 75 ms wide. The errored attempt is left out.
    const h = latencyHistogram([ran('a', 100), ran('a', 200), ran('a', 300), ran('a', 400), ran('b', 150), ran('b', 400), ran('b', 5, 'error')]);
    expect(h.edges).toEqual([100, 175, 250, 325, 400]);
    expect(h.clippedAbove).toBeNull();
    expect(h.series).toEqual([
      { label: 'a', counts: [1, 1, 1, 1] },
      { label: 'b', counts: [1, 0, 0, 1] },
    ]);
  });

  it('stops the range at the 99th percentile from 100 latencies on, the last bin taking the rest', () => {
    // 1..100 ms: p99 (type 7) = 99.01; 1 + ⌈log2 100⌉ = 8 bins of 12.25125 ms from 1;
    // bin i holds v with ⌊(v − 1) / 12.25125⌋ = i, the last also 100.
    const h = latencyHistogram(Array.from({ length: 100 }, (_, i) => ran('a', i + 1)));
    expect(h.clippedAbove).toBeCloseTo(99.01, 10);
    expect(h.edges).toHaveLength(9);
    expect(h.series[0]!.counts).toEqual([13, 12, 12, 13, 12, 12, 12, 14]);
  });

  it('makes one bin when every latency is the same, and none when nothing ran', () => {
    expect(latencyHistogram([ran('a', 7), ran('a', 7)])).toEqual({ edges: [7, 7], clippedAbove: null, series: [{ label: 'a', counts: [2] }] });
    expect(latencyHistogram([ran('a', 7, 'error')])).toEqual({ edges: [], clippedAbove: null, series: [] });
  });
});

describe('categoryBars', () => {
  it('gives each target × configuration its pass rate per category (fixture, worked by hand)', () => {
    // ollama: lookup = c3 passed, c6 errored (a failure), c4 unscored → 1 of 2 per repeat;
    // math = c1, c8 passed, c2, c7 failed → 2 of 4. openai: lookup 2 of 2, math 3 of 4.
    const bars = categoryBars(fixture);
    expect(bars.categories).toEqual([XSS_CATEGORY, 'lookup', 'math']);
    expect(bars.series).toEqual([
      { label: `${TARGETS.local} · concise`, passRate: [1, 0.5, 0.5], judged: [2, 4, 8] },
      { label: `${TARGETS.local} · default`, passRate: [1, 0.5, 0.5], judged: [2, 4, 8] },
      { label: `${TARGETS.paid} · concise`, passRate: [1, 1, 0.75], judged: [2, 4, 8] },
      { label: `${TARGETS.paid} · default`, passRate: [1, 1, 0.75], judged: [2, 4, 8] },
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
