import { describe, expect, it } from 'vitest';
import { averageRanks, cohensKappa, confusion, pearson, percentAgreement, spearman, type RatingPairs } from './agreement.ts';

/** Pairs from a table: `count` items rated (a, b). */
function table<T>(...cells: [T, T, number][]): [T, T][] {
  return cells.flatMap(([a, b, count]) => Array.from({ length: count }, () => [a, b] as [T, T]));
}

// The 2×2 table worked on paper: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no (n 50).
// p_o = 35/50 = 0.7; first rater yes 25/50, second yes 30/50, so
// p_e = 0.5·0.6 + 0.5·0.4 = 0.5 and κ = (0.7 − 0.5) / (1 − 0.5) = 0.4.
const PAPER = table(['yes', 'yes', 20], ['yes', 'no', 5], ['no', 'yes', 10], ['no', 'no', 15]);

describe('percentAgreement', () => {
  it('is the share of items both raters put in the same category', () => {
    expect(percentAgreement(PAPER)).toBe(0.7);
    expect(percentAgreement([])).toBeNull();
  });
});

describe('confusion', () => {
  it('counts first-rater categories by row and second-rater categories by column, in first-seen order', () => {
    expect(confusion(PAPER)).toEqual({ categories: ['yes', 'no'], counts: [[20, 5], [10, 15]] });
    expect(confusion([['tie', '1']], ['1', '2'])).toEqual({ categories: ['1', '2', 'tie'], counts: [[0, 0, 0], [0, 0, 0], [1, 0, 0]] });
  });
});

describe('cohensKappa', () => {
  it('gives 0.4 on the 2×2 table worked on paper', () => {
    expect(cohensKappa(PAPER)).toBe(0.4);
  });

  it("counts a category only one rater uses (a judge's tie) in that rater's shares: 0.2 by hand", () => {
    // (1,1) (1,2) (tie,1) (2,2): p_o = 2/4; judge 1:2 tie:1 2:1, labels 1:2 2:2, so
    // p_e = (2·2 + 1·2 + 1·0)/16 = 6/16 and κ = (8/16 − 6/16) / (10/16) = 0.2.
    const pairs: RatingPairs<string> = [['1', '1'], ['1', '2'], ['tie', '1'], ['2', '2']];
    expect(cohensKappa(pairs)).toBeCloseTo(0.2, 15);
  });

  it('is 1 on perfect agreement, −1 when balanced raters always disagree, and undefined (null) when chance agreement is certain', () => {
    expect(cohensKappa(table(['a', 'a', 3], ['b', 'b', 2]))).toBe(1);
    expect(cohensKappa([['y', 'n'], ['n', 'y']])).toBe(-1);
    expect(cohensKappa([['y', 'y'], ['y', 'y']])).toBeNull();
    expect(cohensKappa([])).toBeNull();
  });
});

describe('averageRanks', () => {
  it('gives tied values the mean of the ranks they span', () => {
    // 5 → 1, 10 → 2, the three 20s share ranks 3, 4, 5 → 4.
    expect(averageRanks([10, 20, 20, 20, 5])).toEqual([2, 4, 4, 4, 1]);
  });
});

describe('spearman', () => {
  it('is √0.9 for x = 1,2,2,3 and y = 1,3,2,4 (ties averaged; worked by hand, scipy agrees)', () => {
    // Ranks x: 1, 2.5, 2.5, 4; y: 1, 3, 2, 4; deviations from 2.5: x −1.5, 0, 0, 1.5; y −1.5, .5, −.5, 1.5.
    // Σdxdy = 4.5, Σdx² = 4.5, Σdy² = 5, so rho = 4.5 / √(4.5·5) = √0.9 (scipy.stats.spearmanr: 0.9486832980505139).
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(Math.sqrt(0.9), 14);
  });

  it('reduces to the phi coefficient on two binary variables: 1/√6 on the paper table', () => {
    // phi = (20·15 − 5·10) / √(25·25·30·20) = 250 / (250·√6).
    const x = PAPER.map(([a]) => (a === 'yes' ? 1 : 0));
    const y = PAPER.map(([, b]) => (b === 'yes' ? 1 : 0));
    expect(spearman(x, y)).toBeCloseTo(1 / Math.sqrt(6), 14);
    expect(pearson(x, y)).toBeCloseTo(1 / Math.sqrt(6), 14);
  });

  it('is −1 for a reversed order and undefined (null) when one side is constant', () => {
    expect(spearman([1, 2, 3], [30, 20, 10])).toBe(-1);
    expect(spearman([1, 2, 3], [7, 7, 7])).toBeNull();
    expect(() => spearman([1], [1, 2])).toThrow(RangeError);
  });
});
