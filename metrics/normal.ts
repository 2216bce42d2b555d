// The standard normal distribution's CDF and quantile, for sample-size planning and for the
// normal approximations of the gate's tests (metrics/power.ts). Student's t in stats.ts covers
// small samples; planning needs z-values (z_{1−α}, z_{power}) and Φ, which t reaches only as
// df → ∞, where its continued fraction is slow and least accurate.

// Hart's rational approximation of the tail, highest power first.
const HART_NUM = [3.52624965998911e-2, 0.700383064443688, 6.37396220353165, 33.912866078383, 112.079291497871, 221.213596169931, 220.206867912376];
const HART_DEN = [8.83883476483184e-2, 1.75566716318264, 16.064177579207, 86.7807322029461, 296.564248779674, 637.333633378831, 793.826512519948, 440.413735824752];

/**
 * Φ(x) = P(Z ≤ x) by Hart's algorithm 5666 as given by West (2005), "Better approximations to
 * cumulative normal functions": about 1e-14 absolute error everywhere, and the lower tail keeps
 * its relative accuracy (below 1e-7 at Φ(−8.5) ≈ 9.5e-18; not 0 as ½·(1 + erf(x/√2)) gives).
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const z = Math.abs(x);
  let tail: number;
  if (z > 37) tail = 0;
  else {
    const e = Math.exp((-z * z) / 2);
    if (z < 7.07106781186547) tail = (e * polynomial(HART_NUM, z)) / polynomial(HART_DEN, z);
    else {
      // The continued fraction of Mills' ratio, accurate far out in the tail.
      let f = z + 0.65;
      f = z + 4 / f;
      f = z + 3 / f;
      f = z + 2 / f;
      f = z + 1 / f;
      tail = e / f / 2.506628274631;
    }
  }
  return x > 0 ? 1 - tail : tail;
}

// Acklam's coefficients, highest power first (the denominators' constant term 1 included).
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1, 1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416, 1];

/**
 * The p-quantile of the standard normal (Φ⁻¹(p)), 0 < p < 1: Acklam's rational approximation
 * (relative error 1.15e-9) polished by one Halley step on normalCdf, which brings it to the
 * CDF's own accuracy (z_{0.975} = 1.959963984540054 to 13 digits).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const LOW = 0.02425;
  let x: number;
  if (p < LOW || p > 1 - LOW) {
    const q = Math.sqrt(-2 * Math.log(p < LOW ? p : 1 - p));
    const v = polynomial(C, q) / polynomial(D, q);
    x = p < LOW ? v : -v;
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = (polynomial(A, r) * q) / polynomial(B, r);
  }
  const error = normalCdf(x) - p;
  const u = error * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Σ c_k x^(n−k) by Horner's rule, coefficients highest power first. */
function polynomial(coefficients: readonly number[], x: number): number {
  let value = 0;
  for (const c of coefficients) value = value * x + c;
  return value;
}
