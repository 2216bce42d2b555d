import { describe, expect, it } from 'vitest';
import { RUN_FACT_FIGURES } from './run-facts.ts';
import { ScorerOptionsError } from './score.ts';
import { modelCall, optionsError, runScorer, traceOf } from './test-fixtures.ts';

/** Run facts read the trace alone: any valid case will do. */
const anyCase = { expected_no_tool: true };

describe('latency', () => {
  it('passes at or under max_ms with value 1, and over it scores max_ms / latency', async () => {
    const at = traceOf('ok', [], { latencyMs: 2000 });
    expect(await runScorer('latency', anyCase, at, { max_ms: 2000 })).toMatchObject({ value: 1, pass: true, reason: '2000.0 ms ≤ 2000.0 ms', details: { latency_ms: 2000, max_ms: 2000 } });
    const slow = traceOf('ok', [], { latencyMs: 5000, modelCalls: [modelCall({ cached: true }), modelCall()] });
    expect(await runScorer('latency', anyCase, slow, { max_ms: 2000 })).toMatchObject({
      value: 0.4,
      pass: false,
      reason: '5000.0 ms > 2000.0 ms',
      details: { latency_ms: 5000, cached_calls: 1 },
    });
  });

  it('needs a positive max_ms', () => {
    expect(optionsError('latency', {})).toBeInstanceOf(ScorerOptionsError);
    expect(optionsError('latency', {})!.message).toBe('latency: options: max_ms: Invalid input: expected number, received undefined');
    expect(optionsError('latency', { max_ms: 0 })!.message).toBe('latency: options: max_ms: Too small: expected number to be >0');
  });
});

describe('steps', () => {
  it('counts model calls against max', async () => {
    const t = traceOf(null, [], { modelCalls: [modelCall(), modelCall({ step: 2 }), modelCall({ step: 3 })] });
    expect(await runScorer('steps', anyCase, t, { max: 3 })).toMatchObject({ value: 1, pass: true, details: { steps: 3, stop_reason: 'max_steps' } });
    const s = await runScorer('steps', anyCase, t, { max: 2 });
    expect(s).toMatchObject({ pass: false, reason: '3 steps > 2 steps' });
    expect(s!.value).toBeCloseTo(2 / 3, 15);
  });
});

describe('tool_errors', () => {
  const t = traceOf('ok', [
    { name: 'read_file' },
    { name: 'read_file', error: 'ENOENT', errorKind: 'threw' },
    { name: 'browse', error: 'unknown tool', errorKind: 'unknown_tool' },
    { name: 'calculator', error: 'not run: the time budget was spent', errorKind: 'not_run' },
  ]);

  it('counts calls that ended in an error, leaving out calls never run, and fails on any by default', async () => {
    expect(await runScorer('tool_errors', anyCase, t)).toMatchObject({
      value: 0,
      pass: false,
      reason: '2 tool errors > 0 tool errors',
      details: { tool_errors: 2, by_kind: { threw: 1, unknown_tool: 1 }, not_run: 1, tool_calls: 4, max: 0 },
    });
    expect(await runScorer('tool_errors', anyCase, traceOf('ok', [{ name: 'read_file' }]))).toMatchObject({ value: 1, pass: true, details: { tool_errors: 0 } });
  });

  it('with max, allows that many and scores max / errors above it', async () => {
    expect(await runScorer('tool_errors', anyCase, t, { max: 2 })).toMatchObject({ value: 1, pass: true });
    expect(await runScorer('tool_errors', anyCase, t, { max: 1 })).toMatchObject({ value: 0.5, pass: false });
  });
});

describe('tokens', () => {
  it('adds input and output tokens against max and says when counts were estimated', async () => {
    const t = traceOf('ok', [], { usage: { inputTokens: 1200, outputTokens: 300 }, modelCalls: [modelCall({ usage: { inputTokens: 1200, outputTokens: 300, estimated: true } })] });
    const s = await runScorer('tokens', anyCase, t, { max: 1000 });
    expect(s).toMatchObject({ pass: false, reason: '1500 tokens > 1000 tokens', details: { tokens: 1500, input_tokens: 1200, output_tokens: 300, estimated: true } });
    expect(s!.value).toBeCloseTo(2 / 3, 15);
    expect(await runScorer('tokens', anyCase, t, { max: 1500 })).toMatchObject({ value: 1, pass: true });
  });
});

describe('cost', () => {
  it('compares the run\'s cost with max_usd', async () => {
    const t = traceOf('ok', [], { costUsd: 0.003, modelCalls: [modelCall({ costUsd: 0.003 })] });
    expect(await runScorer('cost', anyCase, t, { max_usd: 0.006 })).toMatchObject({ value: 1, pass: true, reason: '$0.003000 ≤ $0.006000', details: { cost_usd: 0.003, unpriced_calls: 0 } });
    const over = await runScorer('cost', anyCase, t, { max_usd: 0.002 });
    expect(over).toMatchObject({ pass: false, reason: '$0.003000 > $0.002000' });
    expect(over!.value).toBeCloseTo(2 / 3, 12);
  });

  it('with an unpriced model call, is skipped within budget (the figure is a lower bound) and still fails over it', async () => {
    const t = traceOf('ok', [], { costUsd: 0.003, modelCalls: [modelCall({ costUsd: 0.003 }), modelCall({ priced: false })] });
    expect(await runScorer('cost', anyCase, t, { max_usd: 0.01 })).toMatchObject({
      status: 'skipped',
      pass: null,
      reason: '1 model call(s) have no price: the cost is at least $0.003000, which does not show whether it is within $0.010000',
      details: { cost_usd: 0.003, unpriced_calls: 1 },
    });
    expect(await runScorer('cost', anyCase, t, { max_usd: 0.0015 })).toMatchObject({ status: 'scored', value: 0.5, pass: false });
  });
});

describe('RUN_FACT_FIGURES', () => {
  it('names, for each run-fact scorer, the details key its score records the raw figure under', async () => {
    const t = traceOf('ok', [{ name: 'read_file' }], { latencyMs: 10, costUsd: 0.001, usage: { inputTokens: 5, outputTokens: 2 }, modelCalls: [modelCall()] });
    const options: Record<string, Record<string, unknown>> = { latency: { max_ms: 100 }, steps: { max: 5 }, tool_errors: {}, tokens: { max: 100 }, cost: { max_usd: 1 } };
    const figures: Record<string, unknown> = {};
    for (const [scorer, key] of Object.entries(RUN_FACT_FIGURES)) figures[scorer] = (await runScorer(scorer, anyCase, t, options[scorer]))!.details![key];
    expect(figures).toEqual({ latency: 10, steps: 1, tool_errors: 0, tokens: 7, cost: 0.001 });
  });
});
