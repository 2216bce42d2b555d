import { describe, expect, it } from 'vitest';
import { bootstrapDraws, bootstrapPValue, percentileInterval } from './bootstrap-draws.ts';
import { bootstrapStatistic } from './paired.ts';
import { mean } from './stats.ts';

describe('bootstrapDraws', () => {
  it('keeps exactly the resamples paired.ts drew: the same interval from the same seed', () => {
    const values = [0, 1, 1, 0, 1, 1, 1, 0, 1, 1];
    const draws = bootstrapDraws(values, (s) => mean(s)!, { resamples: 2000, seed: 7 })!;
    const reference = bootstrapStatistic(values, (s) => mean(s)!, { resamples: 2000, seed: 7 })!;
    expect(draws.draws).toHaveLength(2000);
    expect(draws.estimate).toBe(0.7);
    const interval = percentileInterval(draws.draws)!;
    expect(interval.low).toBe(reference.low);
    expect(interval.high).toBe(reference.high);
  });

  it('records NaN for an undefined statistic and the interval leaves it out', () => {
    // Two values; a resample of both the same has no spread (NaN here): P = 2 · (½)² = ½.
    const draws = bootstrapDraws([0, 1], (s) => (s[0] === s[1] ? Number.NaN : 1), { resamples: 4000, seed: 3 })!;
    const undefinedShare = draws.draws.filter(Number.isNaN).length / 4000;
    // Binomial(4000, ½): sd = 0.0079; 0.04 is five sd.
    expect(Math.abs(undefinedShare - 0.5)).toBeLessThan(0.04);
    expect(percentileInterval(draws.draws)).toEqual({ low: 1, high: 1, defined: 4000 - draws.draws.filter(Number.isNaN).length });
  });

  it('is null with no values', () => {
    expect(bootstrapDraws([], (s) => s.length)).toBeNull();
  });
});

describe('bootstrapPValue', () => {
  it('is twice the smaller tail, each (count + 1)/(B + 1)', () => {
    // 9 draws: two at or below 0, seven at or above: 2 · (2 + 1)/10 = 0.6.
    expect(bootstrapPValue([-2, -1, 1, 2, 3, 4, 5, 6, 7])).toBeCloseTo(0.6, 15);
    // None below: 2 · 1/10 = 0.2, the floor for B = 9.
    expect(bootstrapPValue([1, 2, 3, 4, 5, 6, 7, 8, 9])).toBeCloseTo(0.2, 15);
    // All exactly at the null: both tails are everything, p = 1.
    expect(bootstrapPValue([0, 0, 0])).toBe(1);
  });
});
