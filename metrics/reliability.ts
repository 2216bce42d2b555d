// Reliability over repeated attempts of one case: pass@k and pass^k, computed exactly.
//
// A case run n times with c passing draws gives, for 1 ≤ k ≤ n (k draws taken without
// replacement from the n, the unbiased estimators of Chen et al. 2021 and Yao et al. 2024):
//
//   pass@k = 1 − C(n−c, k) / C(n, k)   the chance that at least one of k draws passes
//                                      (1 when n − c < k: every k-subset holds a pass)
//   pass^k =     C(c,   k) / C(n, k)   the chance that all k draws pass (τ-bench's pass^k;
//                                      0 when c < k)
//
// pass@1 = pass^1 = c / n. Over a set of cases the figure is the plain mean over cases (τ-bench
// `run.py` display_metrics: pass^k = (1/T) · Σ_t C(c_t, k) / C(n, k)).
//
// Binomials are BigInt, so every ratio and every mean over cases is an exact rational; it becomes
// a number only at the end (correctly rounded when numerator and denominator fit in 2^53, else
// within one ulp). With floats, C(100, 50) ≈ 1.0e29 would already be inexact.

/** A non-negative exact fraction num/den, den > 0, in lowest terms. */
export interface Rational {
  num: bigint;
  den: bigint;
}

/** C(n, k) exactly; 0 when k < 0 or k > n. */
export function binomial(n: number, k: number): bigint {
  if (!Number.isInteger(n) || !Number.isInteger(k) || n < 0) throw new RangeError(`binomial: n and k must be integers with n ≥ 0, got n=${n}, k=${k}`);
  if (k < 0 || k > n) return 0n;
  const m = Math.min(k, n - k);
  let result = 1n;
  // After step i the running value is C(n − m + i, i), an integer, so each division is exact.
  for (let i = 1; i <= m; i += 1) result = (result * BigInt(n - m + i)) / BigInt(i);
  return result;
}

/** pass@k as an exact fraction; see the file header. */
export function passAtKExact(n: number, c: number, k: number): Rational {
  checkArguments('passAtK', n, c, k);
  const total = binomial(n, k);
  return rational(total - binomial(n - c, k), total);
}

/** pass^k as an exact fraction; see the file header. */
export function passHatKExact(n: number, c: number, k: number): Rational {
  checkArguments('passHatK', n, c, k);
  return rational(binomial(c, k), binomial(n, k));
}

/** pass@k = 1 − C(n−c, k)/C(n, k): the chance that at least one of k draws (of n, c passing) passes. */
export function passAtK(n: number, c: number, k: number): number {
  return toNumber(passAtKExact(n, c, k));
}

/** pass^k = C(c, k)/C(n, k): the chance that all k draws (of n, c passing) pass; 0 when c < k. */
export function passHatK(n: number, c: number, k: number): number {
  return toNumber(passHatKExact(n, c, k));
}

export interface CaseDraws {
  /** Attempts (draws) of the case. */
  n: number;
  /** Of them, the ones that passed. */
  c: number;
}

type Measure = (n: number, c: number, k: number) => number;
type ExactMeasure = (n: number, c: number, k: number) => Rational;

// The exact counterparts of the public measures, so meanOverCases(cases, k, passHatK) sums exactly.
const EXACT = new Map<Measure, ExactMeasure>([
  [passAtK, passAtKExact],
  [passHatK, passHatKExact],
]);

/**
 * The mean of fn(n, c, k) over cases; null when there are none. For passAtK and passHatK the sum
 * is exact and the mean rounded once (see meanOverCasesExact); any other fn is summed as numbers.
 */
export function meanOverCases(cases: readonly CaseDraws[], k: number, fn: Measure): number | null {
  if (cases.length === 0) return null;
  const exact = EXACT.get(fn);
  if (exact) return toNumber(meanOverCasesExact(cases, k, exact)!);
  let total = 0;
  for (const { n, c } of cases) total += fn(n, c, k);
  return total / cases.length;
}

/** The exact mean of fn(n, c, k) over cases, e.g. pass^2 of GPT-4o on τ-bench airline = 41/150; null when there are none. */
export function meanOverCasesExact(cases: readonly CaseDraws[], k: number, fn: ExactMeasure): Rational | null {
  if (cases.length === 0) return null;
  let num = 0n;
  let den = 1n;
  for (const { n, c } of cases) {
    const r = fn(n, c, k);
    num = num * r.den + r.num * den;
    den *= r.den;
    const g = gcd(num, den);
    num /= g;
    den /= g;
  }
  return rational(num, den * BigInt(cases.length));
}

/** The nearest number to num/den (exactly rounded when both fit in 2^53; else within one ulp). */
export function toNumber(r: Rational): number {
  const { num, den } = r;
  const LIMIT = 1n << 53n;
  if (num <= LIMIT && den <= LIMIT) return Number(num) / Number(den);
  // Scale so the integer quotient carries ≥ 64 significant bits, then let Number() round it.
  const shift = Math.max(0, bitLength(den) - bitLength(num) + 64);
  const quotient = (num << BigInt(shift)) / den;
  return Number(quotient) / 2 ** shift;
}

/** "41/150". */
export function formatRational(r: Rational): string {
  return `${r.num}/${r.den}`;
}

function rational(num: bigint, den: bigint): Rational {
  const g = gcd(num, den);
  return { num: num / g, den: den / g };
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

function checkArguments(name: string, n: number, c: number, k: number): void {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k)) throw new RangeError(`${name}: n, c and k must be integers, got n=${n}, c=${c}, k=${k}`);
  if (n < 1) throw new RangeError(`${name}: n must be at least 1 (attempts of the case), got ${n}`);
  if (c < 0 || c > n) throw new RangeError(`${name}: c must satisfy 0 ≤ c ≤ n, got c=${c}, n=${n}`);
  if (k < 1 || k > n) throw new RangeError(`${name}: k must satisfy 1 ≤ k ≤ n, got k=${k}, n=${n}`);
}
