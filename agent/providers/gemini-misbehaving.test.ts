// Gemini against a server that misbehaves (stalls mid-stream, sends error events or unreadable
// chunks, answers with no candidates or with a plain JSON body to a stream request, cuts its
// reply or hangs on every try, reports no usage, sits behind a URL with credentials), and ids
// Lunar generated in any of its forms kept out of the history sent back.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GeminiFake } from '../../test/fakes/gemini-server.ts';
import { streamUntilFailure, textOf } from '../../test/fakes/openai-misbehaving.ts';
import { collect, rejection } from '../../test/fakes/openai-server.ts';
import { countTokens } from '../rag/tokens.ts';
import { geminiProvider } from './gemini.ts';
import type { ChatModel, ChatRequest, ProviderOptions } from './types.ts';

const KEY = 'AIzaSyFAKE-test-key-0123456789';
let fake: GeminiFake;
beforeEach(async () => {
  fake = await new GeminiFake().start();
});
afterEach(() => fake.close());

const model = (options: ProviderOptions = {}): ChatModel =>
  geminiProvider.create('gemini-2.5-flash', { baseUrl: fake.url, backoffBaseMs: 10, env: { GEMINI_API_KEY: KEY }, ...options });
const ask: ChatRequest = { messages: [{ role: 'user', content: 'hi' }] };
const chunk = (text: string) => JSON.stringify({ candidates: [{ content: { parts: [{ text }], role: 'model' }, index: 0 }] });
const sse = (...events: string[]) => ({ kind: 'raw' as const, contentType: 'text/event-stream', chunks: events.map((e) => `data: ${e}\n\n`) });

