// The split by case: every example of a case lands on the same side, and round(cases × fraction)
// cases go to validation.

import { describe, expect, it } from 'vitest';
import { seededSplit } from './split.ts';

describe('seededSplit', () => {
  it('keeps the examples of a case together: 4 cases × 2 examples at 0.5 → 2 cases (4 examples) in validation', () => {
    const items = ['a1', 'a2', 'b1', 'b2', 'c1', 'c2', 'd1', 'd2'];
    for (const seed of [0, 1, 2, 3]) {
      const { train, valid } = seededSplit(items, 0.5, seed, (item) => item[0]!);
      expect(valid).toHaveLength(4);
      expect(new Set(valid.map((v) => v[0])).size).toBe(2);
      expect(train.some((t) => valid.some((v) => v[0] === t[0]))).toBe(false);
      // Each side keeps the items' own order.
      expect([...train].sort()).toEqual(train);
    }
  });

  it('rounds the share of cases: 10 at 0.25 → 3 (2.5 rounds up), at 0 → none; refuses 1', () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    expect(seededSplit(items, 0.25, 0).valid).toHaveLength(3);
    expect(seededSplit(items, 0, 0)).toEqual({ train: items, valid: [] });
    expect(() => seededSplit(items, 1, 0)).toThrow(RangeError);
  });
});
