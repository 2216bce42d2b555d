import { describe, expect, it } from 'vitest';
import { isGeneratedCallId, toolCallIds } from './tool-call-ids.ts';
import { finishReasonOf, parseArguments } from './tool-calls.ts';

describe('tool-call arguments', () => {
  it('takes a JSON object as it is, or as JSON text, and keeps anything else raw for repair', () => {
    expect(parseArguments({ city: 'Oslo' })).toEqual({ arguments: { city: 'Oslo' } });
    expect(parseArguments('{"city":"Oslo"}')).toEqual({ arguments: { city: 'Oslo' } });
    expect(parseArguments('  ')).toEqual({ arguments: {} });
    expect(parseArguments('{"city": Osl')).toEqual({ arguments: {}, invalidArguments: '{"city": Osl' });
    expect(parseArguments('[1]')).toEqual({ arguments: {}, invalidArguments: '[1]' });
    expect(parseArguments([1])).toEqual({ arguments: {}, invalidArguments: '[1]' });
  });
});

describe('finish reason', () => {
  it("is 'tool_calls' whenever there are calls, else what the server said", () => {
    expect(finishReasonOf([{}], 'stop')).toBe('tool_calls');
    expect(finishReasonOf([{}], 'other')).toBe('tool_calls');
    expect(finishReasonOf([], 'length')).toBe('length');
  });
});

describe('generated ids', () => {
  it('continue after the calls in the conversation', () => {
    const next = toolCallIds([{ role: 'assistant', toolCalls: [{}, {}] }, { role: 'tool' }]);
    expect([next(), next()]).toEqual(['call_3', 'call_4']);
  });

  it('are recognised in every form Lunar makes, and no other', () => {
    for (const id of ['call_1', 'call_12', 'call_2_1', 'call_10_3']) expect(isGeneratedCallId(id)).toBe(true);
    for (const id of ['call_abc123', 'call_1_x', 'fc-1', 'call_', 'xcall_1', 'call_1_2_3']) expect(isGeneratedCallId(id)).toBe(false);
  });
});
