import { describe, expect, it } from 'vitest';
import { gateFlagsRegression } from './gate-decision.ts';

const table = (n: number, onlyA: number, onlyB: number) => ({ n, bothPass: n - onlyA - onlyB, onlyA, onlyB, neither: 0 });

describe('gateFlagsRegression', () => {
  it('fails the gate’s own example: 11 lost, 1 gained of 20 (−0.5, McNemar p = 0.006348)', () => {
    // 2 · P(X ≤ 1), X ~ Bin(12, ½) = 2 · 13/4096 = 0.00635: the figure in ci/gate.test.ts.
    expect(gateFlagsRegression(table(20, 11, 1))).toBe(true);
  });

  it('holds a drop that is not significant: 5 lost, 1 gained (p = 2 · 7/64 = 0.219)', () => {
    expect(gateFlagsRegression(table(20, 5, 1))).toBe(false);
  });

  it('holds a significant drop within the tolerance: 6 lost, 0 gained of 1000 (p = 1/32, drop 0.006)', () => {
    expect(gateFlagsRegression(table(1000, 6, 0))).toBe(false);
    expect(gateFlagsRegression(table(1000, 6, 0), { tolerance: 0 })).toBe(true);
  });

  it('cuts at p < significance, strictly: 5 lost, 0 gained is p = 1/16', () => {
    expect(gateFlagsRegression(table(10, 5, 0))).toBe(false);
    expect(gateFlagsRegression(table(10, 5, 0), { significance: 0.0626 })).toBe(true);
    expect(gateFlagsRegression(table(10, 5, 0), { significance: 0.0625 })).toBe(false);
  });

  it('never fails a gain, however significant, nor no pairs', () => {
    expect(gateFlagsRegression(table(20, 1, 11))).toBe(false);
    expect(gateFlagsRegression(table(0, 0, 0))).toBe(false);
  });
});
