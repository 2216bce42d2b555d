import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GeminiFake, geminiError } from '../../test/fakes/gemini-server.ts';
import { HttpFake } from '../../test/fakes/http-fake.ts';
import { ProviderError } from './errors.ts';
import { geminiProvider } from './gemini.ts';
import type { ChatModel, ChatRequest, ProviderOptions, StreamEvent, ToolCall, ToolSpec } from './types.ts';

const KEY = 'AIzaSyFAKE-test-key-0123456789';
let fake: GeminiFake;

beforeEach(async () => {
  fake = await new GeminiFake().start();
});

afterEach(async () => {
  await fake.close();
});

function model(options: ProviderOptions = {}, name = 'gemini-2.5-flash'): ChatModel {
  return geminiProvider.create(name, { baseUrl: fake.url, backoffBaseMs: 10, env: { GEMINI_API_KEY: KEY }, ...options });
}

const ask = (content: string): ChatRequest => ({ messages: [{ role: 'user', content }] });
const body = (i: number) => fake.calls[i]!.body;

const weather: ToolSpec = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const clock: ToolSpec = { name: 'get_time', description: 'Current time', parameters: { type: 'object', properties: {} } };

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('gemini chat', () => {
  it('answers plain text with usage and cost, sending the key in a header only', async () => {
    fake.queue({ text: 'Hello there.', usage: { input: 1000, output: 500 } });
    const result = await model().chat(ask('hi'));
    expect(result).toMatchObject({ text: 'Hello there.', toolCalls: [], usage: { inputTokens: 1000, outputTokens: 500 }, finishReason: 'stop', attempts: 1 });
    // gemini-2.5-flash: 1000 × 0.30/M + 500 × 2.50/M = 0.0003 + 0.00125
    expect(result.costUsd).toBeCloseTo(0.00155, 10);
    const call = fake.calls[0]!;
    expect(call.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(call.headers['x-goog-api-key']).toBe(KEY);
    expect(model().id).toBe('gemini:gemini-2.5-flash');
  });

  it('returns two function calls in one step with generated ids', async () => {
    fake.queue({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }, { name: 'get_time', arguments: {} }] });
    const result = await model().chat({ ...ask('weather and time?'), tools: [weather, clock] });
    expect(result.finishReason).toBe('tool_calls');
    expect(result.toolCalls).toEqual([
      { id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' }, providerData: { thoughtSignature: 'c2lnLWget_weather' } },
      { id: 'call_2', name: 'get_time', arguments: {} },
    ]);
  });

  it('maps MAX_TOKENS, SAFETY and a blocked prompt', async () => {
    fake.queue({ text: 'trunc', finish: 'length' });
    fake.queueRaw({ candidates: [{ content: { parts: [], role: 'model' }, finishReason: 'SAFETY', index: 0 }], usageMetadata: { promptTokenCount: 3 } });
    fake.queueRaw({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 3 } });
    expect((await model().chat(ask('a'))).finishReason).toBe('length');
    expect((await model().chat(ask('b'))).finishReason).toBe('content_filter');
    expect((await model().chat(ask('c'))).finishReason).toBe('content_filter');
  });

  it('counts thinking tokens as output', async () => {
    fake.queueRaw({
      candidates: [{ content: { parts: [{ text: 'ok' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 2, thoughtsTokenCount: 30, totalTokenCount: 42 },
    });
    expect((await model().chat(ask('think'))).usage).toEqual({ inputTokens: 10, outputTokens: 32 });
  });
});

describe('gemini request translation', () => {
  it('sends the system instruction, tools, generation settings, and history with function parts', async () => {
    fake.queue({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }, { name: 'get_time', arguments: {} }] }, { text: 'Rainy, 9am.' });
    const m = model();
    const history: ChatRequest['messages'] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'weather and time in Oslo?' },
    ];
    const first = await m.chat({ messages: history, tools: [weather, clock], temperature: 0.2, maxTokens: 64, seed: 7 });
    const [w, t] = first.toolCalls as [ToolCall, ToolCall];
    await m.chat({
      messages: [
        ...history,
        // As a stored Trace gives them back: copies, not the objects the SDK call returned.
        { role: 'assistant', content: '', toolCalls: JSON.parse(JSON.stringify(first.toolCalls)) },
        { role: 'tool', toolCallId: w.id, name: 'get_weather', content: 'rain' },
        { role: 'tool', toolCallId: t.id, name: 'get_time', content: 'clock broken', isError: true },
      ],
      tools: [weather, clock],
    });

    const sent = body(0);
    expect(sent.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }] });
    expect(sent.contents).toEqual([{ role: 'user', parts: [{ text: 'weather and time in Oslo?' }] }]);
    expect(sent.tools).toEqual([
      { functionDeclarations: [{ name: 'get_weather', description: weather.description, parametersJsonSchema: weather.parameters }, { name: 'get_time', description: clock.description, parametersJsonSchema: clock.parameters }] },
    ]);
    expect(sent.generationConfig).toMatchObject({ temperature: 0.2, maxOutputTokens: 64, seed: 7 });
    expect(sent.toolConfig).toBeUndefined();

    // The second turn: no made-up ids go back, the first call's thoughtSignature does, and both
    // results travel in one user turn.
    expect(body(1).contents.slice(1)).toEqual([
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: 'c2lnLWget_weather' },
          { functionCall: { name: 'get_time', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [{ functionResponse: { name: 'get_weather', response: { output: 'rain' } } }, { functionResponse: { name: 'get_time', response: { error: 'clock broken' } } }],
      },
    ]);
  });

  it('maps toolChoice to functionCallingConfig modes', async () => {
    fake.queue({ text: '1' }, { text: '2' }, { text: '3' }, { text: '4' });
    const m = model();
    for (const toolChoice of ['auto', 'none', 'required', { name: 'get_time' }] as const) {
      await m.chat({ ...ask('x'), tools: [weather, clock], toolChoice });
    }
    expect(fake.calls.map((c) => c.body.toolConfig.functionCallingConfig)).toEqual([
      { mode: 'AUTO' },
      { mode: 'NONE' },
      { mode: 'ANY' },
      { mode: 'ANY', allowedFunctionNames: ['get_time'] },
    ]);
  });

  it('asks for JSON, with the schema when one is given', async () => {
    fake.queue({ text: '{}' }, { text: '{}' });
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    await model().chat({ ...ask('json'), responseFormat: { type: 'json' } });
    await model().chat({ ...ask('json'), responseFormat: { type: 'json_schema', name: 'answer', schema } });
    expect(body(0).generationConfig).toEqual({ responseMimeType: 'application/json' });
    expect(body(1).generationConfig).toEqual({ responseMimeType: 'application/json', responseJsonSchema: schema });
  });

  it('reads the key from GOOGLE_API_KEY and the address from GEMINI_BASE_URL', async () => {
    fake.queue({ text: 'via env' });
    const m = geminiProvider.create('gemini-2.5-flash', { env: { GOOGLE_API_KEY: KEY, GEMINI_BASE_URL: fake.url } });
    expect((await m.chat(ask('hi'))).text).toBe('via env');
    expect(fake.calls[0]!.headers['x-goog-api-key']).toBe(KEY);
  });
});

