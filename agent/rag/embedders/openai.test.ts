import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cosine } from '../index-store.ts';
import { fakeEmbedding } from '../../../test/fakes/http-fake.ts';
import { OpenAiFake, TEST_KEY, closedPortUrl, rejection } from '../../../test/fakes/openai-server.ts';
import type { EmbedderOptions } from './common.ts';
import { countTokens } from '../tokens.ts';
import { OpenAiEmbedder } from './openai.ts';

let fake: OpenAiFake;

beforeEach(async () => {
  fake = await new OpenAiFake().start();
});

afterEach(async () => {
  await fake.close();
});

const embedder = (model?: string, options: EmbedderOptions = {}) =>
  new OpenAiEmbedder(model, { baseUrl: `${fake.url}/v1`, apiKey: TEST_KEY, backoffBaseMs: 10, retries: 2, env: {}, ...options });

const belongsTo = (vectors: Float32Array[], texts: string[], dimensions = 8) =>
  vectors.forEach((vector, i) => expect(cosine(vector, fakeEmbedding(texts[i]!, dimensions))).toBeCloseTo(1, 6));

describe('OpenAiEmbedder', () => {
  it('embeds through POST /v1/embeddings with the key, as base64, in order, as unit Float32Arrays', async () => {
    const e = embedder();
    expect(e.id).toBe('openai:text-embedding-3-small');
    const texts = ['alpha beta', 'gamma', 'delta epsilon zeta'];
    const vectors = await e.embed(texts, 'document');
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/embeddings' });
    expect(request!.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
    expect(request!.body).toEqual({ model: 'text-embedding-3-small', input: texts, encoding_format: 'base64' });
    expect(vectors).toHaveLength(3);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    }
    belongsTo(vectors, texts);
    expect(e.dimensions).toBe(8);
  });

  it('embeds queries the same way (OpenAI has no task types)', async () => {
    const [q] = await embedder().embed(['a query'], 'query');
    const [d] = await embedder().embed(['a query'], 'document');
    expect(Array.from(q!)).toEqual(Array.from(d!));
    expect(fake.embeddingBodies[0]).toEqual(fake.embeddingBodies[1]);
  });

  it('places vectors by their index, not by list order', async () => {
    fake.reverseEmbeddings = true;
    const texts = ['one', 'two', 'three', 'four'];
    belongsTo(await embedder().embed(texts, 'document'), texts);
  });

  it('reads plain number arrays from servers that ignore encoding_format', async () => {
    fake.route('POST', /^\/plain\/embeddings$/, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', model: 'm', data: [{ object: 'embedding', index: 0, embedding: [3, 4] }], usage: { prompt_tokens: 1, total_tokens: 1 } }));
    });
    const [vector] = await new OpenAiEmbedder('m', { baseUrl: `${fake.url}/plain`, env: {}, retries: 0 }).embed(['x'], 'document');
    expect(Array.from(vector!)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
  });

  it('asks for reduced dimensions and names them in the id', async () => {
    const e = embedder('text-embedding-3-large', { dimensions: 16 });
    expect(e).toMatchObject({ id: 'openai:text-embedding-3-large:16', dimensions: 16 });
    const vectors = await e.embed(['x', 'y'], 'document');
    expect(fake.embeddingBodies[0]).toMatchObject({ model: 'text-embedding-3-large', dimensions: 16 });
    belongsTo(vectors, ['x', 'y'], 16);
  });

  it('splits at 2048 inputs per request', async () => {
    const texts = Array.from({ length: 2049 }, (_, i) => `t${i}`);
    const vectors = await embedder().embed(texts, 'document');
    expect(fake.embeddingBodies.map((b) => b.input.length)).toEqual([2048, 1]);
    expect(fake.embeddingBodies[1].input).toEqual(['t2048']);
    expect(vectors).toHaveLength(2049);
    belongsTo([vectors[0]!, vectors[2047]!, vectors[2048]!], ['t0', 't2047', 't2048']);
  });

  it('splits at the token budget, counting with cl100k_base', async () => {
    // "a b c" is 3 tokens (a, ␠b, ␠c), "g h" 2. Budget 5: [a b c] | [d e f, g h]. 13 bytes > 5, so tokens are counted.
    expect(countTokens('a b c')).toBe(3);
    expect(countTokens('<|endoftext|>')).toBeGreaterThan(1); // ordinary text, never rejected
    const texts = ['a b c', 'd e f', 'g h'];
    const vectors = await embedder(undefined, { maxBatchTokens: 5 }).embed(texts, 'document');
    expect(fake.embeddingBodies.map((b) => b.input)).toEqual([['a b c'], ['d e f', 'g h']]);
    belongsTo(vectors, texts);
  });

  it('keeps order with several requests in flight', async () => {
    const texts = Array.from({ length: 10 }, (_, i) => `text ${i}`);
    fake.fault({ kind: 'delay', ms: 200 }); // the first batch answers last
    const vectors = await embedder(undefined, { batchSize: 2, concurrency: 4 }).embed(texts, 'document');
    expect(fake.embeddingBodies).toHaveLength(5);
    belongsTo(vectors, texts);
  });

  it('sends a single space for an empty string, which the API refuses', async () => {
    await embedder().embed(['', 'x'], 'document');
    expect(fake.embeddingBodies[0].input).toEqual([' ', 'x']);
  });

  it('reports usage and prices it', async () => {
    const e = embedder();
    await e.embed(['one two three', 'four five'], 'document');
    await e.embed(['six'], 'query');
    // The fake counts words: 3 + 2, then 1; text-embedding-3-small is $0.02 per million tokens.
    expect(e.usage).toMatchObject({ requests: 2, retries: 0, inputTokens: 6, tokensEstimated: false });
    expect(e.usage.costUsd).toBeCloseTo((6 * 0.02) / 1e6, 15);
  });

  it('waits out a 429 with Retry-After, then succeeds', async () => {
    fake.fault({ kind: 'status', status: 429, headers: { 'retry-after': '1' } });
    const e = embedder();
    const started = performance.now();
    const vectors = await e.embed(['x'], 'document');
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    belongsTo(vectors, ['x']);
    expect(fake.embeddingBodies).toHaveLength(2);
    expect(e.usage).toMatchObject({ requests: 1, retries: 1 });
  });

  it('retries a 500 and gives up after retries + 1 requests', async () => {
    for (let i = 0; i < 3; i++) fake.fault({ kind: 'status', status: 500 });
    const error = await rejection(embedder().embed(['x'], 'document'));
    expect(error).toMatchObject({ kind: 'server', status: 500 });
    expect(fake.requests).toHaveLength(3);
  });

  it('names the address when nothing listens there', async () => {
    const address = `${await closedPortUrl()}/v1`;
    const error = await rejection(new OpenAiEmbedder(undefined, { baseUrl: address, apiKey: TEST_KEY, retries: 0, env: {} }).embed(['x'], 'document'));
    expect(error.kind).toBe('unreachable');
    expect(error.message).toBe(`openai: cannot reach ${address}. Is the server running?`);
  });

  it('names the variable when the key is missing, only when used', async () => {
    const e = new OpenAiEmbedder(undefined, { env: {} });
    expect(e.id).toBe('openai:text-embedding-3-small');
    const error = await rejection(e.embed(['x'], 'document'));
    expect(error.kind).toBe('missing_key');
    expect(error.message).toContain('OPENAI_API_KEY');
  });

  it('maps 401 to auth and never shows the key', async () => {
    fake.fault({ kind: 'status', status: 401, body: { error: { message: `Incorrect API key provided: ${TEST_KEY}` } } });
    const error = await rejection(embedder().embed(['x'], 'document'));
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect(error.message).not.toContain(TEST_KEY);
    expect(error.message).not.toContain('\n');
  });

  it('times out a slow reply', async () => {
    fake.fault({ kind: 'delay', ms: 2000 });
    const error = await rejection(embedder(undefined, { timeoutMs: 300, retries: 0 }).embed(['x'], 'document'));
    expect(error.kind).toBe('timeout');
  });
});
