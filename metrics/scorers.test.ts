import { describe, expect, it } from 'vitest';
import { emptyTrace, type Trace } from '../agent/trace.ts';
import { tauReward } from './tau-reward.ts';
import { valuesMatch } from './normalize.ts';
import { ScorerOptionsError } from './score.ts';
import { quantile, mean } from './stats.ts';
import { optionsError, runScorer, traceOf, type CallSpec } from './test-fixtures.ts';
import { containsAtBoundary } from './text.ts';
import { maximumMatching } from './tool-calls.ts';

const trace = (calls: CallSpec[], finalAnswer: string | null = 'ok'): Trace => traceOf(finalAnswer, calls);
const score = runScorer;

describe('tool_name_match', () => {
  it('scores the share of expected calls made, counting repeats', async () => {
    const expected = { expected_tool_calls: [{ name: 'current_time' }, { name: 'current_time' }, { name: 'calculator' }] };
    const s = await score('tool_name_match', expected, trace([{ name: 'current_time', arguments: {} }, { name: 'calculator', arguments: {} }]));
    expect(s).toMatchObject({ value: 2 / 3, pass: false, reason: 'not called: current_time; called: current_time, calculator' });
  });

  it('passes with every expected call made, extra calls reported but allowed', async () => {
    const s = await score('tool_name_match', { expected_tool_calls: [{ name: 'read_file' }] }, trace([{ name: 'list_files', arguments: {} }, { name: 'read_file', arguments: {} }]));
    expect(s).toMatchObject({ value: 1, pass: true, details: { extra: ['list_files'] } });
  });

  it('with expected_no_tool, fails on any call and passes on none', async () => {
    expect(await score('tool_name_match', { expected_no_tool: true }, trace([]))).toMatchObject({ value: 1, pass: true });
    expect(await score('tool_name_match', { expected_no_tool: true }, trace([{ name: 'calculator', arguments: {} }]))).toMatchObject({ value: 0, pass: false });
  });

  it('does not apply to a case with only expected_contains', async () => {
    expect(await score('tool_name_match', { expected_contains: 'x' }, trace([]))).toBeNull();
  });

  it('with allow_extra: false, fails on extra calls and scores matched / (expected + extra)', async () => {
    const expected = { expected_tool_calls: [{ name: 'read_file' }, { name: 'calculator' }] };
    const calls = trace([{ name: 'list_files', arguments: {} }, { name: 'read_file', arguments: {} }]);
    // 1 matched (read_file), 1 missing (calculator), 1 extra (list_files): 1 / (2 + 1).
    expect(await score('tool_name_match', expected, calls, { allow_extra: false })).toMatchObject({
      value: 1 / 3,
      pass: false,
      reason: 'not called: calculator; extra calls not allowed: list_files; called: list_files, read_file',
      details: { missing: ['calculator'], extra: ['list_files'] },
    });
    const exact = trace([{ name: 'calculator', arguments: {} }, { name: 'read_file', arguments: {} }]);
    expect(await score('tool_name_match', expected, exact, { allow_extra: false })).toMatchObject({ value: 1, pass: true });
    // The default allows them: 1 of 2 expected calls made.
    expect(await score('tool_name_match', expected, calls, { allow_extra: true })).toMatchObject({ value: 0.5, pass: false, reason: 'not called: calculator; called: list_files, read_file' });
  });
});

