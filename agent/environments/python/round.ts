// Python's round(x, ndigits) for floats: the decimal nearest to the exact binary value of x, ties
// to even, then the double nearest that decimal. JS's toFixed rounds ties away from zero and
// Math.round(x * 100) / 100 rounds the already-inexact product, so neither matches. Exact
// arithmetic on the double's integer mantissa does, for every double.

import { decompose } from './float-bits.ts';

/** round(x, ndigits) with ndigits >= 0, for a float x. Returns a float (a JS number). */
export function pyRound(x: number, ndigits = 2): number {
  if (!Number.isFinite(x) || x === 0) return x;
  if (!Number.isInteger(ndigits) || ndigits < 0) throw new RangeError('ndigits must be a non-negative integer');
  const [mantissa, exponent] = decompose(Math.abs(x));
  // |x| = mantissa * 2^exponent exactly; an integer-valued x is already rounded.
  if (exponent >= 0) return x;
  const scaled = mantissa * 10n ** BigInt(ndigits);
  const denominator = 1n << BigInt(-exponent);
  let q = scaled / denominator;
  const twiceRemainder = (scaled % denominator) * 2n;
  if (twiceRemainder > denominator || (twiceRemainder === denominator && q % 2n === 1n)) q += 1n;
  // parseFloat rounds the decimal string correctly, as CPython's strtod does.
  const magnitude = Number.parseFloat(`${q}e-${ndigits}`);
  return x < 0 ? -magnitude : magnitude === 0 && Object.is(x, -0) ? -0 : magnitude;
}
