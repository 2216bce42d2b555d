import { describe, expect, it } from 'vitest';
import type { Score } from '../metrics/score.ts';
import type { StoredAttempt } from '../runners/store.ts';
import { aggregate } from '../runners/aggregate.ts';
import { aggregateIntervals, groupKey, pooledPassRate, scoreMeanInterval, wilsonInterval } from './intervals.ts';

function attempt(caseId: string, scores: Score[], fields: Partial<StoredAttempt> = {}): StoredAttempt {
  return { runId: 'r', suite: 's', config: 'default', caseId, category: 'k', target: 't', repeat: 0, status: 'ok', stopReason: 'final', finalAnswer: 'a', latencyMs: 1, inputTokens: 0, outputTokens: 0, costUsd: 0, unpricedCalls: 0, estimatedUsage: 0, scores, ...fields };
}
const graded = (value: number, pass: boolean): Score => ({ scorer: 'g', value, pass, status: 'scored', reason: '' });

describe('wilsonInterval', () => {
  it('gives the Wilson score interval of 8 of 10: [0.4902, 0.9433]', () => {
    // p = 0.8, z² = 3.8415: centre (0.8 + 0.19207) / 1.38415 = 0.71674,
    // half 1.96 · √(0.016 + 0.0096036) / 1.38415 = 0.22658.
    const i = wilsonInterval(8, 10)!;
    expect(i.low).toBeCloseTo(0.4902, 4);
    expect(i.high).toBeCloseTo(0.9433, 4);
  });

  it('stays inside [0, 1] at the edges: 0 of 10 is [0, 0.2775], 10 of 10 is [0.7225, 1]', () => {
    const none = wilsonInterval(0, 10)!;
    const all = wilsonInterval(10, 10)!;
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.2775, 4);
    expect(all.low).toBeCloseTo(0.7225, 4);
    expect(all.high).toBe(1);
  });

  it('has no interval for nothing counted, and refuses more successes than trials', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
  });
});

describe('scoreMeanInterval', () => {
  it('treats 0/1 values as a proportion (Wilson)', () => {
    expect(scoreMeanInterval([1, 1, 1, 1, 1, 1, 1, 1, 0, 0])).toEqual(wilsonInterval(8, 10));
  });

  it("uses Student's t for graded values, cut to [0, 1]: [0.2, 0.4, 0.6] → [0, 0.8968]", () => {
    // mean 0.4, s 0.2, se 0.11547, t(0.975, 2) = 4.3027: 0.4 ± 0.4968.
    const i = scoreMeanInterval([0.2, 0.4, 0.6])!;
    expect(i.low).toBe(0);
    expect(i.high).toBeCloseTo(0.8968, 4);
  });

  it('has none for a single graded value', () => {
    expect(scoreMeanInterval([0.5])).toBeNull();
    expect(scoreMeanInterval([])).toBeNull();
  });
});

describe('aggregateIntervals', () => {
  it("covers the aggregate's own counts: passed of judged attempts, each scorer over its scored values", () => {
    // 4 attempts: 3 graded (0.2 fail, 0.4 fail, 0.6 pass), one errored (a failure, no score).
    // Pass rate 1/4 → Wilson(1, 4); scorer g: mean over 3 values (t), pass rate Wilson(1, 3).
    const attempts = [
      attempt('a', [graded(0.2, false)]),
      attempt('b', [graded(0.4, false)]),
      attempt('c', [graded(0.6, true)]),
      attempt('d', [], { status: 'error', error: 'boom' }),
    ];
    const [agg] = aggregate(attempts);
    expect(agg!.passRate).toBe(0.25);
    const iv = aggregateIntervals([agg!], attempts).get(groupKey(agg!))!;
    expect(iv.passRate).toEqual(wilsonInterval(1, 4));
    expect(iv.scorers.g!.mean).toEqual(scoreMeanInterval([0.2, 0.4, 0.6]));
    expect(iv.scorers.g!.passRate).toEqual(wilsonInterval(1, 3));
  });
});

describe('pooledPassRate', () => {
  it('counts errored attempts as failures and leaves unscored ones out, as summary.ts does', () => {
    const skipped: Score = { scorer: 'j', value: null, pass: null, status: 'skipped', reason: 'no judge' };
    const attempts = [attempt('a', [graded(1, true)]), attempt('b', [skipped]), attempt('c', [], { status: 'error' }), attempt('d', [graded(0, false)])];
    expect(pooledPassRate(attempts)).toEqual({ passed: 1, judged: 3, rate: 1 / 3 });
  });
});