describe('tool_args_match', () => {
  it('matches named arguments leniently (case, ./ prefix, numbers) and ignores the rest', async () => {
    const expected = { expected_tool_calls: [{ name: 'read_file', arguments: { path: 'Docs/Setup.md' } }, { name: 'calculator', arguments: { expression: '2+2', precision: 2 } }] };
    const s = await score('tool_args_match', expected, trace([
      { name: 'read_file', arguments: { path: './docs/setup.md', start_line: 3 } },
      { name: 'calculator', arguments: { expression: '2+2', precision: 2.0 } },
    ]));
    expect(s).toMatchObject({ value: 1, pass: true });
  });

  it('uses each actual call for one expectation only', async () => {
    const expected = { expected_tool_calls: [{ name: 'current_time', arguments: { timezone: 'Asia/Tokyo' } }, { name: 'current_time', arguments: { timezone: 'Asia/Tokyo' } }] };
    const s = await score('tool_args_match', expected, trace([{ name: 'current_time', arguments: { timezone: 'Asia/Tokyo' } }]));
    expect(s).toMatchObject({ value: 0.5, pass: false });
  });

  it('pairs expectations with calls by a maximum matching, not in order', async () => {
    // Greedy would give {path:a} the first call and leave {path:a,start_line:1} with none: 0.5.
    const expected = { expected_tool_calls: [{ name: 'read_file', arguments: { path: 'a' } }, { name: 'read_file', arguments: { path: 'a', start_line: 1 } }] };
    const s = await score('tool_args_match', expected, trace([{ name: 'read_file', arguments: { path: 'a', start_line: 1 } }, { name: 'read_file', arguments: { path: 'a' } }]));
    expect(s).toMatchObject({ value: 1, pass: true, reason: 'all 2 expected argument set(s) matched', details: { unmatched: [] } });
  });

  it('names exactly the expectations the best pairing leaves unmatched', async () => {
    // E0 {a} fits both calls, E1 {b} fits none, E2 {a, line 1} fits only the first call. Best: E0–call 2, E2–call 1 → 2/3,
    // E1 left (greedy: E0–call 1, then E1 and E2 unmatched → 1/3).
    const e0 = { name: 'read_file', arguments: { path: 'a' } };
    const e1 = { name: 'read_file', arguments: { path: 'b' } };
    const e2 = { name: 'read_file', arguments: { path: 'a', start_line: 1 } };
    const s = await score('tool_args_match', { expected_tool_calls: [e0, e1, e2] }, trace([{ name: 'read_file', arguments: { path: 'a', start_line: 1 } }, { name: 'read_file', arguments: { path: 'a' } }]));
    expect(s).toMatchObject({
      value: 2 / 3,
      pass: false,
      reason: 'no call matched read_file({"path":"b"}); calls: read_file({"path":"a","start_line":1}), read_file({"path":"a"})',
      details: { unmatched: [e1] },
    });
  });

  it('does not take 0 for null, an empty string or false, nor 1 for true', async () => {
    const expected = { expected_tool_calls: [{ name: 'read_file', arguments: { path: 'a', start_line: 0 } }] };
    for (const actual of [null, '', false, [], undefined]) {
      expect(await score('tool_args_match', expected, trace([{ name: 'read_file', arguments: { path: 'a', start_line: actual } }]))).toMatchObject({ value: 0, pass: false });
    }
    expect(await score('tool_args_match', expected, trace([{ name: 'read_file', arguments: { path: 'a', start_line: '0' } }]))).toMatchObject({ value: 1, pass: true });
  });

  it('does not apply when no expected call names arguments', async () => {
    expect(await score('tool_args_match', { expected_tool_calls: [{ name: 'calculator' }] }, trace([]))).toBeNull();
  });
});

describe('maximumMatching', () => {
  it('finds a perfect matching where first-fit does not (augmenting path)', () => {
    // Edges: 0–{0,1}, 1–{0}, 2–{1,2}. First-fit gives 0–0 and leaves 1 out; the maximum is 0–1, 1–0, 2–2.
    const edges = [[0, 1], [0], [1, 2]];
    expect(maximumMatching(3, 3, (l, r) => edges[l]!.includes(r))).toEqual([1, 0, 2]);
  });

  it('leaves vertices without a partner as null, and copes with no right side', () => {
    expect(maximumMatching(2, 1, () => true)).toEqual([0, null]);
    expect(maximumMatching(2, 0, () => true)).toEqual([null, null]);
  });
});

