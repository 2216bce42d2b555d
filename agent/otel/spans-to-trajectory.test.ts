import { describe, expect, it } from 'vitest';
import { spansToTrajectory } from './spans-to-trajectory.ts';
import type { AttributeValue, OtelSpan } from './span.ts';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
let next = 0;
function span(name: string, startMs: number, endMs: number, attributes: Record<string, AttributeValue> = {}, extra: Partial<OtelSpan> = {}): OtelSpan {
  next++;
  return { traceId: TRACE, spanId: next.toString(16).padStart(16, '0'), name, startMs, endMs, attributes, status: { code: 0 }, events: [], resource: {}, ...extra };
}
const noPrice = { price: () => undefined };

describe('spansToTrajectory: GenAI semantic conventions', () => {
  const chat1 = span('chat gpt-4o-mini', 1000, 1400, {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.request.temperature': 0,
    'gen_ai.usage.input_tokens': 100,
    'gen_ai.usage.output_tokens': '20',
    'gen_ai.response.finish_reasons': ['tool_calls'],
    'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be brief.' }]),
    'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }]),
    'gen_ai.output.messages': JSON.stringify([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }], finish_reason: 'tool_call' },
    ]),
  });
  const tool = span('execute_tool get_weather', 1410, 1460, {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': 'get_weather',
    'gen_ai.tool.call.id': 'call_1',
    'gen_ai.tool.call.arguments': '{"city":"Paris"}',
    'gen_ai.tool.call.result': '{"temp":18}',
  });
  const chat2 = span('chat gpt-4o-mini', 1470, 1700, {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.usage.input_tokens': 150,
    'gen_ai.usage.output_tokens': 10,
    'gen_ai.input.messages': JSON.stringify([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: '{"temp":18}' }] },
    ]),
    'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: '18 °C in Paris.' }], finish_reason: 'stop' }]),
  });

  it('turns chat and execute_tool spans into model calls and tool calls, in start order, with steps, tokens, latency and cost', () => {
    // Shuffled: spans arrive in the order they end, not the order they began.
    const t = spansToTrajectory([chat2, tool, chat1]);
    expect(t.spans).toBe(3);
    expect(t.modelCalls).toEqual([
      {
        step: 1,
        request: { messageCount: 2, tools: [], temperature: 0 },
        response: { text: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }], finishReason: 'tool_calls' },
        usage: { inputTokens: 100, outputTokens: 20 },
        latencyMs: 400,
        // gpt-4o-mini: $0.15 in, $0.60 out per million tokens.
        costUsd: (100 * 0.15 + 20 * 0.6) / 1e6,
        attempts: 1,
        priced: true,
      },
      {
        step: 2,
        request: { messageCount: 3, tools: [] },
        response: { text: '18 °C in Paris.', toolCalls: [], finishReason: 'stop' },
        usage: { inputTokens: 150, outputTokens: 10 },
        latencyMs: 230,
        costUsd: (150 * 0.15 + 10 * 0.6) / 1e6,
        attempts: 1,
        priced: true,
      },
    ]);
    expect(t.toolCalls).toEqual([{ step: 1, id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' }, result: '{"temp":18}', latencyMs: 50 }]);
    expect(t.usage).toEqual({ inputTokens: 250, outputTokens: 30 });
    expect(t.costUsd).toBeCloseTo((250 * 0.15 + 30 * 0.6) / 1e6, 15);
    expect(t.messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { role: 'tool', toolCallId: 'call_1', name: 'get_weather', content: '{"temp":18}' },
      { role: 'assistant', content: '18 °C in Paris.' },
    ]);
    expect(t.note).toBeUndefined();
  });

  it('reads the system instructions into the conversation of the call that carries them', () => {
    const t = spansToTrajectory([chat1], noPrice);
    expect(t.messages?.slice(0, 2)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Paris?' },
    ]);
  });

  it('marks a model it has no price for as unpriced at cost 0', () => {
    const t = spansToTrajectory([span('chat', 0, 10, { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai', 'gen_ai.request.model': 'mystery-1', 'gen_ai.usage.input_tokens': 5 })]);
    expect(t.modelCalls[0]).toMatchObject({ costUsd: 0, priced: false, usage: { inputTokens: 5, outputTokens: 0 } });
    expect(t.modelCalls[0]!.response).toBeUndefined();
  });

  it('counts text_completion and generate_content as model calls, and not embeddings or invoke_agent', () => {
    const t = spansToTrajectory(
      [
        span('a', 0, 1, { 'gen_ai.operation.name': 'text_completion' }),
        span('b', 2, 3, { 'gen_ai.operation.name': 'generate_content' }),
        span('c', 4, 5, { 'gen_ai.operation.name': 'embeddings', 'gen_ai.request.model': 'text-embedding-3-small' }),
        span('d', 6, 7, { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.request.model': 'gpt-4o' }),
      ],
      noPrice,
    );
    expect(t.modelCalls.map((c) => c.step)).toEqual([1, 2]);
    expect(t.modelCalls.map((c) => c.latencyMs)).toEqual([1, 1]);
  });

  it('gives a failed tool span its error, from the status message or else the exception event', () => {
    const ask = span('chat', 0, 10, { 'gen_ai.operation.name': 'chat', 'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'tool_call', id: 'a', name: 'x', arguments: {} }, { type: 'tool_call', id: 'b', name: 'y', arguments: '{"n":1}' }] }]) });
    const failed = span('execute_tool x', 11, 12, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'x', 'gen_ai.tool.call.id': 'a' }, { status: { code: 2, message: 'disk full' } });
    const thrown = span('execute_tool y', 11, 15, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'y', 'gen_ai.tool.call.id': 'b' }, {
      status: { code: 2 },
      events: [{ name: 'exception', timeMs: 14, attributes: { 'exception.message': 'boom' } }],
    });
    const t = spansToTrajectory([ask, failed, thrown], noPrice);
    expect(t.toolCalls).toEqual([
      { step: 1, id: 'a', name: 'x', arguments: {}, error: 'disk full', errorKind: 'threw', latencyMs: 1 },
      // The span gave no arguments: the model's request says what they were.
      { step: 1, id: 'b', name: 'y', arguments: { n: 1 }, error: 'boom', errorKind: 'threw', latencyMs: 4 },
    ]);
  });

  it('gives a failed model call its error', () => {
    const t = spansToTrajectory([span('chat', 0, 10, { 'gen_ai.operation.name': 'chat' }, { status: { code: 2, message: '429 Too Many Requests' } })], noPrice);
    expect(t.modelCalls[0]!.error).toBe('429 Too Many Requests');
  });

  it('keeps a tool call the model asked for that no tool span reports, with a note saying its outcome is unknown', () => {
    const ask = span('chat', 0, 10, { 'gen_ai.operation.name': 'chat', 'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'tool_call', id: 'c9', name: 'search', arguments: { q: 'otel' } }] }]) });
    const t = spansToTrajectory([ask], noPrice);
    expect(t.toolCalls).toEqual([{ step: 1, id: 'c9', name: 'search', arguments: { q: 'otel' }, latencyMs: 0 }]);
    expect(t.note).toBe("1 tool call(s) known only from the model's reply: no tool span reported their result or latency");
  });

  it('matches a tool span without a call id to the call of the same name its model asked for', () => {
    const ask = span('chat', 0, 10, { 'gen_ai.operation.name': 'chat', 'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'tool_call', id: 'k1', name: 'lookup', arguments: { id: 7 } }] }]) });
    const run = span('execute_tool lookup', 12, 20, { 'gen_ai.operation.name': 'execute_tool' });
    const t = spansToTrajectory([ask, run], noPrice);
    expect(t.toolCalls).toEqual([{ step: 1, id: 'k1', name: 'lookup', arguments: { id: 7 }, latencyMs: 8 }]);
    expect(t.note).toBeUndefined();
  });

  it('gives a tool span before any model call step 0 and an id from its span', () => {
    const run = span('execute_tool warmup', 0, 3, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'warmup', 'gen_ai.tool.call.arguments': 'not json' });
    const t = spansToTrajectory([run], noPrice);
    expect(t.toolCalls).toEqual([{ step: 0, id: `span_${run.spanId}`, name: 'warmup', arguments: {}, latencyMs: 3 }]);
  });

  it('assigns a tool call to the model call whose reply holds its id, not merely the latest one begun', () => {
    const ask1 = span('chat', 0, 10, { 'gen_ai.operation.name': 'chat', 'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'tool_call', id: 'slow', name: 'crawl', arguments: {} }] }]) });
    const ask2 = span('chat', 20, 30, { 'gen_ai.operation.name': 'chat' });
    const crawl = span('execute_tool crawl', 25, 40, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'crawl', 'gen_ai.tool.call.id': 'slow' });
    expect(spansToTrajectory([ask1, ask2, crawl], noPrice).toolCalls[0]!.step).toBe(1);
  });

  it('counts a model-call span inside another (an HTTP client instrumentation under a framework span) once', () => {
    const outer = span('chat gpt-4o', 0, 100, { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 2 });
    const inner = span('chat gpt-4o', 5, 95, { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 2 }, { parentSpanId: outer.spanId });
    const t = spansToTrajectory([outer, inner], noPrice);
    expect(t.modelCalls).toHaveLength(1);
    expect(t.usage).toEqual({ inputTokens: 10, outputTokens: 2 });
  });

  it('counts a tool traced twice (same name and id) once, and a tool run inside another tool as its own call', () => {
    const outer = span('execute_tool research', 0, 100, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'research', 'gen_ai.tool.call.id': 'r1' });
    const twice = span('execute_tool research', 1, 99, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'research' }, { parentSpanId: outer.spanId });
    const nested = span('execute_tool fetch', 10, 20, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'fetch', 'gen_ai.tool.call.id': 'f1' }, { parentSpanId: twice.spanId });
    const t = spansToTrajectory([outer, twice, nested], noPrice);
    expect(t.toolCalls.map((c) => `${c.name}:${c.id}`)).toEqual(['research:r1', 'fetch:f1']);
  });

  it('reads the flattened gen_ai.prompt.N / gen_ai.completion.N attributes of older instrumentations', () => {
    const t = spansToTrajectory(
      [
        span('openai.chat', 0, 50, {
          'gen_ai.system': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.prompt_tokens': 12,
          'gen_ai.usage.completion_tokens': 3,
          'gen_ai.prompt.0.role': 'system',
          'gen_ai.prompt.0.content': 'sys',
          'gen_ai.prompt.1.role': 'user',
          'gen_ai.prompt.1.content': 'hi',
          'gen_ai.completion.0.role': 'assistant',
          'gen_ai.completion.0.finish_reason': 'tool_calls',
          'gen_ai.completion.0.tool_calls.0.id': 't1',
          'gen_ai.completion.0.tool_calls.0.name': 'ping',
          'gen_ai.completion.0.tool_calls.0.arguments': '{"host":"a"}',
        }),
      ],
      noPrice,
    );
    expect(t.modelCalls[0]).toMatchObject({ usage: { inputTokens: 12, outputTokens: 3 }, request: { messageCount: 2 }, response: { text: '', finishReason: 'tool_calls', toolCalls: [{ id: 't1', name: 'ping', arguments: { host: 'a' } }] } });
    expect(t.toolCalls.map((c) => c.name)).toEqual(['ping']);
  });

  it('says when no spans arrived, and when those that did are not model or tool calls', () => {
    expect(spansToTrajectory([])).toEqual({ spans: 0, modelCalls: [], toolCalls: [], usage: { inputTokens: 0, outputTokens: 0 }, costUsd: 0, note: expect.stringMatching(/^no spans arrived/) });
    expect(spansToTrajectory([span('GET /health', 0, 1, { 'http.method': 'GET' })]).note).toBe('1 span(s) arrived, none of them a model call or a tool call (no gen_ai.* or ai.* attributes)');
  });
});

describe('spansToTrajectory: the Vercel AI SDK', () => {
  const root = span('ai.generateText', 0, 1000, {
    'ai.operationId': 'ai.generateText',
    'ai.model.provider': 'openai.chat',
    'ai.model.id': 'gpt-4o-mini',
    'ai.usage.inputTokens': 300,
    'ai.usage.outputTokens': 40,
    'ai.response.text': 'It is sunny.',
    'ai.prompt': JSON.stringify({ prompt: 'Weather in Oslo?' }),
  });
  const step1 = span('ai.generateText.doGenerate', 10, 300, {
    'ai.operationId': 'ai.generateText.doGenerate',
    'ai.model.provider': 'openai.chat',
    'ai.model.id': 'gpt-4o-mini',
    'gen_ai.system': 'openai.chat',
    'gen_ai.request.model': 'gpt-4o-mini',
    'ai.prompt.messages': JSON.stringify([{ role: 'user', content: [{ type: 'text', text: 'Weather in Oslo?' }] }]),
    'ai.prompt.tools': [JSON.stringify({ type: 'function', name: 'weather', inputSchema: {} }), JSON.stringify({ type: 'function', name: 'clock', inputSchema: {} })],
    'ai.response.finishReason': 'tool-calls',
    'ai.response.toolCalls': JSON.stringify([{ toolCallId: 'call_a', toolName: 'weather', input: '{"city":"Oslo"}' }]),
    'ai.usage.inputTokens': 100,
    'ai.usage.outputTokens': 30,
    'gen_ai.usage.input_tokens': 100,
    'gen_ai.usage.output_tokens': 30,
  }, {});
  const toolSpan = span('ai.toolCall', 310, 330, { 'ai.operationId': 'ai.toolCall', 'ai.toolCall.name': 'weather', 'ai.toolCall.id': 'call_a', 'ai.toolCall.args': '{"city":"Oslo"}', 'ai.toolCall.result': '"sunny"' });
  const step2 = span('ai.generateText.doGenerate', 340, 990, {
    'ai.operationId': 'ai.generateText.doGenerate',
    'ai.model.provider': 'openai.chat',
    'ai.model.id': 'gpt-4o-mini',
    'ai.prompt.messages': JSON.stringify([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo?' }] },
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_a', toolName: 'weather', input: { city: 'Oslo' } }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_a', toolName: 'weather', output: { type: 'json', value: 'sunny' } }] },
    ]),
    'ai.response.finishReason': 'stop',
    'ai.response.text': 'It is sunny.',
    // AI SDK 4's names.
    'ai.usage.promptTokens': 200,
    'ai.usage.completionTokens': 10,
  });
  for (const s of [step1, toolSpan, step2]) s.parentSpanId = root.spanId;

  it('counts the doGenerate steps as the model calls, not their ai.generateText parent, and links the tool call to its step', () => {
    const t = spansToTrajectory([toolSpan, step2, root, step1], noPrice);
    expect(t.modelCalls.map((c) => [c.step, c.latencyMs, c.usage.inputTokens, c.usage.outputTokens])).toEqual([
      [1, 290, 100, 30],
      [2, 650, 200, 10],
    ]);
    expect(t.modelCalls[0]!.request).toEqual({ messageCount: 1, tools: ['weather', 'clock'] });
    expect(t.modelCalls[0]!.response).toEqual({ text: '', toolCalls: [{ id: 'call_a', name: 'weather', arguments: { city: 'Oslo' } }], finishReason: 'tool_calls' });
    expect(t.toolCalls).toEqual([{ step: 1, id: 'call_a', name: 'weather', arguments: { city: 'Oslo' }, result: '"sunny"', latencyMs: 20 }]);
    expect(t.usage).toEqual({ inputTokens: 300, outputTokens: 40 });
    expect(t.messages).toEqual([
      { role: 'user', content: 'Weather in Oslo?' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_a', name: 'weather', arguments: { city: 'Oslo' } }] },
      { role: 'tool', toolCallId: 'call_a', name: 'weather', content: 'sunny' },
      { role: 'assistant', content: 'It is sunny.' },
    ]);
  });

  it('prices an AI SDK call by its provider (openai.chat is openai)', () => {
    const t = spansToTrajectory([step1]);
    expect(t.modelCalls[0]!.costUsd).toBeCloseTo((100 * 0.15 + 30 * 0.6) / 1e6, 15);
  });

  it('reads a streamed step (ai.streamText.doStream) as a model call and a failed ai.toolCall as an errored tool call', () => {
    const stream = span('ai.streamText.doStream', 0, 50, { 'ai.operationId': 'ai.streamText.doStream', 'ai.response.toolCalls': JSON.stringify([{ toolCallId: 'z', toolName: 'div', input: '{"a":1,"b":0}' }]) });
    const failed = span('ai.toolCall', 60, 61, { 'ai.operationId': 'ai.toolCall', 'ai.toolCall.name': 'div', 'ai.toolCall.id': 'z', 'ai.toolCall.args': '{"a":1,"b":0}' }, { status: { code: 2, message: 'division by zero' } });
    const t = spansToTrajectory([stream, failed], noPrice);
    expect(t.toolCalls).toEqual([{ step: 1, id: 'z', name: 'div', arguments: { a: 1, b: 0 }, error: 'division by zero', errorKind: 'threw', latencyMs: 1 }]);
  });
});