describe('gemini streaming', () => {
  it('yields text deltas as they come, then exactly one done', async () => {
    fake.queue({ text: 'one two three', usage: { input: 9, output: 3 } });
    const events = await collect(model().stream(ask('count')));
    const deltas = events.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('one two three');
    expect(events.filter((e) => e.type === 'done')).toHaveLength(1);
    const last = events.at(-1);
    expect(last?.type === 'done' && last.result).toMatchObject({ text: 'one two three', usage: { inputTokens: 9, outputTokens: 3 }, finishReason: 'stop', attempts: 1 });
    expect(fake.calls[0]!.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  });

  it('yields each function call, and done carries them with finishReason tool_calls', async () => {
    fake.queue({ text: 'Checking.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Rome' } }, { name: 'get_time', arguments: {} }] });
    const events = await collect(model().stream({ ...ask('weather and time'), tools: [weather, clock] }));
    const calls = events.filter((e) => e.type === 'tool_call').map((e) => (e as { call: unknown }).call);
    expect(calls).toEqual([
      { id: 'call_1', name: 'get_weather', arguments: { city: 'Rome' }, providerData: { thoughtSignature: 'c2lnLWget_weather' } },
      { id: 'call_2', name: 'get_time', arguments: {} },
    ]);
    const done = events.at(-1);
    expect(done?.type === 'done' && done.result).toMatchObject({ text: 'Checking.', toolCalls: calls, finishReason: 'tool_calls' });
  });

  it('times out a stream whose first chunk is late', async () => {
    fake.fault({ kind: 'delay', ms: 2000 }).queue({ text: 'late' });
    const error = await failure(collect(model({ timeoutMs: 300, retries: 0 }).stream(ask('hi'))));
    expect(error.kind).toBe('timeout');
  });

  it('lets the consumer stop early', async () => {
    fake.queue({ text: 'a b c d e f' }, { text: 'next' });
    const m = model();
    for await (const event of m.stream(ask('letters'))) {
      expect(event.type).toBe('text');
      break;
    }
    expect((await m.chat(ask('again'))).text).toBe('next');
  });

  it('retries establishing the stream after a 503', async () => {
    fake.fault({ kind: 'status', status: 503, body: geminiError(503, 'UNAVAILABLE', 'overloaded') }).queue({ text: 'recovered' });
    const done = (await collect(model().stream(ask('hi')))).at(-1);
    expect(done?.type === 'done' && done.result).toMatchObject({ text: 'recovered', attempts: 2 });
  });
});