describe('valuesMatch', () => {
  it('compares numbers with a tolerance, and a number with a string only when the string reads as a number', () => {
    expect(valuesMatch(0.3, 0.1 + 0.2)).toBe(true);
    expect(valuesMatch(2, 2.5)).toBe(false);
    expect(valuesMatch(2, '2')).toBe(true);
    expect(valuesMatch(' 2.0 ', 2)).toBe(true);
    expect(valuesMatch(-1000, '-1e3')).toBe(true);
    expect(valuesMatch(2, '2 apples')).toBe(false);
    expect(valuesMatch(16, '0x10')).toBe(false);
    expect(valuesMatch(1000, '1,000')).toBe(false);
    expect(valuesMatch(Number.NaN, Number.NaN)).toBe(false);
  });

  it('does not convert other types: 0 is not null, "", false or [], 1 is not true', () => {
    for (const other of [null, '', '  ', false, [], undefined, {}]) {
      expect(valuesMatch(0, other)).toBe(false);
      expect(valuesMatch(other, 0)).toBe(false);
    }
    expect(valuesMatch(1, true)).toBe(false);
    expect(valuesMatch(true, 'true')).toBe(false);
    expect(valuesMatch(null, '')).toBe(false);
    expect(valuesMatch(null, null)).toBe(true);
  });

  it('compares strings as text (case, spacing, ./ and trailing slashes), also when they look numeric', () => {
    expect(valuesMatch('Docs/Setup.md', './docs/setup.md')).toBe(true);
    expect(valuesMatch('docs/', 'docs')).toBe(true);
    expect(valuesMatch('02134', '2134')).toBe(false);
    expect(valuesMatch({ a: [1, 'x'] }, { a: ['1', 'X'] })).toBe(true);
    expect(valuesMatch({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  });
});

describe('answer_contains', () => {
  it('finds every expected string case-insensitively, ignoring thousands separators', async () => {
    const s = await score('answer_contains', { expected_contains: ['Tokyo', '2480'] }, trace([], 'The answer: TOKYO has 2,480 things'));
    expect(s).toMatchObject({ value: 1, pass: true });
  });

  it('scores the share found and names what is missing', async () => {
    const s = await score('answer_contains', { expected_contains: ['8080', 'dusk'] }, trace([], 'port 8080'));
    expect(s).toMatchObject({ value: 0.5, pass: false, reason: 'missing "dusk"' });
  });

  it('matches at word and number boundaries only', async () => {
    const found = async (expected: string, answer: string) => (await score('answer_contains', { expected_contains: expected }, trace([], answer)))!.pass;
    expect(await found('12', 'It costs 120 dollars')).toBe(false);
    expect(await found('12', 'It costs $12')).toBe(true);
    expect(await found('12', 'The total is 12.')).toBe(true);
    expect(await found('12', 'The total is 12, give or take')).toBe(true);
    expect(await found('12', 'The total is 1.12')).toBe(false);
    expect(await found('12', 'a12 b')).toBe(false);
    expect(await found('2.4.1', 'Upgrade to 2.4.10')).toBe(false);
    expect(await found('2.4.1', 'Upgrade to 2.4.1 now')).toBe(true);
    expect(await found('2.4', 'Upgrade to 2.4.1')).toBe(false);
    expect(await found('14.4', 'It is 14.45 km')).toBe(false);
    expect(await found('14.4', 'It is 14.4.')).toBe(true);
    expect(await found('14', 'It is 14.5 km')).toBe(false);
    // Zeros after the point keep the value.
    expect(await found('$10', 'Pro costs $10.00 a month')).toBe(true);
    expect(await found('iOS 16', 'It needs iOS 16.0 or later')).toBe(true);
    expect(await found('$10', 'Pro costs $10.01 a month')).toBe(false);
    expect(await found('22.04', 'Ubuntu 22.04.3')).toBe(false);
    expect(await found('cat', 'concatenate')).toBe(false);
    expect(await found('cat', 'one CAT.')).toBe(true);
    expect(await found('2480', 'There are 2,480 of them')).toBe(true);
    expect(await found('2480', 'There are 12,480 of them')).toBe(false);
    // Punctuation at the expectation's own edge needs no boundary.
    expect(await found('$12', 'US$12')).toBe(true);
    expect(await found('port 8080', 'Use port   8080;')).toBe(true);
    // A later occurrence can satisfy the boundaries when an earlier one does not.
    expect(await found('12', '120 or 12')).toBe(true);
  });

  it('treats letters of any script as word characters', () => {
    expect(containsAtBoundary('señor', 'se')).toBe(false);
    expect(containsAtBoundary('año 2024', 'año')).toBe(true);
    expect(containsAtBoundary('x', '')).toBe(true);
  });

  it('with case_sensitive, compares case exactly', async () => {
    const expected = { expected_contains: ['Tokyo'] };
    expect(await score('answer_contains', expected, trace([], 'TOKYO'), { case_sensitive: true })).toMatchObject({ value: 0, pass: false, reason: 'missing "Tokyo"' });
    expect(await score('answer_contains', expected, trace([], 'in Tokyo.'), { case_sensitive: true })).toMatchObject({ value: 1, pass: true });
    expect(await score('answer_contains', expected, trace([], 'TOKYO'), { case_sensitive: false })).toMatchObject({ value: 1, pass: true });
  });

  it('fails with the stop reason when there is no final answer', async () => {
    const s = await score('answer_contains', { expected_contains: 'x' }, trace([], null));
    expect(s).toMatchObject({ value: 0, pass: false, reason: 'no final answer (max_steps)' });
  });
});

describe('scorer options', () => {
  it('are checked against each scorer\'s strict schema', () => {
    const error = optionsError;
    expect(error('answer_contains', { case_sensitive: 'yes' })).toBeInstanceOf(ScorerOptionsError);
    expect((error('answer_contains', { case_sensitive: 'yes' }) as Error).message).toBe('answer_contains: options: case_sensitive: Invalid input: expected boolean, received string');
    expect((error('answer_contains', { casesensitive: true }) as Error).message).toBe('answer_contains: options: Unrecognized key: "casesensitive"');
    expect((error('tool_name_match', { allow_extra: 1 }) as Error).message).toBe('tool_name_match: options: allow_extra: Invalid input: expected boolean, received number');
    expect((error('tool_args_match', { strict: true }) as Error).message).toBe('tool_args_match: options: Unrecognized key: "strict"');
    expect(error('answer_contains', { case_sensitive: true })).toBeUndefined();
    expect(error('tool_name_match', { allow_extra: false })).toBeUndefined();
    expect(error('tool_args_match', {})).toBeUndefined();
  });
});

describe('stats', () => {
  it('interpolates quantiles between ranks (numpy default)', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBeCloseTo(9.55, 10);
    expect(quantile([], 0.5)).toBeNull();
    expect(mean([1, 2, 6])).toBe(3);
  });
});

describe('tau_reward', () => {
  const base = { case: { id: 'c', category: 'k', tags: [] as string[], input: 'x', expected_contains: 'x' } };
  const trace = (episode?: object) => ({ ...emptyTrace('t', 'final'), ...(episode ? { episode } : {}) }) as Trace;
  const episode = (reward: number, summary: string) => ({
    environment: 'tau-retail', task: 'retail test 0', reward, ended: true, endedBy: 'stop', steps: 3, maxSteps: 30, toolCalls: 'all', stateMatches: reward === 1,
    differences: [], outputs: [], writes: [], unexpectedWrites: [], summary, user: { target: 'scripted', strategy: 'scripted', calls: 0, costUsd: 0, usage: { inputTokens: 0, outputTokens: 0 } },
  });

  it('passes iff the reward is 1, with the episode’s reason; skips a trace with no episode', async () => {
    const scorer = tauReward();
    expect(await scorer.score({ ...base, trace: trace(episode(1, 'reward 1: ok')) })).toMatchObject({ value: 1, pass: true, reason: 'reward 1: ok' });
    expect(await scorer.score({ ...base, trace: trace(episode(0, 'reward 0: expected write not made: x')) })).toMatchObject({ value: 0, pass: false, reason: expect.stringMatching(/expected write not made/) });
    expect(await scorer.score({ ...base, trace: trace() })).toMatchObject({ status: 'skipped', pass: null });
  });
});
