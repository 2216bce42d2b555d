// pass@k and pass^k: τ-bench's published pass^1..4 for GPT-4o on airline reproduced exactly from
// its per-trial rewards (reference data tau_bench), plus small cases worked by hand.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  binomial, formatRational, meanOverCases, meanOverCasesExact, passAtK, passAtKExact, passHatK, passHatKExact, toNumber, type CaseDraws,
} from './reliability.ts';
import { referenceData } from '../test/reference-data.ts';

const TAU = referenceData('tau_bench', ['gpt-4o-airline.rewards.json']);

interface TauRewards {
  num_tasks: number;
  num_trials: number;
  records: { task_id: number; trial: number; reward: number }[];
  per_task: { task_id: number; rewards: number[]; successes: number }[];
  expected: { avg_reward: number; pass_hat_k: Record<string, number>; pass_hat_k_exact: Record<string, string> };
}

/** τ-bench run.py display_metrics: n = distinct trial values; success iff reward within 1 ± 1e-6. */
function tauCases(data: TauRewards): CaseDraws[] {
  const n = new Set(data.records.map((r) => r.trial)).size;
  const successes = new Map<number, number>();
  for (const r of data.records) {
    const ok = Math.abs(r.reward - 1) <= 1e-6;
    successes.set(r.task_id, (successes.get(r.task_id) ?? 0) + (ok ? 1 : 0));
  }
  return [...successes.values()].map((c) => ({ n, c }));
}

describe.skipIf(!TAU.present)('τ-bench pass^k (GPT-4o, airline, 50 tasks × 4 trials)', () => {
  // Read while collecting, so without the file there is nothing to read: the tests are skipped.
  const data = (TAU.present ? JSON.parse(readFileSync(TAU.file('gpt-4o-airline.rewards.json'), 'utf8')) : { records: [] }) as TauRewards;
  const cases = tauCases(data);

  it('reads 50 tasks of 4 trials whose success counts agree with the file’s per_task', () => {
    expect(cases).toHaveLength(data.num_tasks);
    expect(cases.every((t) => t.n === data.num_trials)).toBe(true);
    const perTask = new Map(data.per_task.map((t) => [t.task_id, t.successes]));
    const fromRecords = new Map<number, number>();
    for (const r of data.records) fromRecords.set(r.task_id, (fromRecords.get(r.task_id) ?? 0) + (Math.abs(r.reward - 1) <= 1e-6 ? 1 : 0));
    expect(fromRecords).toEqual(perTask);
    expect(cases.reduce((s, t) => s + t.c, 0)).toBe(84);
  });

  it.each([1, 2, 3, 4])('pass^%i is exactly the published fraction', (k) => {
    const exact = meanOverCasesExact(cases, k, passHatKExact)!;
    expect(formatRational(exact)).toBe(data.expected.pass_hat_k_exact[String(k)]);
  });

  it.each([1, 2, 3, 4])('pass^%i as a number is within 1e-12 of the published value', (k) => {
    const expected = data.expected.pass_hat_k[String(k)]!;
    expect(Math.abs(meanOverCases(cases, k, passHatK)! - expected)).toBeLessThan(1e-12);
    expect(Math.abs(toNumber(meanOverCasesExact(cases, k, passHatKExact)!) - expected)).toBeLessThan(1e-12);
  });

  it('pass^1 is the average reward and equals pass@1', () => {
    expect(meanOverCases(cases, 1, passHatK)).toBeCloseTo(data.expected.avg_reward, 12);
    expect(meanOverCasesExact(cases, 1, passAtKExact)).toEqual(meanOverCasesExact(cases, 1, passHatKExact));
  });

  it('pass@k rises with k and pass^k falls', () => {
    const at = [1, 2, 3, 4].map((k) => meanOverCases(cases, k, passAtK)!);
    const hat = [1, 2, 3, 4].map((k) => meanOverCases(cases, k, passHatK)!);
    for (let i = 1; i < 4; i += 1) {
      expect(at[i]!).toBeGreaterThanOrEqual(at[i - 1]!);
      expect(hat[i]!).toBeLessThanOrEqual(hat[i - 1]!);
    }
  });
});

