// The contract every chat-completions provider (openai.ts, groq.ts) must pass against the
// OpenAiFake, so openai.test.ts and groq.test.ts share every scenario instead of copying it.

import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ChatModel, ProviderDefinition, ProviderOptions } from '../../agent/providers/types.ts';
import { OpenAiFake, TEST_KEY, closedPortUrl, collect, fakeCallId, rejection } from './openai-server.ts';

export interface ContractSpec {
  provider: ProviderDefinition;
  /** A model in the price table, and the cost of 1000 input + 500 output tokens, worked by hand. */
  model: string;
  costOf1000In500Out: number;
  /** The path the SDK posts to, and the base URL that makes it reach `origin`. */
  chatPath: string;
  baseUrlFor(origin: string): string;
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
}

/** Registers the scenarios every chat-completions provider must pass; call inside a describe. */
export function chatCompletionsContract(spec: ContractSpec): void {
  let fake: OpenAiFake;
  const model = (options: ProviderOptions = {}): ChatModel =>
    spec.provider.create(spec.model, {
      baseUrl: spec.baseUrlFor(fake.url),
      apiKey: TEST_KEY,
      backoffBaseMs: 10,
      retries: 2,
      env: {},
      ...options,
    });
  const ask = (m: ChatModel = model()) => m.chat({ messages: [{ role: 'user', content: 'hi' }] });

  beforeEach(async () => {
    fake = await new OpenAiFake().start();
  });
  afterEach(() => fake.close());

  it('answers a plain chat, sending the key and the model to the SDK path', async () => {
    fake.say({ text: 'Hello there.' });
    const result = await ask();
    expect(result).toMatchObject({ text: 'Hello there.', toolCalls: [], finishReason: 'stop', attempts: 1 });
    expect(result.latencyMs).toBeGreaterThan(0);
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: 'POST', path: spec.chatPath, body: { model: spec.model } });
    expect(request!.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
  });

  it('returns several tool calls from one step with their ids and parsed arguments', async () => {
    fake.say({ toolCalls: [{ name: 'weather', arguments: { city: 'Oslo' } }, { name: 'time', arguments: { tz: 'UTC' } }] });
    const result = await ask();
    expect(result.finishReason).toBe('tool_calls');
    expect(result.toolCalls).toEqual([
      // The argument text as sent, too: parsed JavaScript loses 250.0 and key order (τ-bench needs both).
      { id: fakeCallId(1, 0), name: 'weather', arguments: { city: 'Oslo' }, rawArguments: '{"city":"Oslo"}' },
      { id: fakeCallId(1, 1), name: 'time', arguments: { tz: 'UTC' }, rawArguments: '{"tz":"UTC"}' },
    ]);
  });

  it('keeps arguments that are not a JSON object as invalidArguments', async () => {
    fake.say({ toolCalls: [{ name: 'weather', arguments: '{"city": "Oslo"' }, { name: 'time', arguments: '[1]' }] });
    const { toolCalls } = await ask();
    expect(toolCalls[0]).toEqual({ id: fakeCallId(1, 0), name: 'weather', arguments: {}, invalidArguments: '{"city": "Oslo"' });
    expect(toolCalls[1]).toMatchObject({ arguments: {}, invalidArguments: '[1]' });
  });

  it('translates messages, tools, tool choice and sampling options into the request', async () => {
    const parameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    await model().chat({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_a', name: 'weather', arguments: { city: 'Oslo' } }] },
        { role: 'tool', toolCallId: 'call_a', name: 'weather', content: 'sunny' },
      ],
      tools: [{ name: 'weather', description: 'Weather by city', parameters }],
      toolChoice: { name: 'weather' },
      temperature: 0.2,
      maxTokens: 64,
      seed: 7,
      responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' } },
    });
    expect(fake.lastBody).toMatchObject({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Oslo?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_a', content: 'sunny' },
      ],
      tools: [{ type: 'function', function: { name: 'weather', description: 'Weather by city', parameters } }],
      tool_choice: { type: 'function', function: { name: 'weather' } },
      temperature: 0.2,
      [spec.maxTokensField]: 64,
      seed: 7,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } },
    });
    await model().chat({ messages: [{ role: 'user', content: 'x' }], responseFormat: { type: 'json' }, tools: [], toolChoice: 'required' });
    expect(fake.lastBody.response_format).toEqual({ type: 'json_object' });
    expect(fake.lastBody).not.toHaveProperty('tool_choice'); // never without tools
    expect(fake.lastBody.stream).toBeFalsy();
  });

  it('reports usage and prices it', async () => {
    fake.say({ text: 'ok', usage: { input: 1000, output: 500 } });
    const result = await ask();
    expect(result.usage).toEqual({ inputTokens: 1000, outputTokens: 500 });
    expect(result.costUsd).toBeCloseTo(spec.costOf1000In500Out, 12);
  });

  it('streams text deltas, then one done with usage from the final chunk', async () => {
    fake.say({ text: 'One two three.', usage: { input: 1000, output: 500 } });
    const events = await collect(model().stream({ messages: [{ role: 'user', content: 'count' }] }));
    const deltas = events.flatMap((e) => (e.type === 'text' ? [e.delta] : []));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('One two three.');
    expect(events.filter((e) => e.type === 'done')).toHaveLength(1);
    const last = events.at(-1)!;
    expect(last.type === 'done' && last.result).toMatchObject({
      text: 'One two three.',
      finishReason: 'stop',
      usage: { inputTokens: 1000, outputTokens: 500 },
      costUsd: expect.closeTo(spec.costOf1000In500Out, 12),
      attempts: 1,
    });
    expect(fake.lastBody).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('assembles streamed tool calls from fragments and yields each before done', async () => {
    fake.say({ toolCalls: [{ name: 'weather', arguments: { city: 'Oslo', days: 3 } }, { name: 'time', arguments: 'not json' }] });
    const events = await collect(model().stream({ messages: [{ role: 'user', content: 'go' }] }));
    expect(events.map((e) => e.type)).toEqual(['tool_call', 'tool_call', 'done']);
    const calls = [
      { id: fakeCallId(1, 0), name: 'weather', arguments: { city: 'Oslo', days: 3 }, rawArguments: '{"city":"Oslo","days":3}' },
      { id: fakeCallId(1, 1), name: 'time', arguments: {}, invalidArguments: 'not json' },
    ];
    expect(events.slice(0, 2)).toEqual(calls.map((call) => ({ type: 'tool_call', call })));
    expect(events[2]).toMatchObject({ result: { toolCalls: calls, finishReason: 'tool_calls' } });
  });

  it('waits out a 429 with Retry-After, then succeeds', async () => {
    fake.fault({ kind: 'status', status: 429, headers: { 'retry-after': '1' } }).say({ text: 'ok' });
    const started = performance.now();
    const result = await ask();
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    expect(result).toMatchObject({ text: 'ok', attempts: 2 });
  });

  it('retries a 500, for chat and for opening a stream', async () => {
    fake.fault({ kind: 'status', status: 500 }).say({ text: 'ok' });
    expect(await ask()).toMatchObject({ text: 'ok', attempts: 2 });
    fake.fault({ kind: 'status', status: 503 }).say({ text: 'streamed' });
    const events = await collect(model().stream({ messages: [{ role: 'user', content: 'hi' }] }));
    expect(events.at(-1)).toMatchObject({ type: 'done', result: { text: 'streamed', attempts: 2 } });
  });

  it('gives up on a server that keeps failing after retries + 1 requests', async () => {
    for (let i = 0; i < 3; i++) fake.fault({ kind: 'status', status: 500 });
    const error = await rejection(ask());
    expect(error).toMatchObject({ kind: 'server', status: 500 });
    expect(fake.requests).toHaveLength(3);
  });

  it('times out a slow reply quickly', async () => {
    fake.fault({ kind: 'delay', ms: 2000 });
    const started = performance.now();
    const error = await rejection(ask(model({ timeoutMs: 300, retries: 0 })));
    expect(error.kind).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('names the address when nothing listens there', async () => {
    const address = spec.baseUrlFor(await closedPortUrl());
    const m = spec.provider.create(spec.model, { baseUrl: address, apiKey: TEST_KEY, retries: 0, env: {} });
    const error = await rejection(ask(m));
    expect(error.kind).toBe('unreachable');
    expect(error.message).toBe(`${spec.provider.name}: cannot reach ${address}. Is the server running?`);
  });

  it('maps 401 to auth and never shows the key', async () => {
    fake.fault({ kind: 'status', status: 401, body: { error: { message: `Incorrect API key provided: ${TEST_KEY}` } } });
    const error = await rejection(ask());
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect(error.message).not.toContain(TEST_KEY);
    expect(error.message).not.toContain('\n');
  });

  it('stops when the caller aborts', async () => {
    fake.fault({ kind: 'delay', ms: 2000 });
    const signal = AbortSignal.timeout(100);
    const error = await rejection(model().chat({ messages: [{ role: 'user', content: 'hi' }], signal }));
    expect(error.kind).toBe('aborted');
  });
}
