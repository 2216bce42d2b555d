// Which attempts become training data, rule by rule, on hand-made attempts.

import { describe, expect, it } from 'vitest';
import type { Trace } from '../../agent/trace.ts';
import type { Score } from '../../metrics/score.ts';
import { judgeTrace } from '../../test/fakes/judge-fixtures.ts';
import { selectAttempt } from './select.ts';

const trace = (over: Partial<Trace> = {}): Trace => judgeTrace(over);
const score = (scorer: string, value: number | null, pass: boolean | null, status: Score['status'] = 'scored'): Score => ({ scorer, value, pass, status, reason: '' });

describe('selectAttempt', () => {
  it('never keeps an errored attempt, one without a final answer, or one over several sessions', () => {
    const scores = [score('a', 1, true)];
    expect(selectAttempt({ status: 'error', trace: trace(), scores })).toEqual({ keep: false, reason: 'errored' });
    expect(selectAttempt({ status: 'ok', trace: trace({ finalAnswer: null, stopReason: 'max_steps' }), scores })).toEqual({ keep: false, reason: 'no final answer' });
    const sessions = [{ id: 's1', firstMessage: 0, turns: 1 }, { id: 's2', firstMessage: 2, turns: 1 }];
    expect(selectAttempt({ status: 'ok', trace: trace({ sessions }), scores })).toEqual({ keep: false, reason: 'several sessions' });
  });

  it('by default keeps what passed; skipped scores count neither way; an errored score drops it', () => {
    expect(selectAttempt({ status: 'ok', trace: trace(), scores: [score('a', 1, true), score('j', null, null, 'skipped')] })).toEqual({ keep: true });
    expect(selectAttempt({ status: 'ok', trace: trace(), scores: [score('a', 1, true), score('b', 0.8, false)] })).toEqual({ keep: false, reason: 'did not pass' });
    expect(selectAttempt({ status: 'ok', trace: trace(), scores: [score('j', null, null, 'skipped')] })).toEqual({ keep: false, reason: 'unscored' });
    expect(selectAttempt({ status: 'ok', trace: trace(), scores: [score('a', 1, true), score('j', null, null, 'error')] })).toEqual({ keep: false, reason: 'a scorer errored' });
  });

  it('with a minimum, compares the mean of scored values: (1 + 0.5) / 2 = 0.75', () => {
    const scores = [score('a', 1, true), score('b', 0.5, false), score('j', null, null, 'skipped')];
    expect(selectAttempt({ status: 'ok', trace: trace(), scores }, { minScore: 0.75 })).toEqual({ keep: true });
    expect(selectAttempt({ status: 'ok', trace: trace(), scores }, { minScore: 0.76 })).toEqual({ keep: false, reason: 'below the minimum score' });
  });

  it('with a scorer, judges by its value alone (or by its pass without a minimum)', () => {
    const scores = [score('a', 1, true), score('b', 0.5, false)];
    expect(selectAttempt({ status: 'ok', trace: trace(), scores }, { scorer: 'b', minScore: 0.5 })).toEqual({ keep: true });
    expect(selectAttempt({ status: 'ok', trace: trace(), scores }, { scorer: 'b' })).toEqual({ keep: false, reason: 'did not pass b' });
    expect(selectAttempt({ status: 'ok', trace: trace(), scores }, { scorer: 'c' })).toEqual({ keep: false, reason: 'no c score' });
  });
});
