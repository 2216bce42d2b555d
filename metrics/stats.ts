// Summary statistics used by every aggregate.

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let total = 0;
  for (const v of values) total += v;
  return total / values.length;
}

/**
 * The q-quantile (0..1) by linear interpolation between closest ranks (numpy's default,
 * Hyndman & Fan type 7), so p50 of [1,2,3,4] is 2.5.
 */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

/** The sample standard deviation (denominator n − 1, Bessel's correction); null with fewer than two values. */
export function stddev(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const m = mean(values)!;
  let squares = 0;
  for (const v of values) squares += (v - m) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}

/** The standard error of the mean, stddev / √n (Inspect AI's `stderr`); null with fewer than two values. */
export function stderr(values: readonly number[]): number | null {
  const s = stddev(values);
  return s === null ? null : s / Math.sqrt(values.length);
}

export interface MeanInterval {
  mean: number;
  /** The interval is mean ± halfWidth. */
  halfWidth: number;
  low: number;
  high: number;
  /** The confidence level, e.g. 0.95. */
  level: number;
}

/**
 * The mean with a two-sided confidence interval from Student's t distribution with n − 1
 * degrees of freedom: mean ± t_{(1+level)/2, n−1} · s/√n, with s the sample standard deviation.
 * t, not the normal approximation, because the samples here are small (a handful of repeats:
 * with 3 values the 95% multiplier is 4.303, not 1.960). It assumes the values are independent
 * draws from a roughly normal distribution. null with fewer than two values.
 */
export function meanInterval(values: readonly number[], level = 0.95): MeanInterval | null {
  if (!(level > 0 && level < 1)) throw new RangeError(`meanInterval: level must be in (0, 1), got ${level}`);
  const se = stderr(values);
  if (se === null) return null;
  const m = mean(values)!;
  const halfWidth = studentTQuantile((1 + level) / 2, values.length - 1) * se;
  return { mean: m, halfWidth, low: m - halfWidth, high: m + halfWidth, level };
}

/**
 * The p-quantile of Student's t distribution with df degrees of freedom (df > 0), found by
 * bisection on the exact CDF (regularized incomplete beta); accurate to about 1e-12.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`studentTQuantile: df must be positive, got ${df}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let low = 0;
  let high = 1;
  while (studentTCdf(high, df) < p) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-13 * Math.max(1, high); i += 1) {
    const mid = (low + high) / 2;
    if (studentTCdf(mid, df) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** P(T ≤ t) for Student's t with df degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** I_x(a, b) by its continued fraction (modified Lentz), as in Numerical Recipes §6.4. */
function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m += 1) {
    const m2 = 2 * m;
    let step = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + step * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + step / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    step = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + step * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + step / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error below 1e-15). */
function logGamma(x: number): number {
  const G = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = G[0]!;
  for (let i = 1; i < 9; i += 1) sum += G[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}