describe('gemini with a misbehaving server', () => {
  it('fails with timeout when a stream stalls after its first chunk, without retrying', async () => {
    fake.fault({ kind: 'stall', writes: 1 }).queue({ text: 'one two three' });
    const started = performance.now();
    const { events, error } = await streamUntilFailure(model({ timeoutMs: 300 }).stream(ask));
    expect(textOf(events)).toBe('one ');
    expect(error).toMatchObject({ kind: 'timeout', attempts: 1 });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(fake.calls).toHaveLength(1);
  });

  it('reads an error event in the middle of a stream by its code', async () => {
    fake.fault(sse(chunk('Hel'), JSON.stringify({ error: { code: 503, status: 'UNAVAILABLE', message: 'overloaded' } })));
    const coded = await streamUntilFailure(model().stream(ask));
    expect(textOf(coded.events)).toBe('Hel');
    expect(coded.error).toMatchObject({ kind: 'server', status: 503, attempts: 1 });

    fake.fault(sse(chunk('Hel'), JSON.stringify({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'quota' } })));
    expect((await streamUntilFailure(model().stream(ask))).error).toMatchObject({ kind: 'rate_limited', status: 429 });
  });

  it("reads a chunk that does not parse as 'bad_response'", async () => {
    fake.fault(sse(chunk('Hel'), '{"candidates": [ not json'));
    const { events, error } = await streamUntilFailure(model().stream(ask));
    expect(textOf(events)).toBe('Hel');
    expect(error).toMatchObject({ kind: 'bad_response', attempts: 1 });
  });

  it('estimates usage when the answer carries no usageMetadata', async () => {
    fake.queueRaw({ candidates: [{ content: { parts: [{ text: 'Hello there.' }], role: 'model' }, finishReason: 'STOP', index: 0 }] });
    const result = await model().chat(ask);
    expect(result.usage).toEqual({ inputTokens: countTokens('hi'), outputTokens: countTokens('Hello there.'), estimated: true });
    expect(result.costUsd).toBeGreaterThan(0);
  });

  it("retries an answer with no candidates as 'bad_response', for chat and for streams, then answers", async () => {
    const noCandidates = { usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 }, modelVersion: 'gemini-2.5-flash' };
    fake.queueRaw(noCandidates).queue({ text: 'second time' });
    expect(await model().chat(ask)).toMatchObject({ text: 'second time', attempts: 2 });
    fake.queueRaw(noCandidates).queue({ text: 'streamed' });
    expect((await collect(model().stream(ask))).at(-1)).toMatchObject({ type: 'done', result: { text: 'streamed', attempts: 2 } });
  });

  it('gives up on a server that keeps answering with no candidates with the reason, never an empty answer', async () => {
    for (let i = 0; i < 6; i++) fake.queueRaw({ usageMetadata: { promptTokenCount: 3 } });
    const chatted = await rejection(model({ retries: 2 }).chat(ask));
    expect(chatted).toMatchObject({ kind: 'bad_response', attempts: 3 });
    expect(chatted.message).toBe(`gemini: ${fake.url} answered with no candidates`);
    const streamed = await rejection(collect(model({ retries: 2 }).stream(ask)));
    expect(streamed).toMatchObject({ kind: 'bad_response', attempts: 3 });
    expect(streamed.message).toBe(`gemini: ${fake.url} ended a stream of 1 chunks without a candidate`);
  });

  it('keeps a blocked prompt, which has no candidate but says why, as an answer', async () => {
    fake.queueRaw({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 3 } });
    expect(await model().chat(ask)).toMatchObject({ text: '', finishReason: 'content_filter', attempts: 1 });
  });

  it("reads a plain JSON body sent to a stream request as 'bad_response', retried", async () => {
    const body = JSON.stringify({ candidates: [{ content: { parts: [{ text: 'whole' }], role: 'model' }, finishReason: 'STOP', index: 0 }] });
    fake.fault({ kind: 'raw', contentType: 'application/json', chunks: [body] }, 3);
    const error = await rejection(collect(model({ retries: 2 }).stream(ask)));
    expect(error).toMatchObject({ kind: 'bad_response', attempts: 3 });
    expect(error.message).toBe(`gemini: ${fake.url} answered a stream request with a plain JSON body, not an event stream`);
  });

  it('says a stream cut after N bytes on every try ended early, not that the server cannot be reached', async () => {
    fake.fault({ kind: 'cut', bytes: 25 }, 3).queue({ text: 'never whole' }, { text: 'never whole' }, { text: 'never whole' });
    const error = await rejection(collect(model({ retries: 2 }).stream(ask)));
    expect(error).toMatchObject({ kind: 'server', attempts: 3 });
    expect(error.message).toBe(`gemini: the answer from ${fake.url} ended early: the connection closed after 25 bytes of it`);
  });

  it("bounds each try by the request's own timeoutMs, over the provider's", async () => {
    fake.fault({ kind: 'hang' }, 3);
    const error = await rejection(model({ timeoutMs: 30_000, retries: 2 }).chat({ ...ask, timeoutMs: 200 }));
    expect(error).toMatchObject({ kind: 'timeout', attempts: 3 });
    expect(error.message).toBe('gemini: no answer within 200 ms');
  });

  it('never shows credentials written into the base URL', async () => {
    const secret = 'proxy-token-98765';
    const m = model({ baseUrl: fake.url.replace('http://', `http://lunar:${secret}@`), retries: 0 });
    expect((await rejection(m.chat(ask))).message).not.toContain(secret);
    expect((await rejection(collect(m.stream(ask)))).message).not.toContain(secret);
  });
});

describe('gemini and generated ids', () => {
  it('sends back no id Lunar made up, in any of its forms, and every id Gemini gave', async () => {
    fake.queue({ text: 'done' });
    const calls = [
      { id: 'call_4', name: 'get_time', arguments: {} },
      { id: 'call_2_1', name: 'get_time', arguments: {} }, // renamed by the loop as a duplicate
      { id: 'fc-7f3a', name: 'get_time', arguments: {} }, // Gemini's own
    ];
    await model().chat({
      messages: [
        { role: 'user', content: 'time?' },
        { role: 'assistant', content: '', toolCalls: calls },
        ...calls.map((c) => ({ role: 'tool' as const, toolCallId: c.id, name: c.name, content: '9am' })),
      ],
    });
    const [, modelTurn, results] = fake.calls[0]!.body.contents;
    expect(modelTurn.parts.map((p: any) => p.functionCall.id)).toEqual([undefined, undefined, 'fc-7f3a']);
    expect(results.parts.map((p: any) => p.functionResponse.id)).toEqual([undefined, undefined, 'fc-7f3a']);
  });
});
