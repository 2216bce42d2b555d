import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HashEmbedder } from './embedders/hash.ts';
import { IndexModelMismatch, IndexStore } from './index-store.ts';
import { indexFolder } from './indexer.ts';
import { ftsQuery } from './query.ts';
import { fuse, search } from './search.ts';

function corpus(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lunar-rag-'));
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  return dir;
}

const DOCS = {
  'billing/plans.md': '# Plans\n\n## Pro\n\nThe Pro plan costs 10 dollars a month and includes unlimited devices.\n\n## Free\n\nThe Free plan syncs two devices.\n',
  'features/attachments.md': '# Attachments\n\nThe largest single attachment is 50 MB on every plan.\n',
  'troubleshooting/sync.md': '# Sync problems\n\nIf sync stalls, sign out and sign in again. Conflicts create a copy of the note.\n',
};

const embedder = new HashEmbedder();
const open = (dir: string) => new IndexStore(join(dir, '.index', 'index.db'), embedder.id);

describe('indexing', () => {
  it('indexes a folder, then skips unchanged files, re-chunks changed ones and removes deleted ones', async () => {
    const dir = corpus(DOCS);
    const store = open(dir);
    const first = await indexFolder(store, embedder, dir);
    expect(first).toMatchObject({ added: 3, updated: 0, unchanged: 0, removed: 0 });
    expect(store.counts().documents).toBe(3);

    const again = await indexFolder(store, embedder, dir);
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 3, removed: 0, chunks: 0, embedded: 0 });

    writeFileSync(join(dir, 'features/attachments.md'), '# Attachments\n\nThe largest single attachment is 100 MB on every plan.\n');
    rmSync(join(dir, 'troubleshooting/sync.md'));
    const changed = await indexFolder(store, embedder, dir);
    expect(changed).toMatchObject({ added: 0, updated: 1, unchanged: 1, removed: 1 });
    expect(store.counts().documents).toBe(2);
    const hits = await search(store, embedder, 'sync stalls', { mode: 'bm25' });
    expect(hits.map((h) => h.path)).not.toContain('troubleshooting/sync.md');
    const attachment = await search(store, embedder, 'largest attachment', { mode: 'bm25', k: 1 });
    expect(attachment[0]!.text).toContain('100 MB');
    store.close();
  });

  it('embeds an unchanged chunk only once, even when its file changes elsewhere', async () => {
    const dir = corpus({ 'a.md': '# A\n\n## One\n\nFirst section stays the same.\n\n## Two\n\nSecond section.\n' });
    const store = open(dir);
    const first = await indexFolder(store, embedder, dir);
    writeFileSync(join(dir, 'a.md'), '# A\n\n## One\n\nFirst section stays the same.\n\n## Two\n\nSecond section, edited.\n');
    const second = await indexFolder(store, embedder, dir);
    expect(first.embedded).toBe(2);
    expect(second).toMatchObject({ updated: 1, embedded: 1, cachedEmbeddings: 1 });
    store.close();
  });

  it('skips binary and non-UTF-8 files with a reason, indexing the rest', async () => {
    const dir = corpus({ ...DOCS, 'logo.md': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]), 'latin1.md': Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]) });
    const store = open(dir);
    const stats = await indexFolder(store, embedder, dir);
    expect(stats.skipped).toEqual([
      { path: 'latin1.md', reason: 'not UTF-8 text' },
      { path: 'logo.md', reason: 'binary file' },
    ]);
    expect(stats.added).toBe(3);
    store.close();
  });

  it('refuses to open an index with a different embedder and says to re-index', async () => {
    const dir = corpus(DOCS);
    const store = open(dir);
    await indexFolder(store, embedder, dir);
    store.close();
    expect(() => new IndexStore(join(dir, '.index', 'index.db'), 'ollama:nomic-embed-text')).toThrow(IndexModelMismatch);
    expect(() => new IndexStore(join(dir, '.index', 'index.db'), 'ollama:nomic-embed-text')).toThrow(/built with embedder hash:384 .* re-index/);
  });
});

describe('search', () => {
  const dir = corpus(DOCS);
  const ready = (async () => {
    const store = open(dir);
    await indexFolder(store, embedder, dir);
    return store;
  })();

  it('finds the answering chunk in every mode, with a score breakdown', async () => {
    const store = await ready;
    for (const mode of ['bm25', 'vector', 'hybrid'] as const) {
      const hits = await search(store, embedder, 'How much does the Pro plan cost per month?', { mode, k: 3 });
      expect(hits[0]!.path, mode).toBe('billing/plans.md');
      expect(Object.keys(hits[0]!.breakdown).length).toBeGreaterThan(0);
    }
  });

  it('returns nothing, without raising, for empty queries and queries of only stop words or punctuation', async () => {
    const store = await ready;
    for (const query of ['', '   ', 'the of and is', '?!... ,;:', '"""', '***']) {
      await expect(search(store, embedder, query, { mode: 'bm25' })).resolves.toEqual([]);
      await expect(search(store, embedder, query, { mode: 'hybrid' })).resolves.toBeInstanceOf(Array);
    }
  });

  it('never raises on FTS5 syntax characters in a query', async () => {
    const store = await ready;
    const nasty = ['"unbalanced', 'sync*', 'col:sync', 'NEAR(sync stalls)', 'sync NEAR stalls', '-sync', 'sync AND OR NOT', '^sync', '(sync', 'sync)', "it's {sync}", 'plans.md + "pro"'];
    for (const query of nasty) {
      await expect(search(store, embedder, query, { mode: 'hybrid' }), query).resolves.toBeInstanceOf(Array);
    }
    expect(ftsQuery('NEAR(sync stalls) -x "zed')).toBe('"near" OR "sync" OR "stalls" OR "x" OR "zed"');
  });

  it('agrees on the top hit between exact and quantised vector search on a tiny index', async () => {
    const store = await ready;
    const exact = await search(store, embedder, 'attachment size limit', { mode: 'vector', k: 1, mmr: { enabled: false } });
    const quantized = await search(store, embedder, 'attachment size limit', { mode: 'vector', k: 1, vector_index: 'quantized', mmr: { enabled: false } });
    expect(quantized[0]!.chunkId).toBe(exact[0]!.chunkId);
  });
});

describe('fusion', () => {
  const text = [
    { rowid: 1, score: 9, breakdown: {} },
    { rowid: 2, score: 5, breakdown: {} },
    { rowid: 3, score: 1, breakdown: {} },
  ];
  const vector = [
    { rowid: 3, score: 0.9, breakdown: {} },
    { rowid: 4, score: 0.5, breakdown: {} },
  ];

  it('weights min-max normalised scores (0.7 vector, 0.3 text)', () => {
    const fused = fuse(text, vector, { fusion: 'weighted', vector_weight: 0.7, text_weight: 0.3, rrf_k: 60 });
    // text normalised: 1 → 1, 2 → 0.5, 3 → 0; vector: 3 → 1, 4 → 0.
    expect(fused.map((f) => [f.rowid, Number(f.score.toFixed(6))])).toEqual([
      [3, 0.7],
      [1, 0.3],
      [2, 0.15],
      [4, 0],
    ]);
  });

  it('sums reciprocal ranks with k = 60', () => {
    const fused = fuse(text, vector, { fusion: 'rrf', vector_weight: 0.7, text_weight: 0.3, rrf_k: 60 });
    expect(fused[0]!.rowid).toBe(3);
    expect(fused[0]!.score).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(fused.find((f) => f.rowid === 1)!.score).toBeCloseTo(1 / 61, 12);
  });
});
