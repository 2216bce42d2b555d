import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OllamaFake } from '../../test/fakes/ollama-server.ts';
import { HttpFake } from '../../test/fakes/http-fake.ts';
import { ProviderError } from './errors.ts';
import { ollamaHost, ollamaProvider } from './ollama.ts';
import type { ChatModel, ChatRequest, ProviderOptions, StreamEvent, ToolSpec } from './types.ts';

let fake: OllamaFake;

beforeEach(async () => {
  fake = await new OllamaFake().start();
});

afterEach(async () => {
  await fake.close();
});

function model(options: ProviderOptions = {}, name = 'llama3.2'): ChatModel {
  return ollamaProvider.create(name, { baseUrl: fake.url, backoffBaseMs: 10, env: {}, ...options });
}

const ask = (content: string): ChatRequest => ({ messages: [{ role: 'user', content }] });

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

describe('ollama chat', () => {
  it('answers plain text with usage, zero cost and one attempt', async () => {
    fake.queue({ text: 'Hello there.', usage: { input: 12, output: 3 } });
    const result = await model().chat(ask('hi'));
    expect(result).toMatchObject({
      text: 'Hello there.',
      toolCalls: [],
      usage: { inputTokens: 12, outputTokens: 3 },
      finishReason: 'stop',
      costUsd: 0,
      attempts: 1,
    });
    expect(model().id).toBe('ollama:llama3.2');
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/api/chat' });
    expect(fake.chatBodies[0]).toMatchObject({ model: 'llama3.2', stream: false });
  });

  it('returns two tool calls in one step with generated ids and object arguments', async () => {
    fake.queue({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }, { name: 'get_time', arguments: {} }] });
    const result = await model().chat({ ...ask('weather and time?'), tools: [weather, clock] });
    expect(result.finishReason).toBe('tool_calls');
    expect(result.toolCalls).toEqual([
      { id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
      { id: 'call_2', name: 'get_time', arguments: {} },
    ]);
  });

  it('continues generated ids after the calls already in the conversation', async () => {
    fake.queue({ toolCalls: [{ name: 'get_time', arguments: {} }] });
    const result = await model().chat({
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Oslo' } }] },
        { role: 'tool', toolCallId: 'call_1', name: 'get_weather', content: 'rain' },
      ],
      tools: [weather, clock],
    });
    expect(result.toolCalls[0]?.id).toBe('call_2');
  });

  it('keeps arguments that arrive as unparseable text for repair', async () => {
    fake.queue({ toolCalls: [{ name: 'get_weather', arguments: '{"city": Par' }] });
    const result = await model().chat({ ...ask('weather?'), tools: [weather] });
    expect(result.toolCalls[0]).toMatchObject({ arguments: {}, invalidArguments: '{"city": Par' });
  });

  it('maps length to finishReason length', async () => {
    fake.queue({ text: 'trunc', finish: 'length' });
    expect((await model().chat(ask('long'))).finishReason).toBe('length');
  });
});

describe('ollama request translation', () => {
  it('sends system, tool calls, tool results with tool_name, tools and options', async () => {
    fake.queue({ text: 'It rains.' });
    await model().chat({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'weather in Oslo?' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Oslo' } }] },
        { role: 'tool', toolCallId: 'call_1', name: 'get_weather', content: 'rain, 4°C' },
      ],
      tools: [weather],
      temperature: 0.2,
      maxTokens: 64,
      seed: 7,
    });
    const body = fake.chatBodies[0];
    expect(body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'weather in Oslo?' },
      { role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Oslo' } } }] },
      { role: 'tool', content: 'rain, 4°C', tool_name: 'get_weather' },
    ]);
    expect(body.tools).toEqual([{ type: 'function', function: { name: 'get_weather', description: weather.description, parameters: weather.parameters } }]);
    expect(body.options).toEqual({ temperature: 0.2, num_predict: 64, seed: 7 });
    expect(body.format).toBeUndefined();
  });

  it('sends format json, or the JSON schema itself', async () => {
    fake.queue({ text: '{}' }, { text: '{}' });
    const schema = { type: 'object', properties: { answer: { type: 'string' } } };
    await model().chat({ ...ask('json'), responseFormat: { type: 'json' } });
    await model().chat({ ...ask('json'), responseFormat: { type: 'json_schema', name: 'answer', schema } });
    expect(fake.chatBodies.map((b) => b.format)).toEqual(['json', schema]);
  });

  it('honours toolChoice none by offering no tools and {name} by offering only that tool', async () => {
    fake.queue({ text: 'a' }, { text: 'b' });
    await model().chat({ ...ask('x'), tools: [weather, clock], toolChoice: 'none' });
    await model().chat({ ...ask('x'), tools: [weather, clock], toolChoice: { name: 'get_time' } });
    expect(fake.chatBodies[0].tools).toBeUndefined();
    expect(fake.chatBodies[1].tools.map((t: any) => t.function.name)).toEqual(['get_time']);
  });
});

