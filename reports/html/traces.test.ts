import { describe, expect, it } from 'vitest';
import type { Trace } from '../../agent/trace.ts';
import { attemptKey } from '../../runners/plan.ts';
import { summariseAttempt } from '../../runners/store.ts';
import { reportOutcome } from '../report-input.ts';
import { fixtureRows } from '../test-fixtures.ts';
import { ALL_TRACES, boundStrings, embedTraces } from './traces.ts';

// Fixture rows in their written order: openai default r0 (rows 0–7), r1 (8–15), concise r0
// (16–23), r1 (24–31), then ollama the same (32–63). Failures: openai c7 (rows 6, 14, 22, 30);
// ollama c2, c6 (errored) and c7 in each block (33, 37, 38, 41, 45, 46, ...): 16 in all, 48 others.
const rows = fixtureRows('r');
const attempts = rows.map(summariseAttempt);
const outcomes = attempts.map(reportOutcome);
const byKey = new Map<string, Trace>(rows.map((r) => [attemptKey(r), r.trace]));
const reads: string[] = [];
const read = (a: (typeof attempts)[number]) => {
  reads.push(attemptKey(a));
  return byKey.get(attemptKey(a));
};
const limits = (fields: Partial<typeof ALL_TRACES>) => ({ ...ALL_TRACES, ...fields });

describe('embedTraces', () => {
  it('embeds every trace when nothing bounds it', () => {
    const e = embedTraces(attempts, outcomes, read, ALL_TRACES);
    expect(e.texts).toHaveLength(64);
    expect(e.leftOut).toEqual({ failures: 0, others: 0 });
    expect(JSON.parse(e.texts[e.index[5]!]!)).toEqual(rows[5]!.trace);
  });

  it('takes failed and errored attempts first, in order, and reads no more traces than it embeds', () => {
    reads.length = 0;
    const e = embedTraces(attempts, outcomes, read, limits({ maxFailureTraces: 5, maxOtherTraces: 0 }));
    expect(e.index.flatMap((t, i) => (t >= 0 ? [i] : []))).toEqual([6, 14, 22, 30, 33]);
    expect(e.leftOut).toEqual({ failures: 11, others: 48 });
    expect(reads).toHaveLength(5);
  });

  it('then a bounded number of others, spread evenly over the run', () => {
    // 3 of 48 others: others[0], others[16], others[32] = rows 0, 18 and 39 (see above).
    const e = embedTraces(attempts, outcomes, read, limits({ maxOtherTraces: 3 }));
    const others = e.index.flatMap((t, i) => (t >= 0 && outcomes[i] !== 'failed' && outcomes[i] !== 'errored' ? [i] : []));
    expect(others).toEqual([0, 18, 39]);
    expect(e.leftOut).toEqual({ failures: 0, others: 45 });
  });

  it('stops at the first trace past the character budget', () => {
    // The first three failures are openai c7 traces of one length L: a budget of 2L + 1 holds two.
    const length = JSON.stringify(rows[6]!.trace).length;
    expect(JSON.stringify(rows[14]!.trace).length).toBe(length);
    const e = embedTraces(attempts, outcomes, read, limits({ maxTraceChars: 2 * length + 1 }));
    expect(e.texts).toHaveLength(2);
    expect(e.leftOut.failures).toBe(14);
  });

  it('cuts long strings and counts the cuts', () => {
    const e = embedTraces(attempts, outcomes, read, limits({ maxFailureTraces: 1, maxOtherTraces: 0, maxStringChars: 20 }));
    const trace = JSON.parse(e.texts[0]!) as Trace;
    // The tool result "found </script><script>window.__xss=1</script>" is 46 characters.
    expect(trace.toolCalls[0]!.result).toBe('found </script><scri… (+26 characters: the results store has the whole text)');
    expect(e.cutStrings).toBeGreaterThan(0);
  });

  it('embeds nothing, and says so, without a store to read from', () => {
    const e = embedTraces(attempts, outcomes, undefined);
    expect(e.available).toBe(false);
    expect(e.texts).toEqual([]);
    expect(e.index.every((i) => i === -1)).toBe(true);
  });
});

describe('boundStrings', () => {
  it('cuts strings at any depth and leaves other values alone', () => {
    const cut = { count: 0 };
    expect(boundStrings({ a: ['abcdef', 1, null, { b: 'abc' }], c: true }, 3, cut)).toEqual({
      a: ['abc… (+3 characters: the results store has the whole text)', 1, null, { b: 'abc' }],
      c: true,
    });
    expect(cut.count).toBe(1);
  });
});
