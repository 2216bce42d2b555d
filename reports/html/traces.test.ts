import { describe, expect, it } from 'vitest';
import type { Trace } from '../../agent/trace.ts';
import { attemptKey } from '../../runners/plan.ts';
import { summariseAttempt, type StoredAttempt } from '../../runners/store.ts';
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

  it('takes failed and errored attempts first, the suite × target groups in turn, and reads no more traces than it embeds', () => {
    // Turns: openai 6, ollama 33, openai 14, ollama 37, openai 22.
    reads.length = 0;
    const e = embedTraces(attempts, outcomes, read, limits({ maxFailureTraces: 5, maxOtherTraces: 0 }));
    expect(e.index.flatMap((t, i) => (t >= 0 ? [i] : []))).toEqual([6, 14, 22, 33, 37]);
    expect(e.leftOut).toEqual({ failures: 11, others: 48 });
    expect(reads).toHaveLength(5);
  });

  it('then a bounded number of others, in turns too', () => {
    // Others of openai start at row 0, 1, …; of ollama at row 32: turns 0, 32, 1.
    const e = embedTraces(attempts, outcomes, read, limits({ maxOtherTraces: 3 }));
    const others = e.index.flatMap((t, i) => (t >= 0 && outcomes[i] !== 'failed' && outcomes[i] !== 'errored' ? [i] : []));
    expect(others).toEqual([0, 1, 32]);
    expect(e.leftOut).toEqual({ failures: 0, others: 45 });
  });

  it('shares the budget fairly: a group with few failures gets them all, the rest goes to the others', () => {
    // Suite "tau" of target t: 100 failures of 1,000-character traces; suite "tools": 3 failures of
    // about 100. A count of 10: tools takes its 3, tau the 7 left. A budget of 5,000 characters:
    // tau fits 4 (its fifth is past the budget, which ends its turns), tools still gets its 3.
    const make = (suite: string, n: number, size: number) =>
      Array.from({ length: n }, (_, i) => ({ ...attempts[0]!, suite, target: 't', caseId: `${suite}-${i}`, finalAnswer: 'x'.repeat(size) }));
    const many = [...make('tau', 100, 1000), ...make('tools', 3, 100)];
    const failed = many.map(() => 'failed' as const);
    const traceOf = (a: StoredAttempt) => ({ finalAnswer: a.finalAnswer }) as unknown as Trace;
    const bySuite = (e: ReturnType<typeof embedTraces>) => ['tau', 'tools'].map((suite) => many.filter((a, i) => a.suite === suite && e.index[i]! >= 0).length);
    expect(bySuite(embedTraces(many, failed, traceOf, limits({ maxFailureTraces: 10 })))).toEqual([7, 3]);
    const byChars = embedTraces(many, failed, traceOf, limits({ maxTraceChars: 5000 }));
    expect(bySuite(byChars)).toEqual([4, 3]);
    expect(byChars.leftOut.failures).toBe(96);
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