describe('gemini errors and retries', () => {
  it('waits for a Retry-After header on 429, then succeeds', async () => {
    fake.fault({ kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: geminiError(429, 'RESOURCE_EXHAUSTED', 'quota') }).queue({ text: 'ok' });
    const started = performance.now();
    const result = await model().chat(ask('hi'));
    expect(result.attempts).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("waits for the body's RetryInfo retryDelay on 429 when there is no header", async () => {
    fake.fault({ kind: 'status', status: 429, body: geminiError(429, 'RESOURCE_EXHAUSTED', 'quota', '1s') }).queue({ text: 'ok' });
    const started = performance.now();
    const result = await model().chat(ask('hi'));
    expect(result.attempts).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('retries a 500, then succeeds', async () => {
    fake.fault({ kind: 'status', status: 500, body: geminiError(500, 'INTERNAL', 'boom') }).queue({ text: 'ok' });
    expect(await model().chat(ask('hi'))).toMatchObject({ text: 'ok', attempts: 2 });
  });

  it("fails with kind 'server' after retries + 1 requests when every answer is 500", async () => {
    for (let i = 0; i < 3; i++) fake.fault({ kind: 'status', status: 500, body: geminiError(500, 'INTERNAL', 'boom') });
    const error = await failure(model({ retries: 2 }).chat(ask('hi')));
    expect(error).toMatchObject({ kind: 'server', status: 500, message: 'gemini: HTTP 500 INTERNAL: boom' });
    expect(fake.calls).toHaveLength(3);
  });

  it('times out a slow reply', async () => {
    fake.fault({ kind: 'delay', ms: 2000 }).queue({ text: 'late' });
    const error = await failure(model({ timeoutMs: 300, retries: 0 }).chat(ask('hi')));
    expect(error.kind).toBe('timeout');
  });

  it('says in one line that a closed port cannot be reached', async () => {
    const closed = await new HttpFake().start();
    const address = closed.url;
    await closed.close();
    const m = geminiProvider.create('gemini-2.5-flash', { baseUrl: address, retries: 0, env: { GEMINI_API_KEY: KEY } });
    const error = await failure(m.chat(ask('hi')));
    expect(error.kind).toBe('unreachable');
    expect(error.message).toContain(`cannot reach ${address}`);
    expect(error.message).not.toContain('\n');
  });

  it('fails with missing_key when called, not when created, and sends nothing', async () => {
    const m = geminiProvider.create('gemini-2.5-flash', { baseUrl: fake.url, env: {} });
    const error = await failure(m.chat(ask('hi')));
    expect(error.kind).toBe('missing_key');
    expect(error.message).toContain('GEMINI_API_KEY');
    expect((await failure(collect(m.stream(ask('hi'))))).kind).toBe('missing_key');
    expect(fake.calls).toHaveLength(0);
  });

  it('never shows the key, and reads API_KEY_INVALID as auth', async () => {
    fake.fault({
      kind: 'status',
      status: 400,
      body: {
        error: {
          code: 400,
          message: `API key not valid: ${KEY} (see ${fake.url}/v1beta/models?key=${KEY})`,
          status: 'INVALID_ARGUMENT',
          details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
        },
      },
    });
    const error = await failure(model().chat(ask('hi')));
    expect(error.kind).toBe('auth');
    expect(error.message).not.toContain(KEY);
    expect(error.message).toContain('API key not valid');
  });

  it('maps 403 to auth and other 4xx to bad_request, without retrying', async () => {
    fake.fault({ kind: 'status', status: 403, body: geminiError(403, 'PERMISSION_DENIED', 'denied') });
    fake.fault({ kind: 'status', status: 404, body: geminiError(404, 'NOT_FOUND', 'models/nope is not found') });
    expect((await failure(model().chat(ask('a')))).kind).toBe('auth');
    expect((await failure(model({}, 'nope').chat(ask('b')))).kind).toBe('bad_request');
    expect(fake.calls).toHaveLength(2);
  });

  it("reports the caller's abort as 'aborted'", async () => {
    fake.fault({ kind: 'delay', ms: 2000 }).queue({ text: 'late' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(model().chat({ ...ask('hi'), signal: controller.signal }));
    expect(error.kind).toBe('aborted');
  });
});
