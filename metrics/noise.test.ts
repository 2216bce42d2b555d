import { describe, expect, it } from 'vitest';
import { caseNoise, caseVariance, measureNoise, runSdFromVariances, type NoiseAttempt } from './noise.ts';
import { mulberry32 } from './seeded-random.ts';

// Four cases of group g, three repeats (0, 1, 2); null = errored.
//   c1  P P P      c2  P F P      c3  F F null      c4  F P (no repeat 2)
const P = true;
const F = false;
const table: [string, string, (boolean | null)[]][] = [
  ['c1', 'easy', [P, P, P]],
  ['c2', 'hard', [P, F, P]],
  ['c3', 'hard', [F, F, null]],
  ['c4', 'easy', [F, P]],
];
const attempts: NoiseAttempt[] = table.flatMap(([caseId, category, verdicts]) => verdicts.map((pass, repeat) => ({ caseId, category, group: 'g', repeat, pass })));

describe('caseNoise', () => {
  it('counts verdicts, leaves nulls out and gives flipped and flipRate = min(passes, fails)/n', () => {
    const cases = caseNoise(attempts);
    expect(cases.map((c) => [c.caseId, c.repeats, c.unjudged, c.passes, c.fails, c.flipped, c.flipRate])).toEqual([
      ['c1', 3, 0, 3, 0, false, 0],
      ['c2', 3, 0, 2, 1, true, 1 / 3],
      ['c3', 2, 1, 0, 2, false, 0],
      ['c4', 2, 0, 1, 1, true, 1 / 2],
    ]);
    expect(cases[1]!.passRate).toBeCloseTo(2 / 3, 15);
    expect(cases[1]!.category).toBe('hard');
  });

  it('refuses the same repeat of a case twice', () => {
    expect(() => caseNoise([...attempts, { caseId: 'c1', group: 'g', repeat: 0, pass: false }])).toThrow(/repeat 0 of g\/c1 appears twice/);
  });
});

describe('measureNoise', () => {
  const [g] = measureNoise(attempts);

  it('lists the flipped cases by flip rate, highest first', () => {
    expect(g!.flaky.map((c) => [c.caseId, c.flipRate, c.category])).toEqual([
      ['c4', 1 / 2, 'easy'],
      ['c2', 1 / 3, 'hard'],
    ]);
  });

  it('gives each repeat index its pass rate over the cases judged in it, and their SD', () => {
    // Repeat 0: c1 P, c2 P, c3 F, c4 F → 2/4. Repeat 1: P F F P → 2/4. Repeat 2: c1 P, c2 P → 2/2.
    expect(g!.floor.perRepeat).toEqual([
      { repeat: 0, cases: 4, passRate: 0.5 },
      { repeat: 1, cases: 4, passRate: 0.5 },
      { repeat: 2, cases: 2, passRate: 1 },
    ]);
    // Mean 2/3, squared deviations 1/36 + 1/36 + 4/36 = 1/6, over n − 1 = 2: 1/12.
    expect(g!.floor.repeatSd).toBeCloseTo(Math.sqrt(1 / 12), 15);
  });

  it('gives the expected run SD √(Σ v_i)/N with v_i = p̂(1 − p̂)·n/(n − 1)', () => {
    // v: c1 0; c2 (2/3)(1/3)(3/2) = 1/3; c3 0; c4 (1/2)(1/2)(2) = 1/2. Σ = 5/6, N = 4.
    expect(g!.floor.cases).toBe(4);
    expect(g!.floor.singleVerdictCases).toBe(0);
    expect(g!.floor.expectedRunSd!.estimate).toBeCloseTo(Math.sqrt(5 / 6) / 4, 15);
  });

  it('bootstraps that SD over cases: the interval lands on the exact bootstrap distribution’s quantiles', () => {
    // All 4⁴ = 256 ordered resamples of the four variances are equally likely: the ideal bootstrap.
    const v = [0, 1 / 3, 0, 1 / 2];
    const values: number[] = [];
    for (let i = 0; i < 256; i += 1) {
      const pick = [i & 3, (i >> 2) & 3, (i >> 4) & 3, (i >> 6) & 3].map((k) => v[k]!);
      values.push(Math.sqrt(pick.reduce((s, x) => s + x, 0)) / 4);
    }
    values.sort((a, b) => a - b);
    const exact = (q: number) => values[Math.ceil(q * 256) - 1]!;
    // 2.5%: 1/16 of resamples are all zeros, so 0. 97.5%: two 1/2 and two 1/3, √(5/3)/4, sits inside
    // an atom spanning cumulative 95.7%..98.0%, far from its edges for 10,000 resamples.
    expect(exact(0.025)).toBe(0);
    expect(exact(0.975)).toBeCloseTo(Math.sqrt(5 / 3) / 4, 15);
    const interval = g!.floor.expectedRunSd!;
    expect(interval.low).toBe(exact(0.025));
    expect(interval.high).toBeCloseTo(exact(0.975), 15);
  });

  it('keeps groups apart', () => {
    const two = measureNoise([...attempts, { caseId: 'c1', group: 'h', repeat: 0, pass: false }]);
    expect(two.map((x) => [x.group, x.cases.length, x.flaky.length])).toEqual([
      ['g', 4, 2],
      ['h', 1, 0],
    ]);
    expect(two[1]!.floor.singleVerdictCases).toBe(1);
    expect(two[1]!.floor.repeatSd).toBeNull();
  });
});

