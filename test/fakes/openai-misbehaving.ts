// Scenarios for OpenAI-compatible servers that misbehave: a stream that stalls after its first
// chunk, an error event or unreadable bytes in the middle of a stream, no usage (include_usage
// ignored), tool calls without ids or with finish_reason 'stop', a Retry-After too long to wait,
// replies with no choices, a plain JSON body to a stream request, a reply cut after N bytes or a
// connection dropped on every try, a hang, credentials in the base URL. Run by openai.test.ts and
// groq.test.ts next to the main contract.

import { afterEach, beforeEach, expect, it } from 'vitest';
import { ProviderError } from '../../agent/providers/errors.ts';
import type { ChatModel, ProviderOptions, StreamEvent } from '../../agent/providers/types.ts';
import { countTokens } from '../../agent/rag/tokens.ts';
import type { ContractSpec } from './chat-completions-contract.ts';
import { OpenAiFake, TEST_KEY, collect, rejection } from './openai-server.ts';

/** Reads a stream until it fails: the events that came first, and the error (fails the test if it ended well). */
export async function streamUntilFailure(events: AsyncIterable<StreamEvent>): Promise<{ events: StreamEvent[]; error: ProviderError }> {
  const seen: StreamEvent[] = [];
  try {
    for await (const event of events) seen.push(event);
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return { events: seen, error: error as ProviderError };
  }
  throw new Error(`the stream ended without failing: ${JSON.stringify(seen)}`);
}

export const textOf = (events: readonly StreamEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e.delta] : [])).join('');

/** An SSE body by hand: each item one `data:` event. */
const sse = (...events: string[]) => ({ kind: 'raw' as const, contentType: 'text/event-stream', chunks: events.map((e) => `data: ${e}\n\n`) });
const chunk = (content: string) => JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] });

