import { describe, expect, it } from 'vitest';
import { countTokens } from '../rag/tokens.ts';
import { estimateInputTokens, estimateOutputTokens, usageOrEstimate } from './usage.ts';
import type { ChatRequest } from './types.ts';

const request: ChatRequest = {
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Weather in Oslo?' },
    { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'weather', arguments: { city: 'Oslo' } }] },
    { role: 'tool', toolCallId: 'call_1', name: 'weather', content: 'rain, 4°C' },
  ],
  tools: [{ name: 'weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
};

describe('usage estimates', () => {
  it('count the messages, the tool calls in them and the tool specs', () => {
    const expected =
      countTokens('Be brief.') +
      countTokens('Weather in Oslo?') +
      countTokens('') +
      countTokens(JSON.stringify([{ name: 'weather', arguments: { city: 'Oslo' } }])) +
      countTokens('rain, 4°C') +
      countTokens(JSON.stringify(request.tools));
    expect(estimateInputTokens(request)).toBe(expected);
  });

  it('count the answer text and its tool calls, raw arguments as sent', () => {
    const calls = [{ name: 'weather', arguments: {}, invalidArguments: '{"city": Osl' }];
    expect(estimateOutputTokens({ text: 'Checking.', toolCalls: calls })).toBe(
      countTokens('Checking.') + countTokens(JSON.stringify([{ name: 'weather', arguments: '{"city": Osl' }])),
    );
  });

  it('fill in only what the provider left out, and say when they did', () => {
    const output = { text: 'It rains.', toolCalls: [] };
    expect(usageOrEstimate({ inputTokens: 40, outputTokens: 3 }, request, output)).toEqual({ usage: { inputTokens: 40, outputTokens: 3 }, estimated: false });
    expect(usageOrEstimate({ inputTokens: 40, outputTokens: 0 }, request, output).estimated).toBe(false);
    expect(usageOrEstimate({ outputTokens: 3 }, request, output)).toEqual({
      usage: { inputTokens: estimateInputTokens(request), outputTokens: 3, estimated: true },
      estimated: true,
    });
    expect(usageOrEstimate({ inputTokens: 40 }, request, { text: '', toolCalls: [] })).toEqual({ usage: { inputTokens: 40, outputTokens: 0 }, estimated: false });
    expect(usageOrEstimate(undefined, request, output).usage).toEqual({ inputTokens: estimateInputTokens(request), outputTokens: countTokens('It rains.'), estimated: true });
  });
});