describe('ollama host', () => {
  it('reads OLLAMA_HOST the way Ollama does', () => {
    expect(ollamaHost(undefined)).toBe('http://127.0.0.1:11434');
    expect(ollamaHost('0.0.0.0:11434')).toBe('http://0.0.0.0:11434');
    expect(ollamaHost('localhost')).toBe('http://localhost:11434');
    expect(ollamaHost(':8080')).toBe('http://127.0.0.1:8080');
    expect(ollamaHost('https://ollama.example.com')).toBe('https://ollama.example.com');
    expect(ollamaHost('http://box:9000/')).toBe('http://box:9000');
  });

  it('uses OLLAMA_HOST without a scheme when no baseUrl is given', async () => {
    fake.queue({ text: 'via env' });
    const hostPort = fake.url.replace('http://', '');
    const m = ollamaProvider.create('llama3.2', { env: { OLLAMA_HOST: hostPort } });
    expect((await m.chat(ask('hi'))).text).toBe('via env');
  });
});

describe('ollama streaming', () => {
  it('yields text deltas as they come, then exactly one done', async () => {
    fake.queue({ text: 'one two three', usage: { input: 9, output: 3 } });
    const events = await collect(model().stream(ask('count')));
    const deltas = events.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('one two three');
    expect(events.filter((e) => e.type === 'done')).toHaveLength(1);
    const last = events.at(-1);
    expect(last?.type).toBe('done');
    if (last?.type !== 'done') return;
    expect(last.result).toMatchObject({ text: 'one two three', usage: { inputTokens: 9, outputTokens: 3 }, finishReason: 'stop', costUsd: 0, attempts: 1 });
    expect(fake.chatBodies[0].stream).toBe(true);
  });

  it('yields each tool call, and done carries them with finishReason tool_calls', async () => {
    fake.queue({ text: 'Checking.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Rome' } }, { name: 'get_time', arguments: {} }] });
    const events = await collect(model().stream({ ...ask('weather and time'), tools: [weather, clock] }));
    const calls = events.filter((e) => e.type === 'tool_call').map((e) => (e as { call: unknown }).call);
    expect(calls).toEqual([
      { id: 'call_1', name: 'get_weather', arguments: { city: 'Rome' } },
      { id: 'call_2', name: 'get_time', arguments: {} },
    ]);
    const done = events.at(-1);
    expect(done?.type === 'done' && done.result.toolCalls).toEqual(calls);
    expect(done?.type === 'done' && done.result.finishReason).toBe('tool_calls');
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

  it('retries establishing the stream after a 500', async () => {
    fake.fault({ kind: 'status', status: 500, body: { error: 'runner crashed' } }).queue({ text: 'recovered' });
    const events = await collect(model().stream(ask('hi')));
    const done = events.at(-1);
    expect(done?.type === 'done' && done.result).toMatchObject({ text: 'recovered', attempts: 2 });
  });
});

describe('ollama errors and retries', () => {
  it('waits for Retry-After on 429, then succeeds', async () => {
    fake.fault({ kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: { error: 'busy' } }).queue({ text: 'ok' });
    const started = performance.now();
    const result = await model().chat(ask('hi'));
    expect(result.attempts).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('retries a 500, then succeeds', async () => {
    fake.fault({ kind: 'status', status: 500, body: { error: 'boom' } }).queue({ text: 'ok' });
    const result = await model().chat(ask('hi'));
    expect(result).toMatchObject({ text: 'ok', attempts: 2 });
  });

  it("fails with kind 'server' after retries + 1 requests when every answer is 500", async () => {
    for (let i = 0; i < 3; i++) fake.fault({ kind: 'status', status: 500, body: { error: 'boom' } });
    const error = await failure(model({ retries: 2 }).chat(ask('hi')));
    expect(error.kind).toBe('server');
    expect(error.status).toBe(500);
    expect(error.message).toContain('boom');
    expect(fake.requests).toHaveLength(3);
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
    const m = ollamaProvider.create('llama3.2', { baseUrl: address, retries: 0, env: {} });
    const error = await failure(m.chat(ask('hi')));
    expect(error.kind).toBe('unreachable');
    expect(error.message).toBe(`ollama: cannot reach ${address}. Is the server running? Start it with \`ollama serve\`.`);
    expect(error.message).not.toContain('\n');
    const streamError = await failure(collect(m.stream(ask('hi'))));
    expect(streamError.kind).toBe('unreachable');
  });

  it('treats a dropped connection as retryable', async () => {
    fake.fault({ kind: 'drop' }).queue({ text: 'second time' });
    const result = await model().chat(ask('hi'));
    expect(result).toMatchObject({ text: 'second time', attempts: 2 });
  });

  it('reports a missing model as bad_request with the pull command, without retrying', async () => {
    fake.fault({ kind: 'status', status: 404, body: { error: 'model "nope" not found, try pulling it first' } });
    const error = await failure(model({}, 'nope').chat(ask('hi')));
    expect(error.kind).toBe('bad_request');
    expect(error.message).toContain('ollama pull nope');
    expect(fake.requests).toHaveLength(1);
  });

  it("reports the caller's abort as 'aborted'", async () => {
    fake.fault({ kind: 'delay', ms: 2000 }).queue({ text: 'late' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(model().chat({ ...ask('hi'), signal: controller.signal }));
    expect(error.kind).toBe('aborted');
  });
});

describe('ollama fake', () => {
  it('lists models and its version', async () => {
    const tags = (await (await fetch(`${fake.url}/api/tags`)).json()) as { models: { name: string }[] };
    expect(tags.models.map((m) => m.name)).toContain('llama3.2:latest');
    expect(await (await fetch(`${fake.url}/api/version`)).json()).toEqual({ version: '0.12.6' });
  });
});
