import { describe, expect, it } from 'vitest';
import { mcnemarExact, pairedBootstrap, passFailTable, winsLossesTies } from './paired.ts';

/**
 * The ideal bootstrap (infinitely many resamples) of the mean of n draws from a distribution on
 * a few values, by convolution: P(sum of n draws = s) for each s. A reference independent of the
 * random generator: the seeded 10,000-resample interval must land on its quantiles.
 */
function idealBootstrapQuantile(counts: Map<number, number>, n: number, q: number): number {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  let dist = new Map<number, number>([[0, 1]]);
  for (let i = 0; i < n; i += 1) {
    const next = new Map<number, number>();
    for (const [s, p] of dist) for (const [d, c] of counts) next.set(s + d, (next.get(s + d) ?? 0) + (p * c) / total);
    dist = next;
  }
  let cumulative = 0;
  for (const s of [...dist.keys()].sort((a, b) => a - b)) {
    cumulative += dist.get(s)!;
    if (cumulative >= q) return s / n;
  }
  throw new Error('unreachable');
}

describe('mcnemarExact', () => {
  it('gives 2 · P(X ≤ 1) for X ~ Bin(10, ½) = 22/1024 = 0.021484375 when b = 1, c = 9', () => {
    expect(mcnemarExact(1, 9)).toBe(22 / 1024);
    expect(mcnemarExact(9, 1)).toBe(22 / 1024);
  });

  it('agrees with scipy.stats.binomtest(min(b, c), b + c, 0.5) (scipy 1.17.1)', () => {
    // (1 + 15 + 105 + 455) · 2 / 2^15 = 1152/32768, by hand as well.
    expect(mcnemarExact(3, 12)).toBe(0.03515625);
    expect(mcnemarExact(0, 10)).toBe(0.001953125);
    // (1 + 12) · 2 / 2^12
    expect(mcnemarExact(1, 11)).toBe(0.00634765625);
    // scipy: 0.05688793364098089; 100 discordant pairs, past where doubles hold 2^n exactly.
    expect(mcnemarExact(40, 60)).toBeCloseTo(0.05688793364098089, 15);
  });

  it('gives p = 1 when the discordant pairs split evenly, or there are none', () => {
    expect(mcnemarExact(5, 5)).toBe(1);
    expect(mcnemarExact(0, 0)).toBe(1);
    // 2 · P(X ≤ 4 | n = 9) = 2 · 256/512 = 1
    expect(mcnemarExact(4, 5)).toBe(1);
  });

  it('refuses counts that are not whole numbers', () => {
    expect(() => mcnemarExact(-1, 3)).toThrow(/b must be a whole number/);
    expect(() => mcnemarExact(1, 2.5)).toThrow(/c must be a whole number/);
  });
});

describe('pairedBootstrap', () => {
  it('puts the 95% interval of a known +0.5 difference at the ideal bootstrap quantiles [0.25, 0.75]', () => {
    // 20 pairs: eleven +1 (only B passed), one −1 (only A passed), eight 0. Mean 10/20 = 0.5.
    const differences = [...Array(11).fill(1), -1, ...Array(8).fill(0)];
    const counts = new Map([[1, 11], [-1, 1], [0, 8]]);
    // The ideal bootstrap's 2.5% point: P(mean ≤ 0.20) = 0.0220 < 0.025 ≤ P(mean ≤ 0.25) = 0.0482;
    // its 97.5% point: P(mean ≤ 0.70) = 0.9618 < 0.975 ≤ P(mean ≤ 0.75) = 0.9865.
    expect(idealBootstrapQuantile(counts, 20, 0.025)).toBe(0.25);
    expect(idealBootstrapQuantile(counts, 20, 0.975)).toBe(0.75);
    const interval = pairedBootstrap(differences)!;
    expect(interval.mean).toBe(0.5);
    expect(interval.low).toBeCloseTo(0.25, 12);
    expect(interval.high).toBeCloseTo(0.75, 12);
    expect(interval).toMatchObject({ n: 20, level: 0.95, resamples: 10_000, seed: 0 });
  });

  it('gives the same interval for the same differences and seed, and a zero-width one at 0 when nothing changed', () => {
    const differences = [0.2, -0.1, 0.4, 0, 0.3, -0.2, 0.1];
    expect(pairedBootstrap(differences)).toEqual(pairedBootstrap(differences));
    expect(pairedBootstrap(Array(30).fill(0))).toMatchObject({ mean: 0, low: 0, high: 0 });
  });

  it('has an interval that straddles 0 for differences that cancel out', () => {
    const interval = pairedBootstrap([1, -1, 1, -1, 0.5, -0.5, 0, 0])!;
    expect(interval.mean).toBe(0);
    expect(interval.low).toBeLessThan(0);
    expect(interval.high).toBeGreaterThan(0);
  });

  it('is null with no pairs and refuses a non-finite difference', () => {
    expect(pairedBootstrap([])).toBeNull();
    expect(() => pairedBootstrap([0, Number.NaN])).toThrow(/finite/);
  });
});

describe('passFailTable and winsLossesTies', () => {
  it("count a pair from B's side: only-B passes and higher B values are B's wins", () => {
    const table = passFailTable([
      { a: true, b: true },
      { a: true, b: false },
      { a: false, b: true },
      { a: false, b: true },
      { a: false, b: false },
    ]);
    expect(table).toEqual({ n: 5, bothPass: 1, onlyA: 1, onlyB: 2, neither: 1 });
    expect(winsLossesTies([{ a: 0, b: 1 }, { a: 0.5, b: 0.5 }, { a: 1, b: 0.25 }, { a: 0.1, b: 0.2 }])).toEqual({ wins: 2, losses: 1, ties: 1 });
  });
});
