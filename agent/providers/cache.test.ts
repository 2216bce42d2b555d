// The model-call cache, through the real openai SDK against the loopback fake: hits make no
// request, repeats are independent draws recorded and replayed, replay needs no key, and keys
// are stable across processes.

import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect, OpenAiFake } from '../../test/fakes/openai-server.ts';
import { OpenAiEmbedder } from '../rag/embedders/openai.ts';
import { CallCache, type CacheMode } from './cache.ts';
import { cacheKey } from './cache-keys.ts';
import { CacheMissError, cachedChatModel, cachedEmbedder, isCachedResult } from './cached-models.ts';
import { ProviderError } from './errors.ts';
import { registerSecret } from '../../core/secrets.ts';
import { openaiProvider } from './openai.ts';
import type { ChatModel, ChatRequest, StreamEvent } from './types.ts';

const KEY = 'sk-test';
const hi: ChatRequest = { messages: [{ role: 'user', content: 'hi' }], temperature: 0, seed: 1 };

let fake: OpenAiFake;
let dir: string;
let cache: CallCache;

const chatRequests = () => fake.requests.filter((r) => r.path.endsWith('/chat/completions')).length;
const openai = (options: { apiKey?: string; env?: NodeJS.ProcessEnv } = { apiKey: KEY }): ChatModel =>
  openaiProvider.create('gpt-4o-mini', { baseUrl: `${fake.url}/v1`, retries: 0, ...options });
const cached = (mode: CacheMode, repeat = 0, label = 'c1', inner = openai()) => cachedChatModel(inner, cache, { mode, repeat, label });
const chatRows = (c: CallCache = cache) => c.stats().filter((s) => s.kind === 'chat').reduce((n, s) => n + s.entries, 0);

beforeEach(async () => {
  fake = await new OpenAiFake().start();
  dir = mkdtempSync(join(tmpdir(), 'lunar-cache-'));
  cache = new CallCache(join(dir, 'cache.db'));
});
afterEach(async () => {
  cache.close();
  await fake.close();
});

