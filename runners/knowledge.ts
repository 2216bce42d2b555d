// Opens (and incrementally refreshes) the index a suite's knowledge block names. Variants that
// share a corpus, an embedder and chunking share one index within a run (search settings are the
// variant's own). An explicit `index:` path
// holds one corpus, embedder and chunking: two variants naming the same path with other settings
// are refused rather than silently given the first one's index.

import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { createEmbedder, UnknownEmbedderError } from '../agent/rag/embedders/registry.ts';
import { IndexModelMismatch, IndexStore } from '../agent/rag/index-store.ts';
import { indexDocuments, indexFolder } from '../agent/rag/indexer.ts';
import { readTrecDocuments } from '../datasets/trec.ts';
import type { Embedder } from '../agent/rag/types.ts';
import type { Knowledge } from '../agent/tools/search_knowledge.ts';
import { InputError } from '../core/errors.ts';
import type { KnowledgeSettings } from './suite.ts';

type Base = Omit<Knowledge, 'search'>;

export class KnowledgeBases {
  /** Index path → what it was opened with, and the store once built. */
  private readonly open = new Map<string, { key: string; base: Promise<Base> }>();

  constructor(private readonly home: string, private readonly log: (line: string) => void = () => {}) {}

  async get(settings: KnowledgeSettings): Promise<Knowledge> {
    const embedder = embedderFor(settings.embedder);
    const key = JSON.stringify({ corpus: settings.corpus, embedder: embedder.id, chunk: settings.chunk });
    const path = resolve(settings.index ?? defaultIndexPath(this.home, key));
    let entry = this.open.get(path);
    if (entry && entry.key !== key) {
      throw new InputError(
        `${path}: one index is named for two knowledge settings (${describe(JSON.parse(entry.key))} and ${describe(JSON.parse(key))}); ` +
          'give each its own index: path, or leave index: out to get one per corpus, embedder and chunking',
      );
    }
    if (!entry) {
      const base = this.build(path, embedder, settings);
      entry = { key, base };
      this.open.set(path, entry);
      // A failed build is forgotten, so a later get() tries again and close() has nothing to close.
      base.catch(() => {
        if (this.open.get(path) === entry) this.open.delete(path);
      });
    }
    return { ...(await entry.base), search: settings.search };
  }

  private async build(path: string, embedder: Embedder, settings: KnowledgeSettings): Promise<Base> {
    let store: IndexStore;
    try {
      store = new IndexStore(path, embedder.id);
    } catch (error) {
      if (error instanceof IndexModelMismatch) throw new InputError(error.message);
      throw error;
    }
    try {
      const chunking = { maxTokens: settings.chunk.maxTokens, overlapTokens: settings.chunk.overlapTokens };
      const stats =
        settings.corpus.kind === 'folder'
          ? await indexFolder(store, embedder, settings.corpus.path, chunking)
          : await indexDocuments(store, embedder, readTrecDocuments(settings.corpus.path), { ...chunking, prune: true });
      for (const skipped of stats.skipped) this.log(`index: skipped ${skipped.path}: ${skipped.reason}`);
      if (stats.added + stats.updated + stats.removed > 0) {
        this.log(`index ${path}: ${stats.added} added, ${stats.updated} updated, ${stats.removed} removed, ${stats.unchanged} unchanged (${stats.chunks} chunks, ${Math.round(stats.ms)} ms)`);
      }
    } catch (error) {
      store.close();
      throw error;
    }
    return { store, embedder };
  }

  async close(): Promise<void> {
    const entries = [...this.open.values()];
    this.open.clear();
    for (const entry of entries) (await entry.base.catch(() => undefined))?.store.close();
  }
}

function embedderFor(id: string): Embedder {
  try {
    return createEmbedder(id);
  } catch (error) {
    if (error instanceof UnknownEmbedderError) throw new InputError(error.message);
    throw error;
  }
}

function describe(key: { corpus: KnowledgeSettings['corpus']; embedder: string; chunk: KnowledgeSettings['chunk'] }): string {
  return `corpus ${key.corpus.path}, embedder ${key.embedder}, chunks of ${key.chunk.maxTokens} tokens with ${key.chunk.overlapTokens} of overlap`;
}

/** One index per corpus, embedder (by its full id: `hash` is `hash:384`) and chunking. */
function defaultIndexPath(home: string, key: string): string {
  return join(home, 'indexes', `${createHash('sha256').update(key).digest('hex').slice(0, 16)}.db`);
}
