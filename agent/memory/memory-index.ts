// The memory files in the RAG store (agent/rag): the same indexer, the same hybrid search. Before
// each search the files are read again and handed to the incremental indexer, which re-chunks and
// re-embeds only the files whose content changed (a note written, a log a person edited) and
// drops the files that are gone; an unchanged memory costs a hash per file.
//
// Temporal decay. A daily log is dated by its file name, so a recent note outranks an old one of
// equal relevance and a fact corrected later tends to come first. The indexer dates a document by
// its front matter only, and memory files have none (people edit them), so the date is set on the
// index's document row after each sync. MEMORY.md and other undated files are evergreen: never
// decayed, as durable facts should be.

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { HashEmbedder } from '../rag/embedders/hash.ts';
import { IndexStore } from '../rag/index-store.ts';
import { indexDocuments, type IndexStats } from '../rag/indexer.ts';
import { type SourceDocument } from '../../datasets/documents.ts';
import { search, type SearchConfigInput } from '../rag/search.ts';
import type { Embedder, SearchHit } from '../rag/types.ts';
import { dateOfPath, listMemoryFiles } from './files.ts';

/** Notes are short: small chunks, no overlap (a note is a section, and sections are never merged). */
export const MEMORY_CHUNKING = { maxTokens: 200, overlapTokens: 0 };

/**
 * Search settings for memory. Fusion by reciprocal rank: memory holds few, short notes, and the
 * weighted fusion's min-max scaling of BM25 within a list of two or three candidates turns a
 * difference in the sixth decimal into the text part's whole weight. Decay: a week's half-life
 * above a floor of 0.3, so a note from yesterday keeps 93% of its score and one from a month ago
 * 34%; relevance still decides between notes that are not about the same thing.
 */
export const MEMORY_SEARCH: SearchConfigInput = {
  mode: 'hybrid',
  fusion: 'rrf',
  k: 5,
  decay: { enabled: true, half_life_days: 7, floor: 0.3 },
};

/** The index file inside the memory root: a dot-file, so it is not a memory file itself. */
export const INDEX_FILE = '.memory-index.db';

export type Reindexed = Pick<IndexStats, 'added' | 'updated' | 'removed' | 'unchanged'>;

export class MemoryIndex {
  private store: IndexStore | undefined;

  constructor(
    readonly root: string,
    readonly embedder: Embedder = new HashEmbedder(),
    private readonly indexPath: string = join(root, INDEX_FILE),
  ) {}

  private open(): IndexStore {
    this.store ??= new IndexStore(this.indexPath, this.embedder.id);
    return this.store;
  }

  /** Brings the index up to date with the files; only changed files are re-indexed. */
  async sync(signal?: AbortSignal): Promise<Reindexed> {
    const store = this.open();
    const paths = await listMemoryFiles(this.root);
    const sources: SourceDocument[] = [];
    for (const path of paths) sources.push({ path, text: await fs.readFile(join(this.root, path), 'utf8') });
    const stats = await indexDocuments(store, this.embedder, sources, { ...MEMORY_CHUNKING, prune: true, signal });
    const dated = store.prepare('UPDATE documents SET date = ? WHERE path = ?');
    store.transaction(() => {
      for (const path of paths) {
        const day = dateOfPath(path);
        if (day) dated.run(day, path);
      }
    });
    return { added: stats.added, updated: stats.updated, removed: stats.removed, unchanged: stats.unchanged };
  }

  /** Hybrid search with decay measured from `now` (the run's clock). Call sync() first. */
  async search(query: string, now: Date, config: SearchConfigInput = {}, signal?: AbortSignal): Promise<SearchHit[]> {
    const decay = { ...MEMORY_SEARCH.decay, ...config.decay, now: now.toISOString() };
    return search(this.open(), this.embedder, query, { ...MEMORY_SEARCH, ...config, decay }, signal);
  }

  close(): void {
    this.store?.close();
    this.store = undefined;
  }
}
