import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cosine } from '../index-store.ts';
import { GeminiFake, geminiError } from '../../../test/fakes/gemini-server.ts';
import { fakeEmbedding } from '../../../test/fakes/http-fake.ts';
import { closedPortUrl, rejection } from '../../../test/fakes/openai-server.ts';
import type { EmbedderOptions } from './common.ts';
import { GeminiEmbedder } from './gemini.ts';

const KEY = 'AIzaSyFAKE-test-key-0123456789';
let fake: GeminiFake;

beforeEach(async () => {
  fake = await new GeminiFake().start();
});

afterEach(async () => {
  await fake.close();
});

const embedder = (model?: string, options: EmbedderOptions = {}) =>
  new GeminiEmbedder(model, { baseUrl: fake.url, backoffBaseMs: 10, retries: 2, env: { GEMINI_API_KEY: KEY }, ...options });

const belongsTo = (vectors: Float32Array[], texts: string[], dimensions = 8) =>
  vectors.forEach((vector, i) => expect(cosine(vector, fakeEmbedding(texts[i]!, dimensions))).toBeCloseTo(1, 6));

const entries = (i: number) => fake.embedCalls[i]!.body.requests as any[];

describe('GeminiEmbedder', () => {
  it('embeds a list in one batchEmbedContents request, key in a header, with RETRIEVAL_DOCUMENT', async () => {
    const e = embedder();
    expect(e.id).toBe('gemini:gemini-embedding-001');
    const texts = ['first text', 'second text', 'third'];
    const vectors = await e.embed(texts, 'document');
    expect(fake.embedCalls).toHaveLength(1);
    const call = fake.embedCalls[0]!;
    expect(call.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(call.headers['x-goog-api-key']).toBe(KEY);
    expect(call.path).not.toContain(KEY);
    expect(entries(0)).toEqual(
      texts.map((text) => ({
        model: 'models/gemini-embedding-001',
        content: { role: 'user', parts: [{ text }] },
        taskType: 'RETRIEVAL_DOCUMENT',
      })),
    );
    belongsTo(vectors, texts);
    for (const vector of vectors) expect(vector).toBeInstanceOf(Float32Array);
    expect(e.dimensions).toBe(8);
  });

  it('embeds queries with RETRIEVAL_QUERY', async () => {
    await embedder().embed(['a question?'], 'query');
    expect(entries(0)[0]).toMatchObject({ taskType: 'RETRIEVAL_QUERY', content: { parts: [{ text: 'a question?' }] } });
  });

  it('asks for outputDimensionality, names it in the id, and normalises the (unnormalised) vectors', async () => {
    const e = embedder(undefined, { dimensions: 12 });
    expect(e).toMatchObject({ id: 'gemini:gemini-embedding-001:12', dimensions: 12 });
    const vectors = await e.embed(['x', 'y'], 'document');
    expect(entries(0).map((r) => r.outputDimensionality)).toEqual([12, 12]);
    // The fake's values are not unit length, as gemini-embedding-001's are not below 3072 dimensions.
    expect(Math.hypot(...fakeEmbedding('x', 12))).not.toBeCloseTo(1, 2);
    for (const vector of vectors) {
      expect(vector).toHaveLength(12);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    }
    belongsTo(vectors, ['x', 'y'], 12);
  });

  it('splits at 100 entries per request, keeping the order', async () => {
    const texts = Array.from({ length: 205 }, (_, i) => `text ${i}`);
    const vectors = await embedder(undefined, { concurrency: 3 }).embed(texts, 'document');
    const sizes = fake.embedCalls.map((c) => c.body.requests.length).sort((a: number, b: number) => b - a);
    expect(sizes).toEqual([100, 100, 5]);
    expect(vectors).toHaveLength(205);
    belongsTo(vectors, texts);
  });

  it('estimates usage at four characters a token and prices it', async () => {
    const e = embedder();
    await e.embed(['12345678', '1234'], 'document'); // 12 characters: 3 tokens
    expect(e.usage).toMatchObject({ requests: 1, inputTokens: 3, tokensEstimated: true });
    expect(e.usage.costUsd).toBeCloseTo((3 * 0.15) / 1e6, 15); // gemini-embedding-001: $0.15 per million
  });

  it('waits out a 429 with Retry-After, then succeeds', async () => {
    fake.fault({ kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: geminiError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded') });
    const e = embedder();
    const started = performance.now();
    const vectors = await e.embed(['x'], 'document');
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    belongsTo(vectors, ['x']);
    expect(fake.embedCalls).toHaveLength(2);
    expect(e.usage).toMatchObject({ requests: 1, retries: 1 });
  });

  it('takes the wait from the RetryInfo detail when there is no Retry-After header', async () => {
    fake.fault({ kind: 'status', status: 429, body: geminiError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded', '1s') });
    const started = performance.now();
    await embedder().embed(['x'], 'document');
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('names the address when nothing listens there', async () => {
    const address = await closedPortUrl();
    const e = new GeminiEmbedder(undefined, { baseUrl: address, retries: 0, env: { GEMINI_API_KEY: KEY } });
    const error = await rejection(e.embed(['x'], 'document'));
    expect(error.kind).toBe('unreachable');
    expect(error.message).toBe(`gemini: cannot reach ${address}. Is the server running?`);
  });

  it('names the variable when the key is missing, only when used', async () => {
    const e = new GeminiEmbedder(undefined, { baseUrl: fake.url, env: {} });
    const error = await rejection(e.embed(['x'], 'document'));
    expect(error.kind).toBe('missing_key');
    expect(error.message).toContain('GEMINI_API_KEY');
    expect(fake.requests).toHaveLength(0);
  });

  it('maps a bad key to auth and never shows it', async () => {
    const body = geminiError(400, 'INVALID_ARGUMENT', `API key not valid: ${KEY}`);
    (body.error.details as unknown[]).push({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' });
    fake.fault({ kind: 'status', status: 400, body });
    const error = await rejection(embedder().embed(['x'], 'document'));
    expect(error.kind).toBe('auth');
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain('\n');
  });

  it('stops when the caller aborts', async () => {
    fake.fault({ kind: 'delay', ms: 2000 });
    const error = await rejection(embedder().embed(['x'], 'document', AbortSignal.timeout(100)));
    expect(error.kind).toBe('aborted');
  });
});
