// The index file: sqlite-vec's limits (k ≤ 4096, bit vectors need dimensions in bytes), the
// quantised search against exact search on an index big enough for it to matter, handles closed on
// failure, and a rebuild that keeps the embedding cache.
import { mulberry32 } from '../../metrics/seeded-random.ts';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HashEmbedder } from './embedders/hash.ts';
import { unitVector } from './embedders/common.ts';
import { IndexModelMismatch, IndexStore, VEC0_MAX_K } from './index-store.ts';
import { indexDocuments } from './indexer.ts';
import { search } from './search.ts';

const tempPath = () => join(mkdtempSync(join(tmpdir(), 'lunar-store-')), 'index.db');

afterEach(() => {
  vi.restoreAllMocks();
});

describe('sqlite-vec limits', () => {
  it('caps a KNN query at 4096 rows instead of failing', async () => {
    const embedder = new HashEmbedder();
    const store = new IndexStore(tempPath(), embedder.id);
    await indexDocuments(store, embedder, [{ path: 'a.md', text: 'Sync stalls.' }, { path: 'b.md', text: 'Refunds within 30 days.' }]);
    // k 2000 × 4 candidates per hit = 8000 asked of each list.
    for (const mode of ['vector', 'hybrid'] as const) {
      for (const vector_index of ['exact', 'quantized'] as const) {
        await expect(search(store, embedder, 'sync', { mode, k: 2000, vector_index })).resolves.toHaveLength(2);
      }
    }
    const query = embedder.embedOne('sync');
    expect(store.knnExact(query, 5000)).toHaveLength(2);
    expect(store.knnQuantized(query, 5000, 12_500)).toHaveLength(2);
    expect(VEC0_MAX_K).toBe(4096);
    store.close();
  });

  it('indexes vectors whose dimensions are not a multiple of 8, quantised search falling back to exact', async () => {
    const embedder = new HashEmbedder({ dimensions: 100 });
    const store = new IndexStore(tempPath(), embedder.id);
    const docs = [
      { path: 'a.md', text: 'Sync stalls: sign out and in again.' },
      { path: 'b.md', text: 'Refunds within 30 days of purchase.' },
      { path: 'c.md', text: 'Attachments up to 100 MB.' },
    ];
    await expect(indexDocuments(store, embedder, docs)).resolves.toMatchObject({ added: 3 });
    expect(store.hasQuantized).toBe(false);
    const exact = await search(store, embedder, 'refund purchase', { mode: 'vector', k: 3, mmr: { enabled: false } });
    const quantized = await search(store, embedder, 'refund purchase', { mode: 'vector', k: 3, mmr: { enabled: false }, vector_index: 'quantized' });
    expect(quantized).toEqual(exact);
    expect(exact[0]!.path).toBe('b.md');
    // Updates delete from the tables that exist, and only those.
    await expect(indexDocuments(store, embedder, [{ path: 'a.md', text: 'Sync works now.' }])).resolves.toMatchObject({ updated: 1 });
    store.close();
  });
});