describe('pass@k by hand', () => {
  it.each([
    // n, c, k, expected: 1 − C(n−c,k)/C(n,k)
    [5, 2, 1, '2/5'], // 1 − C(3,1)/C(5,1) = 1 − 3/5
    [5, 2, 2, '7/10'], // 1 − C(3,2)/C(5,2) = 1 − 3/10
    [5, 2, 3, '9/10'], // 1 − C(3,3)/C(5,3) = 1 − 1/10
    [5, 2, 4, '1/1'], // C(3,4) = 0: every 4 of 5 holds a pass
    [5, 0, 5, '0/1'], // nothing passes
    [4, 1, 2, '1/2'], // 1 − C(3,2)/C(4,2) = 1 − 3/6
    [3, 1, 2, '2/3'], // 1 − C(2,2)/C(3,2) = 1 − 1/3
    [10, 3, 1, '3/10'],
  ])('pass@k(n=%i, c=%i, k=%i) = %s', (n, c, k, expected) => {
    expect(formatRational(passAtKExact(n, c, k))).toBe(expected);
    const [num, den] = expected.split('/').map(Number);
    expect(passAtK(n, c, k)).toBe(num! / den!);
  });

  it('agrees with the Codex paper’s product form 1 − Π_{i=n−c+1..n} (1 − k/i) for every n ≤ 20', () => {
    for (let n = 1; n <= 20; n += 1)
      for (let c = 0; c <= n; c += 1)
        for (let k = 1; k <= n; k += 1) {
          let product = 1;
          if (n - c >= k) for (let i = n - c + 1; i <= n; i += 1) product *= 1 - k / i;
          else product = 0;
          expect(Math.abs(passAtK(n, c, k) - (1 - product))).toBeLessThan(1e-12);
        }
  });

  it('stays exact where floats would not: n = 100', () => {
    // 1 − C(60,30)/C(100,30), reduced (checked with Python's fractions).
    expect(formatRational(passAtKExact(100, 40, 30))).toBe('13202635866376/13202635919535');
    expect(passAtK(100, 40, 30)).toBe(0.9999999959736071);
    expect(passAtK(100, 50, 50)).toBe(1 - 1 / 100891344545564193334812497256);
  });
});

describe('pass^k by hand', () => {
  it.each([
    // n, c, k, expected: C(c,k)/C(n,k)
    [5, 2, 1, '2/5'],
    [5, 2, 2, '1/10'], // C(2,2)/C(5,2) = 1/10
    [5, 3, 2, '3/10'], // C(3,2)/C(5,2) = 3/10
    [5, 2, 3, '0/1'], // c < k
    [5, 5, 5, '1/1'],
    [4, 3, 3, '1/4'], // C(3,3)/C(4,3) = 1/4
  ])('pass^k(n=%i, c=%i, k=%i) = %s', (n, c, k, expected) => {
    expect(formatRational(passHatKExact(n, c, k))).toBe(expected);
  });

  it('agrees with the product form Π_{i<k} (c−i)/(n−i) for every n ≤ 20', () => {
    for (let n = 1; n <= 20; n += 1)
      for (let c = 0; c <= n; c += 1)
        for (let k = 1; k <= n; k += 1) {
          let product = 1;
          for (let i = 0; i < k; i += 1) product *= (c - i) / (n - i);
          expect(Math.abs(passHatK(n, c, k) - Math.max(0, product))).toBeLessThan(1e-12);
        }
  });

  it('is exact at n = 100: pass^50 with 50 of 100 passing is 1/C(100,50)', () => {
    expect(binomial(100, 50)).toBe(100891344545564193334812497256n);
    expect(passHatKExact(100, 50, 50)).toEqual({ num: 1n, den: 100891344545564193334812497256n });
    expect(passHatK(100, 50, 50)).toBe(9.911653021418339e-30);
  });
});

describe('meanOverCases', () => {
  it('averages over cases, each with its own n', () => {
    // pass^2: (C(2,2)/C(3,2) + C(4,2)/C(4,2)) / 2 = (1/3 + 1) / 2 = 2/3.
    const cases = [{ n: 3, c: 2 }, { n: 4, c: 4 }];
    expect(formatRational(meanOverCasesExact(cases, 2, passHatKExact)!)).toBe('2/3');
    expect(meanOverCases(cases, 2, passHatK)).toBe(2 / 3);
    // Any other measure is averaged as numbers.
    expect(meanOverCases(cases, 1, (n, c) => c / n)).toBeCloseTo((2 / 3 + 1) / 2, 15);
  });

  it('is null over no cases', () => {
    expect(meanOverCases([], 1, passAtK)).toBeNull();
    expect(meanOverCasesExact([], 1, passAtKExact)).toBeNull();
  });
});

describe('argument checks', () => {
  it.each([
    [3, 1, 4], // k > n
    [3, 1, 0], // k < 1
    [3, 4, 1], // c > n
    [3, -1, 1], // c < 0
    [0, 0, 1], // n < 1
    [3, 1.5, 1], // not an integer
    [3, 1, Number.NaN],
  ])('rejects n=%s, c=%s, k=%s', (n, c, k) => {
    expect(() => passAtK(n, c, k)).toThrow(RangeError);
    expect(() => passHatK(n, c, k)).toThrow(RangeError);
  });
});