describe('the expected run SD against simulated truth', () => {
  it('recovers √(Σ p_i(1 − p_i))/N from 4 repeats of 400 cases, and the spread of whole runs agrees', () => {
    // Known p_i: a mix of near-certain and in-between cases. With 4 repeats the n/(n − 1) correction
    // is 4/3 on the variance: leaving it out would land the SD √(3/4) = 13% low, outside the 6% allowed.
    const random = mulberry32(11);
    const p = Array.from({ length: 400 }, (_, i) => (i % 4 === 0 ? 0.2 + 0.6 * random() : i % 4 === 1 ? 0.97 : i % 4 === 2 ? 0.03 : 0.5));
    const truth = Math.sqrt(p.reduce((s, x) => s + x * (1 - x), 0)) / p.length;
    const sim: NoiseAttempt[] = [];
    p.forEach((pi, i) => {
      for (let r = 0; r < 4; r += 1) sim.push({ caseId: `c${i}`, group: 'g', repeat: r, pass: random() < pi });
    });
    const [noise] = measureNoise(sim, { resamples: 2000 });
    const estimate = noise!.floor.expectedRunSd!;
    expect(Math.abs(estimate.estimate / truth - 1)).toBeLessThan(0.06);
    expect(estimate.low).toBeLessThan(truth);
    expect(estimate.high).toBeGreaterThan(truth);
    // Independent check of what the figure means: the SD of the pass rate over 400 whole simulated runs.
    const rates = Array.from({ length: 400 }, () => p.filter((pi) => random() < pi).length / p.length);
    const m = rates.reduce((s, x) => s + x, 0) / rates.length;
    const observed = Math.sqrt(rates.reduce((s, x) => s + (x - m) ** 2, 0) / (rates.length - 1));
    // The SD of an SD from 400 runs is about 1/√(2·399) = 3.5% of it; 12% is over three of those.
    expect(Math.abs(observed / truth - 1)).toBeLessThan(0.12);
  });
});

describe('caseVariance and runSdFromVariances', () => {
  it('are null with fewer than two verdicts or no cases', () => {
    expect(caseVariance(1, 1)).toBeNull();
    expect(caseVariance(1, 2)).toBe(0.5);
    expect(runSdFromVariances([])).toBeNull();
    expect(runSdFromVariances([0.25, 0.25, 0.25, 0.25])).toBe(0.25);
  });
});
