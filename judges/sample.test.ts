import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../metrics/seeded-random.ts';
import { seededSample } from './sample.ts';

describe('seededSample', () => {
  it('draws by a partial Fisher–Yates shuffle on mulberry32(seed), worked by hand for 2 of 5 with seed 1', () => {
    const random = mulberry32(1);
    const [r1, r2] = [random(), random()];
    // r1 = 0.627…: j = ⌊0.627·5⌋ = 3, swap 0↔3 → [3,1,2,0,4]; r2 = 0.0027…: j = 1 + ⌊0.0027·4⌋ = 1, no swap.
    expect([Math.floor(r1 * 5), 1 + Math.floor(r2 * 4)]).toEqual([3, 1]);
    expect(seededSample(5, 2, 1)).toEqual([1, 3]);
  });

  it('gives the same positions for the same seed, distinct and ascending, and every position when the sample is not smaller', () => {
    const a = seededSample(100, 10, 42);
    expect(seededSample(100, 10, 42)).toEqual(a);
    expect(new Set(a).size).toBe(10);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(a.every((p) => p >= 0 && p < 100)).toBe(true);
    expect(seededSample(100, 10, 43)).not.toEqual(a);
    expect(seededSample(3, 5, 0)).toEqual([0, 1, 2]);
    expect(seededSample(0, 2, 0)).toEqual([]);
  });

  it('refuses a negative or fractional size', () => {
    expect(() => seededSample(5, -1, 0)).toThrow(RangeError);
    expect(() => seededSample(5, 1.5, 0)).toThrow(RangeError);
  });
});