describe('quantised search against exact search', () => {
  // 2,400 chunks of 64 dimensions in 40 clusters (a centre plus noise, as embeddings of one topic
  // sit together); each query is a chunk's vector, perturbed. With rescore_multiplier 1 the
  // Hamming pass hands over only as many rows as are wanted, so re-scoring cannot rescue a poor
  // first pass: recall against exact search then shows whether the bit vectors are searched at all.
  const size = 2_400;
  const dims = 64;
  const next = mulberry32(42);
  const gauss = () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
  const centres = Array.from({ length: 40 }, () => Array.from({ length: dims }, gauss));
  const vectors = Array.from({ length: size }, (_, i) => unitVector(centres[i % 40]!.map((c) => c + 0.9 * gauss())));
  const queries = Array.from({ length: 40 }, (_, q) => unitVector(vectors[q * 59]!.map((x) => x + 0.02 * gauss())));
  const store = new IndexStore(tempPath(), `synthetic:${dims}`);
  store.transaction(() => {
    vectors.forEach((v, i) => {
      const path = `doc-${String(i).padStart(4, '0')}`;
      store.putDocument({ path, hash: path, date: null }, [{ path, index: 0, text: path, headings: [], startLine: 1, endLine: 1, tokens: 1 }], [v]);
    });
  });

  it('finds most of the exact top 10 while asking the bit table for far fewer rows than the index holds', () => {
    const asked: number[] = [];
    const prepare = store.prepare.bind(store);
    vi.spyOn(store, 'prepare').mockImplementation((sql: string) => {
      const statement = prepare(sql);
      if (!sql.includes('FROM chunks_vec_bit WHERE embedding MATCH')) return statement;
      return new Proxy(statement, {
        get: (target, key) => (key === 'all' ? (...args: unknown[]) => (asked.push(args[1] as number), target.all(...args)) : Reflect.get(target, key)),
      });
    });
    let found = 0;
    for (const query of queries) {
      const exact = store.knnExact(query, 10).map((r) => r.rowid);
      const approx = new Set(store.knnQuantized(query, 10, 10).map((r) => r.rowid));
      found += exact.filter((rowid) => approx.has(rowid)).length;
    }
    const recall = found / (queries.length * 10);
    expect(asked).toHaveLength(queries.length);
    expect(Math.max(...asked)).toBe(10);
    expect(store.counts().chunks).toBe(size);
    // Measured 0.44 (10 rows re-scored) and 0.99 (200); random rows would find 10 / 2,400 of the top ten.
    expect(recall).toBeGreaterThan(0.3);
    // More candidates re-scored, more of the exact top ten.
    let more = 0;
    for (const query of queries) {
      const exact = store.knnExact(query, 10).map((r) => r.rowid);
      const approx = new Set(store.knnQuantized(query, 10, 200).map((r) => r.rowid));
      more += exact.filter((rowid) => approx.has(rowid)).length;
    }
    expect(more / (queries.length * 10)).toBeGreaterThan(recall);
    expect(more / (queries.length * 10)).toBeGreaterThan(0.9);
  });
});

describe('opening an index', () => {
  it('closes its handle when it refuses to open (another embedder, a newer schema)', async () => {
    const path = tempPath();
    new IndexStore(path, 'hash:384').close();
    const close = vi.spyOn(Database.prototype, 'close');
    expect(() => new IndexStore(path, 'hash:128')).toThrow(IndexModelMismatch);
    expect(close).toHaveBeenCalledTimes(1);
    const db = new Database(path);
    db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    db.close();
    close.mockClear();
    expect(() => new IndexStore(path, 'hash:384')).toThrow(/schema 99 is newer/);
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('on rebuild drops the content and what it was built with, but keeps the embedding cache', async () => {
    const path = tempPath();
    const embedder = new HashEmbedder();
    const docs = [{ path: 'a.md', text: 'Sync stalls.' }, { path: 'b.md', text: 'Refunds within 30 days.' }];
    const store = new IndexStore(path, embedder.id);
    await indexDocuments(store, embedder, docs);
    store.close();

    // Another embedder, allowed by the rebuild.
    const other = new HashEmbedder({ dimensions: 128 });
    const rebuilt = new IndexStore(path, other.id, { rebuild: true });
    expect(rebuilt.counts()).toEqual({ documents: 0, chunks: 0 });
    expect(rebuilt.dimensions).toBeUndefined();
    expect(rebuilt.meta('embedder')).toBe('hash:128');
    expect(rebuilt.bm25('"sync"', 10)).toEqual([]);
    await expect(indexDocuments(rebuilt, other, docs)).resolves.toMatchObject({ added: 2, embedded: 2 });
    expect(rebuilt.dimensions).toBe(128);
    rebuilt.close();

    // And back: the hash:384 vectors come from the cache the rebuilds kept.
    const back = new IndexStore(path, embedder.id, { rebuild: true });
    await expect(indexDocuments(back, embedder, docs)).resolves.toMatchObject({ added: 2, embedded: 0, cachedEmbeddings: 2 });
    const hits = await search(back, embedder, 'sync', { mode: 'hybrid', k: 1 });
    expect(hits[0]!.path).toBe('a.md');
    back.close();
  });

  it('reads the embedder an index was built with, without changing the file', () => {
    const path = tempPath();
    new IndexStore(path, 'hash:256').close();
    expect(IndexStore.builtWith(path)).toBe('hash:256');
  });
});
