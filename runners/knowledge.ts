// Opens (and incrementally refreshes) the index a suite's knowledge block names. Variants that
// share a corpus, an embedder and chunking share one index within a run.

import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createEmbedder } from '../agent/rag/embedders/registry.ts';
import { IndexModelMismatch, IndexStore } from '../agent/rag/index-store.ts';
import { indexDocuments, indexFolder } from '../agent/rag/indexer.ts';
import { readTrecDocuments } from '../datasets/trec.ts';
import type { Knowledge } from '../agent/tools/search_knowledge.ts';
import { InputError } from './input-error.ts';
import type { KnowledgeSettings } from './suite.ts';

export class KnowledgeBases {
  private readonly open = new Map<string, Promise<Omit<Knowledge, 'search'>>>();

  constructor(private readonly home: string, private readonly log: (line: string) => void = () => {}) {}

  async get(settings: KnowledgeSettings): Promise<Knowledge> {
    const path = settings.index ?? defaultIndexPath(this.home, settings);
    let base = this.open.get(path);
    if (!base) {
      base = this.build(path, settings);
      this.open.set(path, base);
    }
    return { ...(await base), search: settings.search };
  }

  private async build(path: string, settings: KnowledgeSettings): Promise<Omit<Knowledge, 'search'>> {
    const embedder = createEmbedder(settings.embedder);
    let store: IndexStore;
    try {
      store = new IndexStore(path, embedder.id);
    } catch (error) {
      if (error instanceof IndexModelMismatch) throw new InputError(error.message);
      throw error;
    }
    const chunking = { maxTokens: settings.chunk.maxTokens, overlapTokens: settings.chunk.overlapTokens };
    const stats =
      settings.corpus.kind === 'folder'
        ? await indexFolder(store, embedder, settings.corpus.path, chunking)
        : await indexDocuments(store, embedder, readTrecDocuments(settings.corpus.path), { ...chunking, prune: true });
    for (const skipped of stats.skipped) this.log(`index: skipped ${skipped.path}: ${skipped.reason}`);
    if (stats.added + stats.updated + stats.removed > 0) {
      this.log(`index ${path}: ${stats.added} added, ${stats.updated} updated, ${stats.removed} removed, ${stats.unchanged} unchanged (${stats.chunks} chunks, ${Math.round(stats.ms)} ms)`);
    }
    return { store, embedder };
  }

  async close(): Promise<void> {
    for (const base of this.open.values()) (await base.catch(() => undefined))?.store.close();
    this.open.clear();
  }
}

function defaultIndexPath(home: string, settings: KnowledgeSettings): string {
  const key = JSON.stringify([settings.corpus, settings.embedder, settings.chunk]);
  return join(home, 'indexes', `${createHash('sha256').update(key).digest('hex').slice(0, 16)}.db`);
}
