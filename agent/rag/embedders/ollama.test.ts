import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cosine } from '../index-store.ts';
import { fakeEmbedding } from '../../../test/fakes/http-fake.ts';
import { OllamaFake } from '../../../test/fakes/ollama-server.ts';
import { closedPortUrl, rejection } from '../../../test/fakes/openai-server.ts';
import type { EmbedderOptions } from './common.ts';
import { OllamaEmbedder, ollamaTaskPrefix } from './ollama.ts';

let fake: OllamaFake;

beforeEach(async () => {
  fake = await new OllamaFake().start();
});

afterEach(async () => {
  await fake.close();
});

const embedder = (model?: string, options: EmbedderOptions = {}) =>
  new OllamaEmbedder(model, { baseUrl: fake.url, backoffBaseMs: 10, retries: 2, env: {}, ...options });

describe('OllamaEmbedder', () => {
  it('embeds a batch through /api/embed with nomic task prefixes, in order, as unit Float32Arrays', async () => {
    const e = embedder();
    expect(e.id).toBe('ollama:nomic-embed-text');
    expect(e.dimensions).toBeUndefined();
    const texts = ['first text', 'second text', 'third'];
    const vectors = await e.embed(texts, 'document');
    expect(fake.embedBodies).toEqual([
      { model: 'nomic-embed-text', input: texts.map((t) => `search_document: ${t}`), truncate: true },
    ]);
    expect(vectors).toHaveLength(3);
    vectors.forEach((vector, i) => {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(cosine(vector, fakeEmbedding(`search_document: ${texts[i]}`, 8))).toBeCloseTo(1, 6);
      expect(cosine(vector, vector)).toBeCloseTo(1, 6);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    });
    expect(e.dimensions).toBe(8);

    await e.embed(['a question'], 'query');
    expect(fake.embedBodies[1].input).toEqual(['search_query: a question']);
    // prompt_eval_count from the fake (words, prefixes included): 3 + 3 + 2, then 3; Ollama is free.
    expect(e.usage).toMatchObject({ requests: 2, retries: 0, inputTokens: 11, costUsd: 0 });
  });

  it('sends other models the text as it is', async () => {
    expect(ollamaTaskPrefix('nomic-embed-text:v1.5', 'query')).toBe('search_query: ');
    expect(ollamaTaskPrefix('mxbai-embed-large', 'query')).toBe('');
    const e = embedder('mxbai-embed-large');
    expect(e.id).toBe('ollama:mxbai-embed-large');
    await e.embed(['plain'], 'query');
    expect(fake.embedBodies[0]).toMatchObject({ model: 'mxbai-embed-large', input: ['plain'] });
  });

  it('splits at the batch size and keeps the order across batches', async () => {
    const texts = Array.from({ length: 7 }, (_, i) => `text number ${i}`);
    const vectors = await embedder('all-minilm', { batchSize: 3 }).embed(texts, 'document');
    expect(fake.embedBodies.map((b) => b.input)).toEqual([texts.slice(0, 3), texts.slice(3, 6), texts.slice(6)]);
    vectors.forEach((vector, i) => expect(cosine(vector, fakeEmbedding(texts[i]!, 8))).toBeCloseTo(1, 6));
    expect(await embedder().embed([], 'document')).toEqual([]);
  });

  it('waits out a 429 with Retry-After, then succeeds', async () => {
    fake.fault({ kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: { error: 'too many requests' } });
    const e = embedder();
    const started = performance.now();
    const vectors = await e.embed(['x'], 'document');
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    expect(vectors).toHaveLength(1);
    expect(fake.embedBodies).toHaveLength(2);
    expect(e.usage).toMatchObject({ requests: 1, retries: 1 });
  });

  it('names the address when nothing listens there', async () => {
    const address = await closedPortUrl();
    const error = await rejection(new OllamaEmbedder(undefined, { baseUrl: address, retries: 0, env: {} }).embed(['x'], 'document'));
    expect(error.kind).toBe('unreachable');
    expect(error.message).toBe(`ollama: cannot reach ${address}. Is the server running? Start it with \`ollama serve\`.`);
  });

  it('says how to pull a missing model', async () => {
    fake.fault({ kind: 'status', status: 404, body: { error: 'model "nomic-embed-text" not found, try pulling it first' } });
    const error = await rejection(embedder().embed(['x'], 'document'));
    expect(error).toMatchObject({ kind: 'bad_request', status: 404 });
    expect(error.message).toContain('ollama pull nomic-embed-text');
  });

  it('reads OLLAMA_HOST and refuses a dimensions option', () => {
    expect(new OllamaEmbedder(undefined, { env: { OLLAMA_HOST: '0.0.0.0:9999' } }).host).toBe('http://0.0.0.0:9999');
    expect(() => new OllamaEmbedder(undefined, { dimensions: 256 })).toThrow(/model's own dimensions/);
  });

  it('stops when the caller aborts', async () => {
    fake.fault({ kind: 'delay', ms: 2000 });
    const error = await rejection(embedder().embed(['x'], 'document', AbortSignal.timeout(100)));
    expect(error.kind).toBe('aborted');
  });
});
