import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../providers/errors.ts';
import { HashEmbedder } from './embedders/hash.ts';
import { IndexModelMismatch, IndexStore } from './index-store.ts';
import { indexDocuments, indexFolder } from './indexer.ts';
import { ftsQuery } from './query.ts';
import { search } from './search.ts';
import type { EmbedKind, Embedder } from './types.ts';

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

  it('re-chunks every document when the chunk settings change, embedding only chunks it has not seen', async () => {
    const long = (topic: string) => `# ${topic}\n\n` + Array.from({ length: 12 }, (_, i) => `Paragraph ${i} about ${topic} has a few words in it.`).join('\n\n') + '\n';
    const dir = corpus({ 'a.md': long('sync'), 'b.md': long('refunds') });
    const store = open(dir);
    const first = await indexFolder(store, embedder, dir, { maxTokens: 400, overlapTokens: 80 });
    expect(first).toMatchObject({ added: 2, chunks: 2 });
    const same = await indexFolder(store, embedder, dir, { maxTokens: 400, overlapTokens: 80 });
    expect(same).toMatchObject({ unchanged: 2, updated: 0, chunks: 0 });

    const small = await indexFolder(store, embedder, dir, { maxTokens: 60, overlapTokens: 0 });
    expect(small).toMatchObject({ unchanged: 0, updated: 2 });
    expect(small.chunks).toBeGreaterThan(4);
    expect(store.counts().chunks).toBe(small.chunks);
    expect(JSON.parse(store.meta('chunking')!)).toEqual({ max_tokens: 60, overlap_tokens: 0, chunker: 2 });
    // Only the overlap changes: re-chunked again. Back at 400/80, every chunk text is one the
    // embedding cache already holds.
    const overlap = await indexFolder(store, embedder, dir, { maxTokens: 60, overlapTokens: 20 });
    expect(overlap).toMatchObject({ updated: 2 });
    const back = await indexFolder(store, embedder, dir, { maxTokens: 400, overlapTokens: 80 });
    expect(back).toMatchObject({ updated: 2, chunks: 2, embedded: 0, cachedEmbeddings: 2 });
    store.close();
  });

  it('refuses an embed reply without one finite, non-zero vector per text, and stores nothing from it', async () => {
    const hash = new HashEmbedder();
    const faulty = (fault: 'short' | 'zero' | 'nan'): Embedder => ({
      id: hash.id,
      dimensions: hash.dimensions,
      async embed(texts: readonly string[], kind: EmbedKind) {
        const vectors = await hash.embed(texts, kind);
        if (fault === 'short') return vectors.slice(1);
        if (fault === 'zero') vectors[0] = new Float32Array(hash.dimensions);
        if (fault === 'nan') vectors[0]![3] = Number.NaN;
        return vectors;
      },
    });
    const docs = [{ path: 'a.md', text: 'Sync stalls.' }, { path: 'b.md', text: 'Refunds within 30 days.' }];
    const faults = [['short', /asked for 2 embeddings, got 1/], ['zero', /embedding 0 is all zeros/], ['nan', /embedding 0 holds NaN/]] as const;
    for (const [fault, message] of faults) {
      const store = open(corpus({}));
      const failed = indexDocuments(store, faulty(fault), docs);
      await expect(failed, fault).rejects.toThrow(ProviderError);
      await expect(failed, fault).rejects.toThrow(message);
      expect(store.counts()).toEqual({ documents: 0, chunks: 0 });
      store.close();
    }
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
      // No letters or digits: no vector search either (a vector of punctuation matches arbitrary chunks).
      if (/[a-z]/.test(query)) continue;
      await expect(search(store, embedder, query, { mode: 'hybrid' }), query).resolves.toEqual([]);
    }
  });

  it('reads FTS5 syntax in a query as plain words: never raises, and still finds the sync page', async () => {
    const store = await ready;
    const nasty = ['"unbalanced sync', 'sync*', 'col:sync', 'NEAR(sync stalls)', 'sync NEAR stalls', '-sync', 'sync AND OR NOT', '^sync', '(sync', 'sync)', "it's {sync}", 'sync stalls" OR "x'];
    for (const query of nasty) {
      const bm25 = await search(store, embedder, query, { mode: 'bm25', mmr: { enabled: false } });
      expect(bm25[0]?.path, query).toBe('troubleshooting/sync.md');
      // "syncs" in the Free plan stems to "sync" too; nothing else matches.
      expect(bm25.map((h) => h.path).sort(), query).toEqual(['billing/plans.md', 'troubleshooting/sync.md']);
      const hybrid = await search(store, embedder, query, { mode: 'hybrid' });
      expect(hybrid.map((h) => h.path), query).toContain('troubleshooting/sync.md');
    }
    const pro = await search(store, embedder, 'plans.md + "pro"', { mode: 'bm25' });
    expect(pro[0]!.path).toBe('billing/plans.md');
    expect(ftsQuery('NEAR(sync stalls) -x "zed')).toBe('"near" OR "sync" OR "stalls" OR "x" OR "zed"');
  });
});
