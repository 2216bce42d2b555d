// Agreement between two raters over the same items (a judge and human labels): percent
// agreement, Cohen's kappa over nominal categories, and Spearman's rank correlation with tied
// values given their average rank.
//
// On two binary variables Spearman's rho is the phi coefficient (= Matthews correlation): the
// average ranks of a two-valued variable are an increasing affine map of its 0/1 indicator, and a
// Pearson correlation does not change under such maps. So for yes/no verdicts against yes/no
// labels, rho = (ad − bc) / √((a+b)(c+d)(a+c)(b+d)) over the 2×2 table.

/** Two ratings of one item: what the first rater said and what the second said. */
export type RatingPairs<T> = readonly (readonly [T, T])[];

/** The share of items on which both raters gave the same category; null with no items. */
export function percentAgreement<T>(pairs: RatingPairs<T>): number | null {
  if (pairs.length === 0) return null;
  return pairs.filter(([a, b]) => a === b).length / pairs.length;
}

export interface Confusion<T> {
  /** The categories given (each once), then any other either rater used, first rater's first. */
  categories: T[];
  /** counts[i][j]: items the first rater put in categories[i] and the second in categories[j]. */
  counts: number[][];
}

export function confusion<T>(pairs: RatingPairs<T>, categories: readonly T[] = []): Confusion<T> {
  const all: T[] = [];
  for (const c of categories) if (!all.includes(c)) all.push(c);
  for (const [a] of pairs) if (!all.includes(a)) all.push(a);
  for (const [, b] of pairs) if (!all.includes(b)) all.push(b);
  const counts = all.map(() => all.map(() => 0));
  for (const [a, b] of pairs) counts[all.indexOf(a)]![all.indexOf(b)]!++;
  return { categories: all, counts };
}

/**
 * Cohen's kappa, (p_o − p_e) / (1 − p_e): p_o the observed agreement, p_e the agreement expected by
 * chance from each rater's own category shares, Σ_c p_first(c) · p_second(c). A category only one
 * rater uses (a judge's "tie" against labels that never tie) counts in its rater's shares and adds
 * nothing to p_e. null with no items, or when p_e = 1 (both raters put everything in one and the
 * same category: kappa is 0/0 there).
 */
export function cohensKappa<T>(pairs: RatingPairs<T>): number | null {
  const n = pairs.length;
  if (n === 0) return null;
  const { categories, counts } = confusion(pairs);
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < categories.length; i++) {
    observed += counts[i]![i]!;
    const first = counts[i]!.reduce((sum, c) => sum + c, 0);
    const second = counts.reduce((sum, row) => sum + row[i]!, 0);
    expected += first * second;
  }
  // In counts (n and n²), so a table of whole numbers stays exact until the one division.
  const denominator = n * n - expected;
  if (denominator === 0) return null;
  return (n * observed - expected) / denominator;
}

/** 1-based ranks of the values, tied values each given the mean of the ranks they span. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Array<number>(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && values[order[end + 1]!] === values[order[start]!]) end++;
    // Positions start..end (0-based) hold ranks start+1..end+1; their mean is (start+end)/2 + 1.
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]!] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Pearson's correlation; null with fewer than two values or when either side does not vary. */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new RangeError(`pearson: ${x.length} x values but ${y.length} y values`);
  const n = x.length;
  if (n < 2) return null;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Spearman's rho: Pearson's correlation of the average ranks (scipy.stats.spearmanr's
 * definition, exact with ties, unlike 1 − 6Σd²/(n(n²−1))). null when either side is constant.
 */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new RangeError(`spearman: ${x.length} x values but ${y.length} y values`);
  return pearson(averageRanks(x), averageRanks(y));
}
