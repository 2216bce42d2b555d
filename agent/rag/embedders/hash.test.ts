import { describe, expect, it } from 'vitest';
import { HashEmbedder, fmix32, fnv1a } from './hash.ts';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
const norm = (v: Float32Array) => Math.sqrt(cosine(v, v));

async function one(text: string, embedder = new HashEmbedder()): Promise<Float32Array> {
  const [vector] = await embedder.embed([text], 'document');
  return vector!;
}

describe('hash functions', () => {
  it('computes the published FNV-1a 32-bit values', () => {
    // Reference values of the FNV-1a test suite (http://www.isthe.com/chongo/tech/comp/fnv/).
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });

  it('uses murmur3 fmix32, which maps 0 to 0 and mixes every bit', () => {
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1)).toBe(0x514e28b7);
    expect(fmix32(1)).not.toBe(fmix32(2));
  });
});

describe('HashEmbedder', () => {
  it('has id hash:<dims>, 384 by default, and honours the dimensions option', async () => {
    expect(new HashEmbedder()).toMatchObject({ id: 'hash:384', dimensions: 384 });
    const small = new HashEmbedder({ dimensions: 64 });
    expect(small).toMatchObject({ id: 'hash:64', dimensions: 64 });
    const vector = await one('a short text', small);
    expect(vector).toBeInstanceOf(Float32Array);
    expect(vector).toHaveLength(64);
    expect(() => new HashEmbedder({ dimensions: 0 })).toThrow(/positive integer/);
    expect(() => new HashEmbedder({ dimensions: 1.5 })).toThrow(/positive integer/);
  });

  it('is deterministic: same text, same vector, across instances, batches and kinds', async () => {
    const text = 'Refunds are issued within 14 days of the request.';
    const a = await one(text);
    const b = await one(text, new HashEmbedder());
    const [, c] = await new HashEmbedder().embed(['something else first', text], 'document');
    const [d] = await new HashEmbedder().embed([text], 'query');
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c!)).toEqual(Array.from(a));
    expect(Array.from(d!)).toEqual(Array.from(a));
  });

  it('gives the same vector on every machine (pinned values)', async () => {
    // A fixed point: integer hashing and IEEE arithmetic only, so these figures must never move.
    // If the algorithm changes on purpose, stored hash indexes are stale: change the id too.
    const vector = await one('the cat sat', new HashEmbedder({ dimensions: 16 }));
    const rounded = Array.from(vector, (x) => Math.round(x * 1e6) / 1e6 || 0);
    expect(rounded).toEqual([-0.201227, 0, 0, 0, -0.026959, -0.201227, -0.549761, 0.174267, 0.750988, 0, 0, 0, 0.147308, 0, 0, 0]);
  });

  it('returns unit vectors', async () => {
    const texts = ['x', 'Hello, world!', 'The quick brown fox jumps over the lazy dog. '.repeat(50), 'Ünïcödé wörds and 数字 123'];
    for (const vector of await new HashEmbedder().embed(texts, 'document')) expect(norm(vector)).toBeCloseTo(1, 5);
  });

  it('is case-insensitive and ignores punctuation and spacing', async () => {
    const a = await one('The Cat, sat!');
    const b = await one('the   cat sat');
    expect(cosine(a, b)).toBeCloseTo(1, 6);
  });

  it('puts similar texts closer than unrelated ones', async () => {
    const query = await one('how do I get a refund for my order');
    const close = await one('Refund policy: you can get a refund for an order within 30 days.');
    const far = await one('The telescope observed a distant galaxy cluster last night.');
    expect(cosine(query, close)).toBeGreaterThan(cosine(query, far) + 0.2);

    // Shared words and shared word order: the same words in the same order beat the same words shuffled.
    const sentence = await one('the cat sat on the mat');
    const sameOrder = await one('a cat sat on a mat');
    const shuffled = await one('mat a on sat a cat');
    expect(cosine(sentence, sameOrder)).toBeGreaterThan(cosine(sentence, shuffled));
  });

  it('gives near-misses partial credit through character trigrams, by hand', async () => {
    // "embedding" has 9 trigrams (#em emb mbe bed edd ddi din ing ng#), "embeddings" 10, 8 shared.
    // Each vector: unigram 1 plus trigrams 1/√n each (energy 1), so norm √2 and
    // cos = 8 · (1/√9)(1/√10) / 2 = 0.4216 (the unigrams differ and, at 384 dims, do not collide).
    expect(cosine(await one('embedding'), await one('embeddings'))).toBeCloseTo(0.4216, 3);
    // "testing" / "meeting": 7 trigrams each, 3 shared (tin ing ng#): 3/7 / 2 = 0.2143.
    expect(cosine(await one('testing'), await one('meeting'))).toBeCloseTo(0.2143, 3);
    // No word in common, but two near-miss pairs; nothing shared with an unrelated text.
    const a = await one('embeddings indexes');
    expect(cosine(a, await one('embedding indexed'))).toBeGreaterThan(0.3);
    expect(Math.abs(cosine(a, await one('weather forecast')))).toBeLessThan(0.05);
  });

  it('embeds text without words as the unit vector on dimension 0', async () => {
    for (const text of ['', '   ', '—!?…']) {
      const vector = await one(text);
      expect(vector).toHaveLength(384);
      expect(vector[0]).toBe(1);
      expect(norm(vector)).toBe(1);
    }
    expect(await new HashEmbedder().embed([], 'query')).toEqual([]);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(new HashEmbedder().embed(['a', 'b'], 'document', controller.signal)).rejects.toThrow();
  });

  it('is fast (prints its throughput; asserts nothing about time)', async () => {
    const vocabulary = 'refund order customer invoice payment shipping delivery account password reset policy days within request support'.split(' ');
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const chunks = Array.from({ length: 2000 }, () =>
      Array.from({ length: 300 }, () => vocabulary[Math.floor(random() * vocabulary.length)]! + (random() < 0.3 ? Math.floor(random() * 1000) : '')).join(' '),
    );
    const embedder = new HashEmbedder();
    await embedder.embed(chunks.slice(0, 100), 'document'); // warm-up
    const started = performance.now();
    const vectors = await embedder.embed(chunks, 'document');
    const seconds = (performance.now() - started) / 1000;
    console.log(`hash:384 embedded ${chunks.length} chunks of 300 words in ${seconds.toFixed(3)} s: ${Math.round(chunks.length / seconds)} chunks/s`);
    expect(vectors).toHaveLength(chunks.length);
  });
});