/** Registers the scenarios; call inside a describe. */
export function misbehavingServerContract(spec: ContractSpec): void {
  let fake: OpenAiFake;
  const model = (options: ProviderOptions = {}): ChatModel =>
    spec.provider.create(spec.model, { baseUrl: spec.baseUrlFor(fake.url), apiKey: TEST_KEY, backoffBaseMs: 10, retries: 2, env: {}, ...options });
  const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };

  beforeEach(async () => {
    fake = await new OpenAiFake().start();
  });
  afterEach(() => fake.close());

  it('fails with timeout when a stream stalls after its first chunks, without retrying', async () => {
    // Two writes: the role chunk and the first word; then the server keeps the connection open and says nothing.
    fake.fault({ kind: 'stall', writes: 2 }).say({ text: 'One two three four.' });
    const started = performance.now();
    const { events, error } = await streamUntilFailure(model({ timeoutMs: 300 }).stream(ask));
    expect(textOf(events)).toBe('One ');
    expect(error).toMatchObject({ kind: 'timeout', attempts: 1 });
    expect(error.message).toContain('stalled');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(fake.requests).toHaveLength(1);
  });

  it("reads an error event in the middle of a stream as 'server', or as its code says", async () => {
    fake.fault(sse(chunk('Hi'), JSON.stringify({ error: { message: 'the model crashed', type: 'server_error' } })));
    const crashed = await streamUntilFailure(model().stream(ask));
    expect(textOf(crashed.events)).toBe('Hi');
    expect(crashed.error).toMatchObject({ kind: 'server', attempts: 1 });
    expect(crashed.error.message).toContain('the model crashed');

    fake.fault(sse(chunk('Hi'), JSON.stringify({ error: { message: 'context too long', code: 400 } })));
    expect((await streamUntilFailure(model().stream(ask))).error).toMatchObject({ kind: 'bad_request', status: 400 });
  });

  it("reads bytes that do not parse in the middle of a stream as 'bad_response'", async () => {
    fake.fault(sse(chunk('Hi'), '{"choices": [ not json'));
    const { error } = await streamUntilFailure(model().stream(ask));
    expect(error).toMatchObject({ kind: 'bad_response', attempts: 1 });
  });

  it('estimates usage when the server reports none, for chat and for streams', async () => {
    fake.omitUsage = true;
    fake.say({ text: 'Hello there, friend.' }, { text: 'Hello there, friend.' });
    const expected = { inputTokens: countTokens('hi'), outputTokens: countTokens('Hello there, friend.'), estimated: true };
    const chatted = await model().chat(ask);
    expect(chatted.usage).toEqual(expected);
    expect(chatted.costUsd).toBeGreaterThan(0);
    const streamed = (await collect(model().stream(ask))).at(-1);
    expect(streamed).toMatchObject({ type: 'done', result: { usage: expected } });
    expect(fake.lastBody.stream_options).toEqual({ include_usage: true });
  });

  it('names tool calls sent without ids after the calls already in the conversation', async () => {
    fake.omitCallIds = true;
    const turn = { toolCalls: [{ name: 'weather', arguments: { city: 'Oslo' } }, { name: 'time', arguments: {} }] };
    fake.say(turn, turn);
    const messages = [
      { role: 'user' as const, content: 'weather?' },
      { role: 'assistant' as const, content: '', toolCalls: [{ id: 'call_1', name: 'weather', arguments: { city: 'Rome' } }] },
      { role: 'tool' as const, toolCallId: 'call_1', name: 'weather', content: 'sunny' },
    ];
    expect((await model().chat({ messages })).toolCalls.map((c) => c.id)).toEqual(['call_2', 'call_3']);
    const done = (await collect(model().stream({ messages }))).at(-1);
    expect(done?.type === 'done' && done.result.toolCalls.map((c) => c.id)).toEqual(['call_2', 'call_3']);
  });

  it("says 'tool_calls' for a turn with tool calls whatever finish_reason the server sent", async () => {
    const turn = { toolCalls: [{ name: 'weather', arguments: { city: 'Oslo' } }], finish: 'stop' as const };
    fake.say(turn, turn);
    expect((await model().chat(ask)).finishReason).toBe('tool_calls');
    expect((await collect(model().stream(ask))).at(-1)).toMatchObject({ type: 'done', result: { finishReason: 'tool_calls' } });
  });

  it('gives up at once, saying so, when Retry-After asks for longer than it waits', async () => {
    fake.fault({ kind: 'status', status: 429, headers: { 'retry-after': '3600' } }).say({ text: 'too late' });
    const started = performance.now();
    const error = await rejection(model().chat(ask));
    expect(error).toMatchObject({ kind: 'rate_limited', status: 429, attempts: 1 });
    expect(error.message).toContain('asked to wait 3600 s');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(fake.requests).toHaveLength(1);
  });

  it('records the attempts made on the error it gives up with', async () => {
    for (let i = 0; i < 3; i++) fake.fault({ kind: 'status', status: 503 });
    expect(await rejection(model().chat(ask))).toMatchObject({ kind: 'server', attempts: 3 });
  });

  it("retries a completion with no choices as 'bad_response', for chat and for streams, then answers", async () => {
    fake.misreply('no_choices').say({ text: 'second time' });
    expect(await model().chat(ask)).toMatchObject({ text: 'second time', finishReason: 'stop', attempts: 2 });
    fake.misreply('no_choices').say({ text: 'streamed' });
    expect((await collect(model().stream(ask))).at(-1)).toMatchObject({ type: 'done', result: { text: 'streamed', attempts: 2 } });
  });

  it('gives up on a server that keeps sending no choices with the reason, never an empty answer', async () => {
    fake.misreply('no_choices', 3);
    const chatted = await rejection(model().chat(ask));
    expect(chatted).toMatchObject({ kind: 'bad_response', attempts: 3 });
    expect(chatted.message).toBe(`${spec.provider.name}: ${spec.baseUrlFor(fake.url)} answered with no choices`);
    fake.misreply('no_choices', 3);
    const streamed = await rejection(collect(model().stream(ask)));
    expect(streamed).toMatchObject({ kind: 'bad_response', attempts: 3 });
    expect(streamed.message).toContain('without a choice');
    expect(fake.requests).toHaveLength(6);
  });

  it("reads a plain JSON body sent to a stream request as 'bad_response', retried, and quotes it", async () => {
    fake.misreply('json_body').say({ text: 'a real stream' });
    expect((await collect(model().stream(ask))).at(-1)).toMatchObject({ type: 'done', result: { text: 'a real stream', attempts: 2 } });
    fake.misreply('json_body', 3);
    const error = await rejection(collect(model().stream(ask)));
    expect(error).toMatchObject({ kind: 'bad_response', attempts: 3 });
    expect(error.message).toContain('answered a stream request with a plain JSON body, not an event stream: {"id":"chatcmpl-odd"');
  });

  it('says a stream cut after N bytes on every try ended early, not that the server cannot be reached', async () => {
    // 40 bytes: inside the first event, so each try fails before any text and is retried.
    fake.fault({ kind: 'cut', bytes: 40 }, 3).say({ text: 'never whole' }, { text: 'never whole' }, { text: 'never whole' });
    const error = await rejection(collect(model().stream(ask)));
    expect(error).toMatchObject({ kind: 'server', attempts: 3 });
    expect(error.message).toBe(`${spec.provider.name}: the answer from ${spec.baseUrlFor(fake.url)} ended early: the connection closed after 40 bytes of it`);
    fake.fault({ kind: 'cut', bytes: 0 }, 3);
    const chatted = await rejection(model().chat(ask));
    expect(chatted).toMatchObject({ kind: 'server', attempts: 3 });
    expect(chatted.message).toContain('ended early: the connection closed after 0 bytes');
  });

  it('says a connection closed before any answer was closed, not that the server cannot be reached', async () => {
    fake.fault({ kind: 'drop' }, 3);
    const error = await rejection(model().chat(ask));
    expect(error).toMatchObject({ kind: 'unreachable', attempts: 3 });
    expect(error.message).toBe(`${spec.provider.name}: ${spec.baseUrlFor(fake.url)} closed the connection before the answer was complete`);
  });

  it("bounds each try by the request's own timeoutMs, over the provider's", async () => {
    fake.fault({ kind: 'hang' }, 2).say({ text: 'third time' });
    const started = performance.now();
    const result = await model({ timeoutMs: 30_000 }).chat({ ...ask, timeoutMs: 200 });
    expect(result).toMatchObject({ text: 'third time', attempts: 3 });
    expect(performance.now() - started).toBeLessThan(5_000);
    fake.fault({ kind: 'hang' }, 3);
    const error = await rejection(collect(model({ timeoutMs: 30_000 }).stream({ ...ask, timeoutMs: 200 })));
    expect(error).toMatchObject({ kind: 'timeout', attempts: 3 });
    expect(error.message).toContain('no answer within 200 ms');
  });

  it('never shows credentials written into the base URL', async () => {
    const secret = 'proxy-token-98765';
    const address = spec.baseUrlFor(fake.url).replace('http://', `http://lunar:${secret}@`);
    const error = await rejection(spec.provider.create(spec.model, { baseUrl: address, apiKey: TEST_KEY, retries: 0, env: {} }).chat(ask));
    expect(error.message).not.toContain(secret);
    expect(error.message).toContain(spec.baseUrlFor(fake.url));
  });
}
