import { describe, expect, it } from 'vitest';
import { kappaInterval } from './kappa-interval.ts';

/** a items rated (yes, yes), b (yes, no), c (no, yes), d (no, no). */
function table(a: number, b: number, c: number, d: number): [string, string][] {
  return [
    ...Array.from({ length: a }, (): [string, string] => ['yes', 'yes']),
    ...Array.from({ length: b }, (): [string, string] => ['yes', 'no']),
    ...Array.from({ length: c }, (): [string, string] => ['no', 'yes']),
    ...Array.from({ length: d }, (): [string, string] => ['no', 'no']),
  ];
}

describe('kappaInterval', () => {
  it('gives kappa by hand: 20/5/10/15 of 50 is 0.4', () => {
    // p_o = (20 + 15)/50 = 0.7. First rater yes 25/50, second 30/50: p_e = 0.5·0.6 + 0.5·0.4 = 0.5.
    // kappa = (0.7 − 0.5)/(1 − 0.5) = 0.4.
    const result = kappaInterval(table(20, 5, 10, 15))!;
    expect(result.kappa).toBeCloseTo(0.4, 15);
    expect(result.n).toBe(50);
  });

  it('puts the interval around kappa about as wide as the large-sample standard error says', () => {
    // Cohen's (1960) approximate SE, √(p_o(1 − p_o)/(n(1 − p_e)²)) = √(0.21/(50·0.25)) = 0.1296:
    // a normal 95% interval 0.4 ± 0.254 = [0.146, 0.654]. The bootstrap is not that formula, but a
    // sound one lands within a few hundredths of it at each end.
    const result = kappaInterval(table(20, 5, 10, 15))!;
    expect(result.low!).toBeLessThan(0.4);
    expect(result.high!).toBeGreaterThan(0.4);
    expect(Math.abs(result.low! - 0.146)).toBeLessThan(0.03);
    expect(Math.abs(result.high! - 0.654)).toBeLessThan(0.03);
    expect(result.undefinedResamples).toBe(0);
    // More items, same shares: narrower, about by √4 = 2.
    const four = kappaInterval(table(80, 20, 40, 60))!;
    const ratio = (result.high! - result.low!) / (four.high! - four.low!);
    expect(Math.abs(ratio - 2)).toBeLessThan(0.25);
  });

  it('counts the resamples where kappa is undefined: 2 yes-yes and 2 no-no, one category in 1/8 of them', () => {
    // Kappa is undefined when the resample holds only (yes, yes) or only (no, no): 2 · (½)⁴ = 1/8.
    // Every other resample agrees perfectly with both categories: kappa 1.
    const result = kappaInterval(table(2, 0, 0, 2))!;
    expect(result.kappa).toBe(1);
    expect([result.low, result.high]).toEqual([1, 1]);
    // Binomial(10,000, 1/8): sd 33; 150 is over four sd.
    expect(Math.abs(result.undefinedResamples - 1250)).toBeLessThan(150);
  });

  it('is the same for the same seed and null with no items', () => {
    expect(kappaInterval(table(20, 5, 10, 15), { seed: 9 })).toEqual(kappaInterval(table(20, 5, 10, 15), { seed: 9 }));
    expect(kappaInterval([])).toBeNull();
  });
});
