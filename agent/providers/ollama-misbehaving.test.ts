// Ollama against a server that misbehaves: stalls mid-stream, sends an error line, ends a stream
// early, replies with no message, cuts its reply or hangs on every try, leaves out
// prompt_eval_count (a cached prompt), or sits behind a URL with credentials.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OllamaFake } from '../../test/fakes/ollama-server.ts';
import { streamUntilFailure, textOf } from '../../test/fakes/openai-misbehaving.ts';
import { collect, rejection } from '../../test/fakes/openai-server.ts';
import { countTokens } from '../rag/tokens.ts';
import { ollamaProvider } from './ollama.ts';
import type { ChatModel, ChatRequest, ProviderOptions } from './types.ts';

let fake: OllamaFake;
beforeEach(async () => {
  fake = await new OllamaFake().start();
});
afterEach(() => fake.close());

const model = (options: ProviderOptions = {}): ChatModel => ollamaProvider.create('llama3.2', { baseUrl: fake.url, backoffBaseMs: 10, env: {}, ...options });
const ask: ChatRequest = { messages: [{ role: 'user', content: 'hi' }] };
const line = (content: string) => `${JSON.stringify({ model: 'llama3.2', created_at: '2025-01-01T00:00:00Z', message: { role: 'assistant', content }, done: false })}\n`;
const ndjson = (...chunks: string[]) => ({ kind: 'raw' as const, contentType: 'application/x-ndjson', chunks });

describe('ollama with a misbehaving server', () => {
  it('fails with timeout when a stream stalls after its first line, without retrying', async () => {
    fake.fault({ kind: 'stall', writes: 1 }).queue({ text: 'one two three' });
    const started = performance.now();
    const { events, error } = await streamUntilFailure(model({ timeoutMs: 300 }).stream(ask));
    expect(textOf(events)).toBe('one ');
    expect(error).toMatchObject({ kind: 'timeout', attempts: 1 });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(fake.requests).toHaveLength(1);
  });

  it("reads an error line in the middle of a stream as 'server'", async () => {
    fake.fault(ndjson(line('Hel'), `${JSON.stringify({ error: 'llama runner process has terminated' })}\n`));
    const { events, error } = await streamUntilFailure(model().stream(ask));
    expect(textOf(events)).toBe('Hel');
    expect(error).toMatchObject({ kind: 'server', attempts: 1 });
    expect(error.message).toBe('ollama: the stream failed: llama runner process has terminated');
  });

  it("reads a stream of unreadable lines that ends without its done line as 'bad_response'", async () => {
    fake.fault(ndjson(line('Hel'), '{"message": not json\n'));
    const { events, error } = await streamUntilFailure(model().stream(ask));
    expect(textOf(events)).toBe('Hel');
    expect(error).toMatchObject({ kind: 'bad_response', attempts: 1 });
  });

  it('estimates input tokens when the prompt came from the cache (no prompt_eval_count)', async () => {
    fake.omitPromptEvalCount = true;
    fake.queue({ text: 'Hello.', usage: { input: 99, output: 3 } }, { text: 'Hello.', usage: { input: 99, output: 3 } });
    const usage = { inputTokens: countTokens('hi'), outputTokens: 3, estimated: true };
    expect((await model().chat(ask)).usage).toEqual(usage);
    expect((await collect(model().stream(ask))).at(-1)).toMatchObject({ type: 'done', result: { usage } });
  });

  it("retries a reply with no message as 'bad_response', for chat and for streams, then answers", async () => {
    const noMessage = { model: 'llama3.2', created_at: '2025-01-01T00:00:00Z', done: true, done_reason: 'stop' };
    fake.queueRaw(noMessage).queue({ text: 'second time' });
    expect(await model().chat(ask)).toMatchObject({ text: 'second time', attempts: 2 });
    fake.queueRaw(noMessage).queue({ text: 'streamed' });
    expect((await collect(model().stream(ask))).at(-1)).toMatchObject({ type: 'done', result: { text: 'streamed', attempts: 2 } });
  });

  it('gives up on a server that keeps replying with no message with the reason, never an empty answer', async () => {
    for (let i = 0; i < 6; i++) fake.queueRaw({ model: 'llama3.2', done: true });
    const chatted = await rejection(model({ retries: 2 }).chat(ask));
    expect(chatted).toMatchObject({ kind: 'bad_response', attempts: 3 });
    expect(chatted.message).toBe(`ollama: ${fake.url} answered with no message`);
    const streamed = await rejection(collect(model({ retries: 2 }).stream(ask)));
    expect(streamed).toMatchObject({ kind: 'bad_response', attempts: 3 });
    expect(streamed.message).toBe(`ollama: ${fake.url} ended a stream of 1 lines without a message`);
  });

  it('says a stream cut after N bytes on every try ended early, not that the server cannot be reached', async () => {
    fake.fault({ kind: 'cut', bytes: 30 }, 3).queue({ text: 'never whole' }, { text: 'never whole' }, { text: 'never whole' });
    const error = await rejection(collect(model({ retries: 2 }).stream(ask)));
    expect(error).toMatchObject({ kind: 'server', attempts: 3 });
    expect(error.message).toBe(`ollama: the answer from ${fake.url} ended early: the connection closed after 30 bytes of it`);
  });

  it("bounds each try by the request's own timeoutMs, over the provider's", async () => {
    fake.fault({ kind: 'hang' }, 3);
    const error = await rejection(collect(model({ timeoutMs: 30_000, retries: 2 }).stream({ ...ask, timeoutMs: 200 })));
    expect(error).toMatchObject({ kind: 'timeout', attempts: 3 });
    expect(error.message).toBe('ollama: no answer within 200 ms');
  });

  it('never shows credentials written into OLLAMA_HOST', async () => {
    const secret = 'proxy-token-98765';
    const m = ollamaProvider.create('llama3.2', { env: { OLLAMA_HOST: fake.url.replace('http://', `http://lunar:${secret}@`) }, retries: 0 });
    const error = await rejection(m.chat(ask));
    expect(error.message).not.toContain(secret);
    const streamed = await rejection(collect(m.stream(ask)));
    expect(streamed.message).not.toContain(secret);
  });

  it("ends a backoff wait with 'aborted' when the caller aborts", async () => {
    fake.fault({ kind: 'status', status: 429, headers: { 'retry-after': '30' }, body: { error: 'busy' } });
    const error = await rejection(model().chat({ ...ask, signal: AbortSignal.timeout(200) }));
    expect(error).toMatchObject({ kind: 'aborted', provider: 'ollama', attempts: 1 });
  });
});
