// Exact conversions between big integers and doubles, for the places where CPython rounds an exact
// result once (int / int, pow): JS's own operators would round twice or not at all.

/** 2^n as a double, exactly, for -1074 <= n <= 1023. */
export function pow2(n: number): number {
  if (n < -1074) return 0;
  if (n > 1023) return Infinity;
  const view = new DataView(new ArrayBuffer(8));
  if (n >= -1022) view.setBigUint64(0, BigInt(n + 1023) << 52n);
  else view.setBigUint64(0, 1n << BigInt(n + 1074));
  return view.getFloat64(0);
}

export function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * The double nearest to v * 2^scale (ties to even), where v >= 0 and `inexact` says that the true
 * value is a little more than v (a remainder was dropped), which matters only for ties.
 * Subnormal results are rounded once, at their own precision.
 */
export function roundScaled(v: bigint, scale: number, inexact = false): number {
  if (v === 0n) return 0;
  const exponent = bitLength(v) - 1 + scale; // v * 2^scale lies in [2^exponent, 2^(exponent+1))
  if (exponent > 1023) return Infinity;
  const quantum = Math.max(exponent - 52, -1074); // the value of the last kept bit
  const shift = quantum - scale;
  if (shift <= 0) return Number(v) * pow2(scale); // v fits in 53 bits: exact
  let q = v >> BigInt(shift);
  const rest = v - (q << BigInt(shift));
  const half = 1n << BigInt(shift - 1);
  if (rest > half || (rest === half && (inexact || (q & 1n) === 1n))) q += 1n;
  const result = Number(q) * pow2(quantum);
  return result; // a carry to 2^53 stays exact; Infinity if it overflowed
}

/** A finite positive double as m * 2^e with m an integer. */
export function decompose(x: number): [bigint, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (biased === 0) return [fraction, -1074];
  return [fraction | (1n << 52n), biased - 1075];
}

/** The double nearest to the rational a / b (a >= 0, b > 0), times 2^scale. */
export function roundRational(a: bigint, b: bigint, scale = 0): number {
  if (a === 0n) return 0;
  // Enough quotient bits that the rounding position lies well inside q.
  const extra = Math.max(0, 64 - (bitLength(a) - bitLength(b)));
  const numerator = a << BigInt(extra);
  const q = numerator / b;
  return roundScaled(q, scale - extra, numerator % b !== 0n);
}
