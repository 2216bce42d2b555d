// Incremental indexing: a document whose content hash is unchanged is skipped, a changed one is
// re-chunked and re-embedded (through the embedding cache, so unchanged chunks cost nothing), a
// document that disappeared is removed. Files that are not UTF-8 text are skipped with a warning.
// The index records how it was chunked (max tokens, overlap, chunker version); when that differs
// from what is asked for now, every document is re-chunked — the embedding cache still spares
// the embed calls for chunks whose text came out the same.
//
// Every embed reply is checked: one vector per text, all of the index's length, none zero or
// non-finite (a zero vector makes sqlite-vec's cosine distance NaN, and the ranking arbitrary).

import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { isMdx, stripMdx } from './chunk/mdx.ts';
import { CHUNKER_VERSION, chunkMarkdown, DEFAULT_MAX_TOKENS, DEFAULT_OVERLAP_TOKENS, frontMatter } from './chunk.ts';
import { checkVectors } from './embedders/common.ts';
import type { IndexStore } from './index-store.ts';
import type { Chunk, Embedder } from './types.ts';
import type { SourceDocument } from '../../datasets/documents.ts';

export interface IndexStats {
  added: number;
  /** Changed documents re-indexed, and unchanged ones re-chunked because the chunk settings changed. */
  updated: number;
  unchanged: number;
  removed: number;
  chunks: number;
  embedded: number;
  cachedEmbeddings: number;
  skipped: { path: string; reason: string }[];
  ms: number;
}

export interface IndexOptions {
  maxTokens?: number;
  overlapTokens?: number;
  /** Remove indexed documents that are not among the sources (true for a folder walk). */
  prune?: boolean;
  /** Documents embedded per batch (one embed call per batch). */
  batchSize?: number;
  /** Called with 0 before the first batch of changed documents, then after each batch. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

const TEXT_EXTENSIONS = /\.(md|markdown|mdx|txt)$/i;

/** Indexes every markdown or text file under `root`. */
export async function indexFolder(store: IndexStore, embedder: Embedder, root: string, options: IndexOptions = {}): Promise<IndexStats> {
  const files = await walk(root);
  const skipped: IndexStats['skipped'] = [];
  const sources: SourceDocument[] = [];
  for (const file of files) {
    const path = relative(root, file).split(sep).join('/');
    const bytes = await readFile(file);
    const text = decodeText(bytes);
    if (text === undefined) skipped.push({ path, reason: bytes.includes(0) ? 'binary file' : 'not UTF-8 text' });
    else sources.push({ path, text });
  }
  const stats = await indexDocuments(store, embedder, sources, { prune: true, ...options });
  stats.skipped.push(...skipped);
  return stats;
}

export async function indexDocuments(
  store: IndexStore,
  embedder: Embedder,
  sources: readonly SourceDocument[],
  options: IndexOptions = {},
): Promise<IndexStats> {
  const started = performance.now();
  const stats: IndexStats = { added: 0, updated: 0, unchanged: 0, removed: 0, chunks: 0, embedded: 0, cachedEmbeddings: 0, skipped: [], ms: 0 };
  const known = store.documents();
  const chunking = chunkingKey(options);
  // Chunked some other way (or by a Lunar that did not record it): every document is cut again.
  const rechunkAll = known.size > 0 && store.meta('chunking') !== chunking;
  const changed: { source: SourceDocument; hash: string; isNew: boolean }[] = [];
  for (const source of sources) {
    const hash = sha256(source.text);
    const existing = known.get(source.path);
    if (existing?.hash === hash && !rechunkAll) stats.unchanged++;
    else changed.push({ source, hash, isNew: !existing });
  }
  if (options.prune) {
    const present = new Set(sources.map((s) => s.path));
    const gone = [...known.keys()].filter((p) => !present.has(p));
    store.transaction(() => gone.forEach((p) => store.removeDocument(p)));
    stats.removed = gone.length;
  }

  const batchSize = options.batchSize ?? 64;
  if (changed.length > 0) options.onProgress?.(0, changed.length);
  for (let start = 0; start < changed.length; start += batchSize) {
    options.signal?.throwIfAborted();
    const batch = changed.slice(start, start + batchSize).map((c) => ({ ...c, ...prepareDocument(c.source, options) }));
    const allChunks = batch.flatMap((d) => d.chunks);
    const vectors = await embedChunks(store, embedder, allChunks, stats, options.signal);
    let offset = 0;
    store.transaction(() => {
      for (const doc of batch) {
        store.putDocument({ path: doc.source.path, hash: doc.hash, date: doc.date }, doc.chunks, vectors.slice(offset, offset + doc.chunks.length));
        offset += doc.chunks.length;
        stats.chunks += doc.chunks.length;
        if (doc.isNew) stats.added++;
        else stats.updated++;
      }
    });
    options.onProgress?.(Math.min(start + batchSize, changed.length), changed.length);
  }
  // Recorded only once every document is cut this way: an interrupted run re-chunks all again next time.
  store.setMeta('chunking', chunking);
  stats.ms = performance.now() - started;
  return stats;
}

/** What decides how a document is cut, as stored in the index's meta table. */
function chunkingKey(options: IndexOptions): string {
  return JSON.stringify({
    max_tokens: options.maxTokens ?? DEFAULT_MAX_TOKENS,
    overlap_tokens: options.overlapTokens ?? DEFAULT_OVERLAP_TOKENS,
    chunker: CHUNKER_VERSION,
  });
}

function prepareDocument(source: SourceDocument, options: IndexOptions): { chunks: Chunk[]; date: string | null } {
  const date = frontMatter(source.text).data.date ?? null;
  const text = isMdx(source.path) ? stripMdx(source.text) : source.text;
  const chunks = chunkMarkdown(source.path, text, { maxTokens: options.maxTokens, overlapTokens: options.overlapTokens });
  return { chunks, date: date && !Number.isNaN(Date.parse(date)) ? date : null };
}

/** Vectors for chunks, from the cache where the same text was embedded by the same model before. */
async function embedChunks(store: IndexStore, embedder: Embedder, chunks: readonly Chunk[], stats: IndexStats, signal?: AbortSignal): Promise<Float32Array[]> {
  const hashes = chunks.map((c) => sha256(c.text));
  const vectors: (Float32Array | undefined)[] = hashes.map((h) => store.cachedEmbedding(h));
  const missing = vectors.flatMap((v, i) => (v ? [] : [i]));
  stats.cachedEmbeddings += chunks.length - missing.length;
  if (missing.length) {
    const fresh = await embedder.embed(missing.map((i) => chunks[i]!.text), 'document', signal);
    checkVectors(embedder.id, fresh, missing.length, store.dimensions);
    store.transaction(() =>
      missing.forEach((chunkIndex, j) => {
        vectors[chunkIndex] = fresh[j]!;
        store.cacheEmbedding(hashes[chunkIndex]!, fresh[j]!);
      }),
    );
    stats.embedded += missing.length;
  }
  return vectors as Float32Array[];
}

async function walk(root: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(root, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = join(root, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (entry.isFile() && TEXT_EXTENSIONS.test(entry.name)) out.push(full);
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of a file, or undefined when it is binary (a NUL byte) or not valid UTF-8. */
function decodeText(bytes: Buffer): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return utf8.decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
