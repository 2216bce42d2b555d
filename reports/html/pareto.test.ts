import { describe, expect, it } from 'vitest';
import { dominates, paretoFront } from './pareto.ts';

describe('paretoFront', () => {
  it('keeps the points nothing beats on both quality and cost (worked by hand)', () => {
    // A (0.90, $0.010)  B (0.80, $0.002)  C (0.70, $0.000)  D (0.75, $0.005)  E (0.90, $0.020)
    // D is beaten by B (higher quality, cheaper); E by A (same quality, cheaper).
    // A, B and C each have the best quality at their cost or below: the front is A, B, C.
    const points = [
      { quality: 0.9, cost: 0.01 },
      { quality: 0.8, cost: 0.002 },
      { quality: 0.7, cost: 0 },
      { quality: 0.75, cost: 0.005 },
      { quality: 0.9, cost: 0.02 },
    ];
    expect(paretoFront(points)).toEqual([true, true, true, false, false]);
  });

  it('keeps two identical points, since neither beats the other', () => {
    expect(paretoFront([{ quality: 0.5, cost: 1 }, { quality: 0.5, cost: 1 }, { quality: 0.4, cost: 1 }])).toEqual([true, true, false]);
  });

  it('puts a free point and the best point on the front when one slow point is best (local versus hosted)', () => {
    // Local model: free but slow and weaker; hosted: better and paid. On cost both are on the
    // front; on latency the hosted one (faster and better) beats the local one.
    const byCost = [{ quality: 0.6, cost: 0 }, { quality: 0.85, cost: 0.004 }];
    const byLatency = [{ quality: 0.6, cost: 9000 }, { quality: 0.85, cost: 1200 }];
    expect(paretoFront(byCost)).toEqual([true, true]);
    expect(paretoFront(byLatency)).toEqual([false, true]);
  });

  it('leaves out a point without a quality, which beats nothing either', () => {
    expect(paretoFront([{ quality: Number.NaN, cost: 0 }, { quality: 0.2, cost: 5 }])).toEqual([false, true]);
  });

  it('dominates needs one strict improvement', () => {
    expect(dominates({ quality: 1, cost: 1 }, { quality: 1, cost: 1 })).toBe(false);
    expect(dominates({ quality: 1, cost: 0.5 }, { quality: 1, cost: 1 })).toBe(true);
    expect(dominates({ quality: 0.9, cost: 0.5 }, { quality: 1, cost: 1 })).toBe(false);
  });
});
