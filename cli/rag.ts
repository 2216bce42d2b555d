// `lunar index <dir>` and `lunar search "<query>"`: the RAG index from the command line.

import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createEmbedder, DEFAULT_EMBEDDER, UnknownEmbedderError } from '../agent/rag/embedders/registry.ts';
import { IndexModelMismatch, IndexStore } from '../agent/rag/index-store.ts';
import { indexFolder } from '../agent/rag/indexer.ts';
import { search, SearchConfig } from '../agent/rag/search.ts';
import type { Embedder, SearchHit } from '../agent/rag/types.ts';
import { nonNegativeInt, positiveInt } from './args.ts';
import { InputError } from '../core/errors.ts';
import { progress, type Progress } from '../runners/progress.ts';

export function registerRagCommands(program: Command, home: () => string): void {
  program
    .command('index')
    .description('Index a folder of markdown files for search: incremental (changed files re-chunked, deleted ones removed, unchanged ones skipped).')
    .argument('<dir>', 'the folder to index')
    .option('-i, --index <file>', 'the index file (default <home>/index.db)')
    .option('-e, --embedder <id>', `hash, ollama:nomic-embed-text, openai:text-embedding-3-small, gemini:gemini-embedding-001 (default: the index's own, else ${DEFAULT_EMBEDDER})`)
    .option('--rebuild', 'start the index again, keeping its embedding cache (needed after changing the embedder)', false)
    .addOption(new Option('--max-tokens <n>', 'chunk size in tokens').default(400).argParser(positiveInt))
    .addOption(new Option('--overlap <n>', 'tokens of overlap between consecutive chunks of a section').default(80).argParser(nonNegativeInt))
    .action(async (dir: string, opts: { index?: string; embedder?: string; rebuild: boolean; maxTokens: number; overlap: number }) => {
      const path = resolve(opts.index ?? join(home(), 'index.db'));
      // The embedder first: a mistyped id must fail before --rebuild touches the index.
      const embedder = embedderFor(opts.embedder, path);
      const store = openStore(path, embedder.id, { rebuild: opts.rebuild });
      let bar: Progress | undefined;
      try {
        const stats = await indexFolder(store, embedder, resolve(dir), {
          maxTokens: opts.maxTokens,
          overlapTokens: opts.overlap,
          onProgress: (done, total) => {
            bar ??= progress(total, process.stderr, 5_000, { unit: 'documents', cost: false });
            bar.update(done);
          },
        });
        bar?.done();
        for (const s of stats.skipped) console.error(`warning: skipped ${s.path}: ${s.reason}`);
        const counts = store.counts();
        console.log(
          `${path}: ${stats.added} added, ${stats.updated} updated, ${stats.removed} removed, ${stats.unchanged} unchanged; ` +
            `${stats.chunks} chunks written (${stats.embedded} embedded, ${stats.cachedEmbeddings} from cache) in ${Math.round(stats.ms)} ms; ` +
            `index holds ${counts.documents} documents, ${counts.chunks} chunks`,
        );
        console.log(usageLine(embedder));
      } finally {
        store.close();
      }
    });

  program
    .command('search')
    .description('Search the index and print ranked chunks with their score breakdown.')
    .argument('<query>', 'what to look for')
    .option('-i, --index <file>', 'the index file (default <home>/index.db)')
    .option('-e, --embedder <id>', 'the embedder to embed the query with (default: the one the index was built with)')
    .addOption(new Option('-m, --mode <mode>', 'bm25, vector or hybrid').choices(['bm25', 'vector', 'hybrid']).default('hybrid'))
    .addOption(new Option('-k <n>', 'results to print').default(5).argParser(positiveInt))
    .addOption(new Option('--fusion <method>', 'how hybrid merges the lists: weighted (BM25 min-max scaled, cosine as it is) or rrf').choices(['weighted', 'rrf']).default('weighted'))
    .addOption(new Option('--vector-index <kind>', 'exact float KNN, or binary-quantised KNN re-scored on floats').choices(['exact', 'quantized']).default('exact'))
    .option('--no-mmr', 'no MMR re-ranking')
    .option('--no-decay', 'no temporal decay for dated documents')
    .option('--json', 'print the hits as JSON', false)
    .action(async (query: string, opts: { index?: string; embedder?: string; mode: 'bm25' | 'vector' | 'hybrid'; k: number; fusion: 'weighted' | 'rrf'; vectorIndex: 'exact' | 'quantized'; mmr: boolean; decay: boolean; json: boolean }) => {
      const path = resolve(opts.index ?? join(home(), 'index.db'));
      if (!existsSync(path)) throw new InputError(`${path}: no index here; build one with lunar index <dir>`);
      const embedder = embedderFor(opts.embedder, path);
      const store = openStore(path, embedder.id);
      try {
        const config = SearchConfig.parse({ mode: opts.mode, k: opts.k, fusion: opts.fusion, vector_index: opts.vectorIndex, mmr: { enabled: opts.mmr }, decay: { enabled: opts.decay } });
        const hits = await search(store, embedder, query, config);
        if (opts.json) return console.log(JSON.stringify(hits, null, 2));
        if (hits.length === 0) return console.log('no results');
        hits.forEach((h, i) => {
          const parts = Object.entries(h.breakdown).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ');
          console.log(`${i + 1}. ${h.path}:${h.startLine}-${h.endLine}  ${h.headings.join(' > ')}\n   score ${shownScore(h).toFixed(4)} (${parts})\n   ${oneLine(h.text, 200)}`);
        });
      } finally {
        store.close();
      }
    });
}

/**
 * The score a person reads: the fused (and decayed) relevance. After MMR a hit's own score is its
 * MMR value, which says where it was picked, not how well it matched (the first pick is always
 * λ = 0.7); that value stays in the breakdown as `mmr`.
 */
export function shownScore(hit: SearchHit): number {
  return hit.breakdown.pre_mmr ?? hit.score;
}

/** The embedder asked for, else the one the index at `path` was built with, else the default. */
function embedderFor(asked: string | undefined, path: string): Embedder {
  const id = asked ?? (existsSync(path) ? IndexStore.builtWith(path) : undefined) ?? DEFAULT_EMBEDDER;
  try {
    return createEmbedder(id);
  } catch (error) {
    if (error instanceof UnknownEmbedderError) throw new InputError(error.message);
    throw error;
  }
}

function openStore(path: string, embedderId: string, options: { rebuild?: boolean } = {}): IndexStore {
  try {
    return new IndexStore(path, embedderId, options);
  } catch (error) {
    if (error instanceof IndexModelMismatch) throw new InputError(error.message);
    throw error;
  }
}

/** What embedding cost: requests, tokens and dollars for a remote embedder; nothing for a local one. */
export function usageLine(embedder: Embedder): string {
  const usage = embedder.usage;
  if (!usage) return `embedder ${embedder.id}: local, no requests, no cost`;
  const tokens = `${usage.tokensEstimated ? '~' : ''}${usage.inputTokens.toLocaleString('en-US')} input tokens`;
  const retries = usage.retries ? ` (+${usage.retries} retries)` : '';
  return `embedder ${embedder.id}: ${usage.requests} requests${retries}, ${tokens}, $${usage.costUsd.toFixed(4)}`;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
