// Reference values from Python's statistics.NormalDist (inv_cdf is Wichura's AS241, cdf is erf
// based): an implementation independent of this one.

import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile } from './normal.ts';

describe('normalCdf', () => {
  it('matches NormalDist().cdf at the usual points', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 14);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517796, 14);
    expect(normalCdf(3)).toBeCloseTo(0.9986501019683699, 14);
  });

  it('keeps the relative accuracy of the far lower tail', () => {
    // Φ(−5) = 2.86651571879194e-7 and Φ(−8.5) = 9.47953482220332e-18 (mpmath ncdf, 30 digits);
    // ½(1 + erf) in doubles would give 0 for the second.
    expect(Math.abs(normalCdf(-5) / 2.86651571879194e-7 - 1)).toBeLessThan(1e-9);
    expect(Math.abs(normalCdf(-8.5) / 9.47953482220332e-18 - 1)).toBeLessThan(1e-7);
  });
});

describe('normalQuantile', () => {
  it('matches NormalDist().inv_cdf in the centre and both tails', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 15);
    expect(normalQuantile(0.975)).toBeCloseTo(1.9599639845400536, 13);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.9599639845400538, 13);
    expect(normalQuantile(0.8)).toBeCloseTo(0.8416212335729144, 13);
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514715, 13);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 8);
  });

  it('rejects p outside (0, 1)', () => {
    expect(() => normalQuantile(0)).toThrow(RangeError);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});
