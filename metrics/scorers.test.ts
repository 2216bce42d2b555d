import { describe, expect, it } from 'vitest';
import type { Trace } from '../agent/trace.ts';
import { Case } from '../datasets/case.ts';
import { createScorer } from './registry.ts';
import { quantile, mean } from './stats.ts';

function trace(calls: { name: string; arguments: Record<string, unknown> }[], finalAnswer: string | null = 'ok'): Trace {
  return {
    target: 'test',
    messages: [],
    modelCalls: [],
    toolCalls: calls.map((c, i) => ({ step: 1, id: `c${i}`, name: c.name, arguments: c.arguments, result: '', latencyMs: 0 })),
    retrieved: [],
    citations: [],
    finalAnswer,
    stopReason: finalAnswer === null ? 'max_steps' : 'final',
    usage: { inputTokens: 0, outputTokens: 0 },
    latencyMs: 0,
    costUsd: 0,
  };
}
const makeCase = (fields: Record<string, unknown>) => Case.parse({ id: 'c', input: 'q', category: 'x', ...fields });
const score = (name: string, fields: Record<string, unknown>, t: Trace) => createScorer(name).score({ case: makeCase(fields), trace: t });

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

  it('does not apply when no expected call names arguments', async () => {
    expect(await score('tool_args_match', { expected_tool_calls: [{ name: 'calculator' }] }, trace([]))).toBeNull();
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

  it('fails with the stop reason when there is no final answer', async () => {
    const s = await score('answer_contains', { expected_contains: 'x' }, trace([], null));
    expect(s).toMatchObject({ value: 0, pass: false, reason: 'no final answer (max_steps)' });
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
