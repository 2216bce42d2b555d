// x ** y for doubles, correctly rounded, standing in for the C library's pow() that CPython calls.
// glibc's pow is correctly rounded in all but the rarest cases; V8's Math.pow is often one unit in
// the last place off, which Python then prints (round(x, 2) keeps every digit of a large result).
// Integer exponents are computed exactly; others through exp(y·ln x) in 256-bit fixed point.

import { bitLength, decompose, roundRational, roundScaled } from './float-bits.ts';

const PRECISION = 256;
const ONE = 1n << BigInt(PRECISION);
// Exponents up to this are done exactly: the power's mantissa has at most 53·4096 bits.
const EXACT_EXPONENT_LIMIT = 4096;

/** pow(x, y) for finite x > 0, x != 1, finite y != 0: what float_pow leaves to the platform pow. */
export function correctlyRoundedPow(x: number, y: number): number {
  const [m, e] = decompose(x);
  if (Number.isInteger(y) && Math.abs(y) <= EXACT_EXPONENT_LIMIT) {
    const n = BigInt(Math.abs(y));
    const power = m ** n; // x^|y| = power * 2^(e*|y|)
    if (y > 0) return roundScaled(power, e * Math.abs(y));
    return roundRational(1n, power, -e * Math.abs(y));
  }
  // x = m * 2^e = (m / 2^(b-1)) * 2^(e+b-1), the first factor in [1, 2).
  const b = bitLength(m);
  const lnX = lnFixed(m, b - 1) + BigInt(e + b - 1) * LN2;
  const [my, ey] = decompose(Math.abs(y));
  let product = lnX * my; // y·ln x, still scaled by 2^PRECISION and by 2^-ey
  product = ey >= 0 ? product << BigInt(ey) : product >> BigInt(-ey);
  if (y < 0) product = -product;
  // Far beyond the range of doubles: let the result overflow or vanish.
  if (product > 800n * ONE) return Infinity;
  if (product < -800n * ONE) return 0;
  const k = roundDiv(product, LN2);
  const r = product - k * LN2; // |r| <= ln2 / 2
  return roundScaled(expFixed(r), Number(k) - PRECISION);
}

/** ln(m / 2^shift) * 2^PRECISION for m / 2^shift in [1, 2), by 2·atanh((z-1)/(z+1)). */
function lnFixed(m: bigint, shift: number): bigint {
  const unit = 1n << BigInt(shift);
  return atanhSeries(((m - unit) * ONE) / (m + unit)) * 2n;
}

function atanhSeries(t: bigint): bigint {
  const t2 = (t * t) / ONE;
  let power = t;
  let sum = 0n;
  for (let k = 1n; power !== 0n; k += 2n) {
    sum += power / k;
    power = (power * t2) / ONE;
  }
  return sum;
}

/** e^r * 2^PRECISION for a small fixed-point r, by its Taylor series. */
function expFixed(r: bigint): bigint {
  let term = ONE;
  let sum = ONE;
  for (let i = 1n; term !== 0n; i++) {
    term = (term * r) / ONE / i;
    sum += term;
  }
  return sum;
}

function roundDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a - q * b;
  if (2n * (r < 0n ? -r : r) >= b) return a < 0n ? q - 1n : q + 1n;
  return q;
}

// ln 2 = 2·atanh(1/3)
const LN2 = atanhSeries(ONE / 3n) * 2n;
