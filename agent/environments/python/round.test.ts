import { describe, expect, it } from 'vitest';
import { pyRound } from './round.ts';

// Expected values printed by CPython 3.11: repr(round(x, 2)).
const CASES: [number, number][] = [
  [2.675, 2.67], // 2.67499999... in binary
  [0.125, 0.12], // an exact tie: to even
  [0.375, 0.38],
  [0.625, 0.62],
  [0.875, 0.88],
  [1.005, 1.0],
  [-2.675, -2.67],
  [-0.125, -0.12],
  [2.5, 2.5],
  [0.045, 0.04],
  [1.115, 1.11],
  [123.455, 123.45],
  [0.005, 0.01],
  [0.015, 0.01],
  [0.025, 0.03],
  [-0.005, -0.01],
  [1234567.125, 1234567.12],
  [0.1 + 0.2, 0.3],
  [47.84 + 488.81, 536.65],
  [1e-320, 0],
  [1.7976931348623157e308, 1.7976931348623157e308],
];

describe('pyRound (Python round(x, 2))', () => {
  it.each(CASES)('round(%s, 2) = %s', (x, want) => {
    expect(pyRound(x, 2)).toBe(want);
  });

  it('keeps the sign of a result rounded to zero', () => {
    expect(Object.is(pyRound(-0.001, 2), -0)).toBe(true);
  });

  it('leaves non-finite values alone', () => {
    expect(pyRound(Infinity, 2)).toBe(Infinity);
    expect(pyRound(NaN, 2)).toBeNaN();
  });
});