describe('cachedChatModel', () => {
  it('keeps the inner id, provider and model', () => {
    const model = cached('on');
    expect([model.id, model.provider, model.model]).toEqual(['openai:gpt-4o-mini', 'openai', 'gpt-4o-mini']);
  });

  it('on: a miss calls the model and records it; a hit returns the recording unchanged with no request', async () => {
    fake.say({ text: 'hello', toolCalls: [{ name: 'search', arguments: { q: 'x' } }], usage: { input: 1000, output: 500 } });
    const first = await cached('on').chat(hi);
    expect(chatRequests()).toBe(1);
    expect(isCachedResult(first)).toBe(false);
    expect(first).toMatchObject({ text: 'hello', finishReason: 'tool_calls', usage: { inputTokens: 1000, outputTokens: 500 }, costUsd: 0.00045 });

    const again = await cached('on').chat(hi);
    expect(chatRequests()).toBe(1);
    expect(isCachedResult(again)).toBe(true);
    // Latency, cost and tool-call ids as recorded: a replayed report is the same report.
    expect(again).toEqual(first);
    expect(again.toolCalls[0]!.id).toBe(first.toolCalls[0]!.id);
  });

  it('records an answer that echoes a known secret scrubbed, and replays the scrubbed answer', async () => {
    registerSecret('hdr-value-0123456789', 'X-Api-Token');
    fake.say({ text: 'the header was hdr-value-0123456789', toolCalls: [{ name: 'search', arguments: { q: 'hdr-value-0123456789' } }] });
    const live = await cached('on').chat(hi);
    expect(live.text).toBe('the header was hdr-value-0123456789');
    const replayed = await cached('on').chat(hi);
    expect(isCachedResult(replayed)).toBe(true);
    expect(replayed.text).toBe('the header was [redacted:X-Api-Token]');
    expect(replayed.toolCalls[0]!.arguments).toEqual({ q: '[redacted:X-Api-Token]' });
    cache.flush();
    const files = readdirSync(dir).map((f) => readFileSync(join(dir, f)));
    expect(files.some((bytes) => bytes.includes('hdr-value-0123456789'))).toBe(false);
  });

  it('repeat 0..4 makes five distinct calls, then replays the same five with no request', async () => {
    fake.say(...[0, 1, 2, 3, 4].map((i) => ({ text: `draw ${i}` })));
    const drawn = [];
    for (let repeat = 0; repeat < 5; repeat++) drawn.push(await cached('on', repeat).chat(hi));
    expect(drawn.map((r) => r.text)).toEqual(['draw 0', 'draw 1', 'draw 2', 'draw 3', 'draw 4']);
    expect(chatRequests()).toBe(5);

    fake.say({ text: 'never sent' });
    const replayed = [];
    for (let repeat = 0; repeat < 5; repeat++) replayed.push(await cached('on', repeat).chat(hi));
    expect(chatRequests()).toBe(5);
    expect(replayed).toEqual(drawn);
    expect(replayed.every(isCachedResult)).toBe(true);
  });

  it('a second identical request within one attempt is a second draw, replayed in order', async () => {
    fake.say({ text: 'one' }, { text: 'two' });
    const attempt = cached('on');
    expect([(await attempt.chat(hi)).text, (await attempt.chat(hi)).text]).toEqual(['one', 'two']);
    const rerun = cached('replay');
    expect([(await rerun.chat(hi)).text, (await rerun.chat(hi)).text]).toEqual(['one', 'two']);
    expect(chatRequests()).toBe(2);
  });

  it('identical calls on the wire at once from two attempts are sent once', async () => {
    fake.say({ text: 'shared' }, { text: 'second draw' });
    const [a, b] = await Promise.all([cached('on', 0, 'c1').chat(hi), cached('on', 0, 'c2').chat(hi)]);
    expect(chatRequests()).toBe(1);
    expect([a.text, b.text]).toEqual(['shared', 'shared']);
    expect([isCachedResult(a), isCachedResult(b)].sort()).toEqual([false, true]);
  });

  it('replay: serves recordings without a key; a miss throws CacheMissError naming the case, target and call', async () => {
    fake.say({ text: 'recorded' });
    const recorded = await cached('on').chat(hi);
    // No key anywhere: replay never reaches the model.
    const keyless = () => openai({ env: {} });
    const replay = cached('replay', 0, 'refund-policy', keyless());
    expect(await replay.chat(hi)).toEqual(recorded);

    const error = await replay.chat({ ...hi, messages: [{ role: 'user', content: 'something new' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CacheMissError);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe('bad_request');
    expect((error as Error).message).toBe(
      'replay: no cached answer for case refund-policy on openai:gpt-4o-mini (call 2): record it with --cache on and keys set',
    );
    const later = await cached('replay', 2, 'refund-policy', keyless()).chat(hi).catch((e: unknown) => e);
    expect((later as Error).message).toBe(
      'replay: no cached answer for case refund-policy (repeat 3) on openai:gpt-4o-mini (call 1): record it with --cache on and keys set',
    );
    expect(chatRequests()).toBe(1);
    expect(chatRows()).toBe(1);
  });

  it('refresh: always calls and overwrites the recording', async () => {
    fake.say({ text: 'old' }, { text: 'new' });
    expect((await cached('on').chat(hi)).text).toBe('old');
    const fresh = await cached('refresh').chat(hi);
    expect(fresh.text).toBe('new');
    expect(isCachedResult(fresh)).toBe(false);
    expect(chatRequests()).toBe(2);
    expect((await cached('on').chat(hi)).text).toBe('new');
    // Within one run, refresh calls a key once: a second attempt with the same key gets the same answer.
    expect((await cached('refresh', 0, 'c2').chat(hi)).text).toBe('new');
    expect(chatRequests()).toBe(2);
    expect(chatRows()).toBe(1);
  });

  it('off: neither reads nor writes', async () => {
    fake.say({ text: 'recorded' }, { text: 'live 1' }, { text: 'live 2' });
    await cached('on').chat(hi);
    const inner = openai();
    expect(cached('off', 0, 'c1', inner)).toBe(inner);
    expect((await cached('off').chat(hi)).text).toBe('live 1');
    expect((await cached('off').chat({ ...hi, temperature: 1 })).text).toBe('live 2');
    expect(chatRequests()).toBe(3);
    expect(chatRows()).toBe(1);
  });

  it('stream: a miss streams from the model and records the done result; a hit streams the recording', async () => {
    fake.say({ text: 'streamed words here', toolCalls: [{ name: 'lookup', arguments: { id: 7 } }] });
    const live = await collect(cached('on').stream(hi));
    expect(live.filter((e) => e.type === 'text').length).toBeGreaterThan(1);
    const liveDone = doneOf(live);
    expect(isCachedResult(liveDone)).toBe(false);
    expect(chatRequests()).toBe(1);

    const replayed = await collect(cached('replay').stream(hi));
    expect(chatRequests()).toBe(1);
    const done = doneOf(replayed);
    expect(done).toEqual(liveDone);
    expect(isCachedResult(done)).toBe(true);
    expect(replayed.slice(0, -1)).toEqual([
      { type: 'text', delta: 'streamed words here' },
      { type: 'tool_call', call: liveDone.toolCalls[0] },
    ]);
    // Chat and stream share the entry.
    expect(await cached('replay').chat(hi)).toEqual(liveDone);
  });

  it('stream: a consumer that stops at done still records; one that stops early records nothing', async () => {
    fake.say({ text: 'a b c' }, { text: 'd e f' });
    for await (const event of cached('on').stream(hi)) if (event.type === 'done') break;
    expect(chatRows()).toBe(1);
    const other = { ...hi, seed: 2 };
    for await (const event of cached('on').stream(other)) if (event.type === 'text') break;
    expect(chatRows()).toBe(1);
    await expect(cached('replay').chat(other)).rejects.toBeInstanceOf(CacheMissError);
  });

  it('a failed call records nothing and frees its place', async () => {
    fake.fault({ kind: 'status', status: 500 });
    fake.say({ text: 'after the failure' });
    const attempt = cached('on');
    await expect(attempt.chat(hi)).rejects.toBeInstanceOf(ProviderError);
    expect(chatRows()).toBe(0);
    expect((await attempt.chat(hi)).text).toBe('after the failure');
    expect((await cached('replay').chat(hi)).text).toBe('after the failure');
  });

  it('keys never hold API keys: another key hits the same entry, and the file never holds the key', async () => {
    fake.say({ text: 'once' });
    await cached('on', 0, 'c1', openai({ apiKey: 'sk-first-secret-key-123' })).chat(hi);
    const other = await cached('on', 0, 'c1', openai({ apiKey: 'sk-other-secret-key-456' })).chat(hi);
    expect(other.text).toBe('once');
    expect(chatRequests()).toBe(1);
    cache.close();
    for (const file of readdirSync(dir)) expect(readFileSync(join(dir, file)).toString('latin1')).not.toContain('secret-key');
    cache = new CallCache(join(dir, 'cache.db'));
  });

  it('writes are durable soon: another connection sees them after the flush timer, and a reopened cache serves them', async () => {
    cache.close();
    cache = new CallCache(join(dir, 'cache.db'), { flushMs: 20 });
    fake.say({ text: 'durable' });
    await cached('on').chat(hi);
    await new Promise((r) => setTimeout(r, 80));
    const reader = new Database(join(dir, 'cache.db'), { readonly: true });
    expect(reader.prepare('SELECT count(*) FROM chat_calls').pluck().get()).toBe(1);
    reader.close();

    cache.close();
    cache = new CallCache(join(dir, 'cache.db'));
    expect((await cached('replay').chat(hi)).text).toBe('durable');
  });

  it('an aborted signal is not part of the key, and an already aborted call throws aborted', async () => {
    fake.say({ text: 'kept' });
    await cached('on').chat({ ...hi, signal: new AbortController().signal });
    expect((await cached('replay').chat(hi)).text).toBe('kept');
    const controller = new AbortController();
    controller.abort();
    const error = await cached('on').chat({ ...hi, signal: controller.signal }).catch((e: unknown) => e);
    expect((error as ProviderError).kind).toBe('aborted');
  });
});

describe('cacheKey', () => {
  const base = { provider: 'openai', model: 'gpt-4o-mini', repeat: 0 };
  const request: ChatRequest = {
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'What is the refund window?' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'search', arguments: { query: 'refund', k: 3 } }] },
      { role: 'tool', toolCallId: 'call_1', name: 'search', content: '30 days' },
    ],
    tools: [{ name: 'search', description: 'Search the docs', parameters: { type: 'object', properties: { query: { type: 'string' }, k: { type: 'integer' } } } }],
    toolChoice: 'auto',
    temperature: 0,
    maxTokens: 256,
    seed: 42,
  };

  it('is a fixed hex for a fixed request (the same in every process and on every machine)', () => {
    expect(cacheKey({ ...base, request })).toBe('0728fdad2722acf405afc75bed799aa57c4272ed113533688fcb1bc70c60e66b');
  });

  it('ignores key order, undefined fields, empty lists and the signal', () => {
    const reordered: ChatRequest = {
      seed: 42,
      maxTokens: 256,
      temperature: 0,
      toolChoice: 'auto',
      responseFormat: undefined,
      signal: new AbortController().signal,
      tools: [{ parameters: { properties: { k: { type: 'integer' }, query: { type: 'string' } }, type: 'object' }, description: 'Search the docs', name: 'search' }],
      messages: [
        { content: 'Be brief.', role: 'system' },
        { role: 'user', content: 'What is the refund window?' },
        { role: 'assistant', content: '', toolCalls: [{ arguments: { k: 3, query: 'refund' }, name: 'search', id: 'call_1' }] },
        { role: 'tool', toolCallId: 'call_1', name: 'search', content: '30 days', isError: false },
      ],
    };
    expect(cacheKey({ ...base, request: reordered })).toBe(cacheKey({ ...base, request }));
    const plain: ChatRequest = { messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'y', toolCalls: [] }] };
    expect(cacheKey({ ...base, request: { ...plain, tools: [] } })).toBe(cacheKey({ ...base, request: { messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'y' }] } }));
  });

  it('changes with everything the model sees, the repeat index and the occurrence', () => {
    const key = cacheKey({ ...base, request });
    const variants: Parameters<typeof cacheKey>[0][] = [
      { ...base, provider: 'groq', request },
      { ...base, model: 'gpt-4o', request },
      { ...base, repeat: 1, request },
      { ...base, occurrence: 1, request },
      { ...base, request: { ...request, temperature: 0.7 } },
      { ...base, request: { ...request, maxTokens: 100 } },
      { ...base, request: { ...request, seed: 43 } },
      { ...base, request: { ...request, toolChoice: 'required' } },
      { ...base, request: { ...request, responseFormat: { type: 'json' } } },
      { ...base, request: { ...request, tools: [{ ...request.tools![0]!, description: 'Search' }] } },
      { ...base, request: { ...request, messages: request.messages.slice(0, 3) } },
      { ...base, request: { ...request, messages: request.messages.map((m) => (m.role === 'assistant' ? { ...m, toolCalls: [{ ...m.toolCalls![0]!, id: 'call_2' }] } : m)) } },
      { ...base, request: { ...request, messages: request.messages.map((m) => (m.role === 'tool' ? { ...m, isError: true } : m)) } },
    ];
    const keys = variants.map(cacheKey);
    expect(new Set([key, ...keys]).size).toBe(variants.length + 1);
    for (const k of keys) expect(k).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('cachedEmbedder', () => {
  const embedder = (options: { apiKey?: string; env?: NodeJS.ProcessEnv } = { apiKey: KEY }) =>
    new OpenAiEmbedder('text-embedding-3-small', { baseUrl: `${fake.url}/v1`, retries: 0, ...options });

  it('sends only the texts it has not seen, each once, and returns the recorded vectors', async () => {
    const first = cachedEmbedder(embedder(), cache, { mode: 'on' });
    const a = await first.embed(['alpha', 'beta'], 'document');
    expect(fake.embeddingBodies.map((b) => b.input)).toEqual([['alpha', 'beta']]);

    const second = cachedEmbedder(embedder(), cache, { mode: 'on' });
    const b = await second.embed(['beta', 'gamma', 'alpha', 'gamma'], 'document');
    expect(fake.embeddingBodies.map((body) => body.input)).toEqual([['alpha', 'beta'], ['gamma']]);
    expect(b[0]).toEqual(a[1]);
    expect(b[2]).toEqual(a[0]);
    expect(b[3]).toEqual(b[1]);
    expect(b[1]).not.toEqual(b[0]);
    expect(second.dimensions).toBe(8);

    // A query is its own entry: some models embed queries differently.
    await second.embed(['alpha'], 'query');
    expect(fake.embeddingBodies).toHaveLength(3);
  });

  it('replay serves vectors without a key (and learns their size); a miss throws CacheMissError', async () => {
    const recorded = await cachedEmbedder(embedder(), cache, { mode: 'on' }).embed(['alpha'], 'query');
    const replay = cachedEmbedder(embedder({ env: {} }), cache, { mode: 'replay' });
    expect(replay.id).toBe('openai:text-embedding-3-small');
    expect(await replay.embed(['alpha'], 'query')).toEqual(recorded);
    expect(replay.dimensions).toBe(8);
    const error = await replay.embed(['alpha', 'new', 'newer'], 'query').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CacheMissError);
    expect((error as Error).message).toBe(
      'replay: no cached embedding for 2 of 3 texts (query) on openai:text-embedding-3-small: record it with --cache on and keys set',
    );
    expect(fake.embeddingBodies).toHaveLength(1);
  });

  it('refresh re-embeds once per process; off passes through', async () => {
    await cachedEmbedder(embedder(), cache, { mode: 'on' }).embed(['alpha'], 'document');
    const refresh = cachedEmbedder(embedder(), cache, { mode: 'refresh' });
    await refresh.embed(['alpha'], 'document');
    await refresh.embed(['alpha'], 'document');
    expect(fake.embeddingBodies).toHaveLength(2);
    const inner = embedder();
    expect(cachedEmbedder(inner, cache, { mode: 'off' })).toBe(inner);
  });
});

function doneOf(events: StreamEvent[]) {
  const last = events.at(-1);
  if (last?.type !== 'done') throw new Error('the stream did not end with done');
  return last.result;
}
