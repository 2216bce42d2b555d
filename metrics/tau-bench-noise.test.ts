// Noise on real repeats: GPT-4o on τ-bench airline, 50 tasks × 4 trials (reference data tau_bench,
// see its README). Reward 1 (within 1 ± 1e-6, τ-bench's rule) is a pass. The expected figures were
// counted outside this code, by a few lines of Python over the file's `records` (and they agree
// with its `per_task` success counts): 26 tasks have mixed results, 24 do not (14 never pass,
// 10 always pass).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { measureNoise } from './noise.ts';
import { referenceData } from '../test/reference-data.ts';

const TAU = referenceData('tau_bench', ['gpt-4o-airline.rewards.json']);

// Mixed tasks by success count of 4: 1 or 3 successes → flip rate 1/4; 2 → 1/2.
const ONE_SUCCESS = [1, 2, 5, 6, 7, 11, 16, 17, 29, 39, 43, 47];
const TWO_SUCCESSES = [13, 15, 26, 27, 30, 31, 41, 44, 45, 46];
const THREE_SUCCESSES = [21, 34, 37, 40];

describe.skipIf(!TAU.present)('τ-bench GPT-4o airline: flip rates of 50 tasks × 4 trials', () => {
  const data = TAU.present ? (JSON.parse(readFileSync(TAU.file('gpt-4o-airline.rewards.json'), 'utf8')) as { records: { task_id: number; trial: number; reward: number }[] }) : { records: [] };
  const [noise] = measureNoise(data.records.map((r) => ({ caseId: String(r.task_id), group: 'gpt-4o/airline', repeat: r.trial, pass: Math.abs(r.reward - 1) <= 1e-6 })));

  it('finds the 26 tasks with mixed results, with their flip rates, by rate then id', () => {
    const expected = new Map<string, number>([
      ...TWO_SUCCESSES.map((t): [string, number] => [String(t), 1 / 2]),
      ...[...ONE_SUCCESS, ...THREE_SUCCESSES].map((t): [string, number] => [String(t), 1 / 4]),
    ]);
    expect(noise!.flaky).toHaveLength(26);
    expect(new Map(noise!.flaky.map((c) => [c.caseId, c.flipRate]))).toEqual(expected);
    // Sorted by flip rate, then id as a string ('13' < '15' < ... and '1' < '11' < '16').
    expect(noise!.flaky.map((c) => c.caseId).slice(0, 10)).toEqual(['13', '15', '26', '27', '30', '31', '41', '44', '45', '46']);
    expect(noise!.flaky.map((c) => c.caseId).slice(10)).toEqual(['1', '11', '16', '17', '2', '21', '29', '34', '37', '39', '40', '43', '47', '5', '6', '7']);
  });

  it('finds the other 24 stable: 14 never pass, 10 always pass', () => {
    const stable = noise!.cases.filter((c) => !c.flipped);
    expect(stable).toHaveLength(24);
    expect(stable.filter((c) => c.passes === 0)).toHaveLength(14);
    expect(stable.filter((c) => c.passes === 4)).toHaveLength(10);
    expect(stable.every((c) => c.flipRate === 0 && c.repeats === 4)).toBe(true);
  });

  it('gives the noise floor: trials pass 21, 22, 20, 21 of 50; expected run SD √(22/3)/50', () => {
    expect(noise!.floor.perRepeat.map((r) => [r.repeat, r.cases, r.passRate])).toEqual([
      [0, 50, 0.42],
      [1, 50, 0.44],
      [2, 50, 0.4],
      [3, 50, 0.42],
    ]);
    // Deviations from 0.42: 0, 0.02, −0.02, 0 → √(0.0008/3).
    expect(noise!.floor.repeatSd).toBeCloseTo(Math.sqrt(0.0008 / 3), 12);
    // v = p̂(1 − p̂)·4/3: 1/4 for the 16 tasks at 1 or 3 of 4, 1/3 for the 10 at 2, 0 for the rest.
    // Σ = 4 + 10/3 = 22/3.
    expect(noise!.floor.expectedRunSd!.estimate).toBeCloseTo(Math.sqrt(22 / 3) / 50, 12);
  });
});
