import { describe, expect, it } from 'vitest';
import { mean, meanInterval, quantile, stddev, stderr, studentTCdf, studentTQuantile } from './stats.ts';

describe('mean and quantile', () => {
  it('are null over nothing and interpolate quantiles (type 7)', () => {
    expect(mean([])).toBeNull();
    expect(quantile([], 0.5)).toBeNull();
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
  });
});

describe('stddev', () => {
  it('is the sample standard deviation (n − 1)', () => {
    // mean 5; squared deviations 9,1,1,1,0,0,4,16 = 32; 32/7 → √(32/7).
    expect(stddev([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 14);
    // mean 5/6; deviations 1/6, 1/6, −1/3 → 6/36; /2 = 1/12.
    expect(stddev([1, 1, 0.5])).toBeCloseTo(Math.sqrt(1 / 12), 15);
    expect(stddev([3, 3])).toBe(0);
  });

  it('is null with fewer than two values', () => {
    expect(stddev([])).toBeNull();
    expect(stddev([1])).toBeNull();
    expect(stderr([1])).toBeNull();
  });

  it('stderr is stddev / √n', () => {
    expect(stderr([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7) / Math.sqrt(8), 14);
  });
});

describe('Student t', () => {
  it.each([
    // t_{0.975, df} (R: qt(0.975, df); df 100 also checked by Simpson integration of the density)
    [1, 12.706204736174698],
    [2, 4.302652729749464],
    [4, 2.7764451051977934],
    [9, 2.2621571627982053],
    [30, 2.0422724563012373],
    [100, 1.983971518523552],
  ])('the 0.975 quantile with %i degrees of freedom is %f', (df, t) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 9);
    expect(studentTQuantile(0.025, df)).toBeCloseTo(-t, 9);
    expect(studentTCdf(t, df)).toBeCloseTo(0.975, 12);
  });

  it('has the closed forms of df 1 (Cauchy) and df 2', () => {
    for (const t of [-3, -0.5, 0, 0.7, 4]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 12);
    }
  });
});

describe('meanInterval', () => {
  it('is mean ± t_{0.975, n−1} · s/√n', () => {
    // [1, 1, 0.5]: mean 5/6, s = √(1/12), se = s/√3 = 1/6; t_{0.975,2} = 4.302652729749464.
    const interval = meanInterval([1, 1, 0.5])!;
    expect(interval.mean).toBeCloseTo(5 / 6, 15);
    expect(interval.halfWidth).toBeCloseTo(4.302652729749464 / 6, 9);
    expect(interval.low).toBeCloseTo(5 / 6 - 4.302652729749464 / 6, 9);
    expect(interval.high).toBeCloseTo(5 / 6 + 4.302652729749464 / 6, 9);
    expect(interval.level).toBe(0.95);
  });

  it('is null with fewer than two values and rejects a level outside (0, 1)', () => {
    expect(meanInterval([0.5])).toBeNull();
    expect(() => meanInterval([1, 2], 1)).toThrow(RangeError);
  });
});
