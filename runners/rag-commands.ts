// `lunar index <dir>` and `lunar search "<query>"`: the RAG index from the command line.

import { Command, Option } from 'commander';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createEmbedder } from '../agent/rag/embedders/registry.ts';
import { IndexModelMismatch, IndexStore } from '../agent/rag/index-store.ts';
import { indexFolder } from '../agent/rag/indexer.ts';
import { search, SearchConfig } from '../agent/rag/search.ts';
import { nonNegativeInt, positiveInt } from './cli-args.ts';
import { InputError } from './input-error.ts';

export function registerRagCommands(program: Command, home: () => string): void {
  program
    .command('index')
    .description('Index a folder of markdown files for search: incremental (changed files re-chunked, deleted ones removed, unchanged ones skipped).')
    .argument('<dir>', 'the folder to index')
    .option('-i, --index <file>', 'the index file (default <home>/index.db)')
    .option('-e, --embedder <id>', 'hash (offline default), ollama:nomic-embed-text, openai:text-embedding-3-small, gemini:gemini-embedding-001', 'hash')
    .option('--rebuild', 'delete the index and build it again (needed after changing the embedder)', false)
    .addOption(new Option('--max-tokens <n>', 'chunk size in tokens').default(400).argParser(positiveInt))
    .addOption(new Option('--overlap <n>', 'tokens of overlap between consecutive chunks of a section').default(80).argParser(nonNegativeInt))
    .action(async (dir: string, opts: { index?: string; embedder: string; rebuild: boolean; maxTokens: number; overlap: number }) => {
      const path = resolve(opts.index ?? join(home(), 'index.db'));
      if (opts.rebuild) await removeIndex(path);
      const embedder = createEmbedder(opts.embedder);
      const store = openStore(path, embedder.id);
      try {
        const stats = await indexFolder(store, embedder, resolve(dir), {
          maxTokens: opts.maxTokens,
          overlapTokens: opts.overlap,
          onProgress: progressLine,
        });
        for (const s of stats.skipped) console.error(`warning: skipped ${s.path}: ${s.reason}`);
        const counts = store.counts();
        console.log(
          `${path}: ${stats.added} added, ${stats.updated} updated, ${stats.removed} removed, ${stats.unchanged} unchanged; ` +
            `${stats.chunks} chunks written (${stats.embedded} embedded, ${stats.cachedEmbeddings} from cache) in ${Math.round(stats.ms)} ms; ` +
            `index holds ${counts.documents} documents, ${counts.chunks} chunks`,
        );
      } finally {
        store.close();
      }
    });

  program
    .command('search')
    .description('Search the index and print ranked chunks with their score breakdown.')
    .argument('<query>', 'what to look for')
    .option('-i, --index <file>', 'the index file (default <home>/index.db)')
    .option('-e, --embedder <id>', 'the embedder the index was built with', 'hash')
    .addOption(new Option('-m, --mode <mode>', 'bm25, vector or hybrid').choices(['bm25', 'vector', 'hybrid']).default('hybrid'))
    .addOption(new Option('-k <n>', 'results to print').default(5).argParser(positiveInt))
    .addOption(new Option('--fusion <method>', 'how hybrid merges the lists: weighted (normalised scores) or rrf').choices(['weighted', 'rrf']).default('weighted'))
    .addOption(new Option('--vector-index <kind>', 'exact float KNN, or binary-quantised KNN re-scored on floats').choices(['exact', 'quantized']).default('exact'))
    .option('--no-mmr', 'no MMR re-ranking')
    .option('--no-decay', 'no temporal decay for dated documents')
    .option('--json', 'print the hits as JSON', false)
    .action(async (query: string, opts: { index?: string; embedder: string; mode: 'bm25' | 'vector' | 'hybrid'; k: number; fusion: 'weighted' | 'rrf'; vectorIndex: 'exact' | 'quantized'; mmr: boolean; decay: boolean; json: boolean }) => {
      const path = resolve(opts.index ?? join(home(), 'index.db'));
      const embedder = createEmbedder(opts.embedder);
      const store = openStore(path, embedder.id, true);
      try {
        const config = SearchConfig.parse({ mode: opts.mode, k: opts.k, fusion: opts.fusion, vector_index: opts.vectorIndex, mmr: { enabled: opts.mmr }, decay: { enabled: opts.decay } });
        const hits = await search(store, embedder, query, config);
        if (opts.json) return console.log(JSON.stringify(hits, null, 2));
        if (hits.length === 0) return console.log('no results');
        hits.forEach((h, i) => {
          const parts = Object.entries(h.breakdown).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ');
          console.log(`${i + 1}. ${h.path}:${h.startLine}-${h.endLine}  ${h.headings.join(' > ')}\n   score ${h.score.toFixed(4)} (${parts})\n   ${oneLine(h.text, 200)}`);
        });
      } finally {
        store.close();
      }
    });
}

function openStore(path: string, embedderId: string, mustExist = false): IndexStore {
  if (mustExist && !existsSync(path)) throw new InputError(`${path}: no index here; build one with lunar index <dir>`);
  try {
    return new IndexStore(path, embedderId);
  } catch (error) {
    if (error instanceof IndexModelMismatch) throw new InputError(error.message);
    throw error;
  }
}

async function removeIndex(path: string): Promise<void> {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

function progressLine(done: number, total: number): void {
  if (process.stderr.isTTY) process.stderr.write(`\rindexing ${done}/${total} changed documents\u001b[K${done === total ? '\n' : ''}`);
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
