// Retrieval benchmarks for `npm run perf`:
// - BM25 (FTS5, porter) on Vaswani: MAP over the odd queries, by trec_eval's rules, against
//   Terrier's published BM25 figure (0.2965 over all 93 queries);
// - hybrid query latency at 10k and 100k chunks of 384 dimensions, with exact float KNN and with
//   binary-quantised KNN re-scored on floats, plus the quantised search's recall@10 against exact;
// - indexing throughput with the hash embedder.
// Figures are medians over many queries in one process; nothing asserts.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unitVector } from '../agent/rag/embedders/common.ts';
import { HashEmbedder } from '../agent/rag/embedders/hash.ts';
import { IndexStore } from '../agent/rag/index-store.ts';
import { indexDocuments } from '../agent/rag/indexer.ts';
import { search, type SearchConfigInput } from '../agent/rag/search.ts';
import type { Embedder } from '../agent/rag/types.ts';
import { readTrecDocuments, readTrecTopics } from '../datasets/trec.ts';
import { evaluate } from '../metrics/retrieval.ts';
import { type Qrels, type Run } from '../datasets/trec-files.ts';
import { mulberry32 } from '../metrics/seeded-random.ts';
import { mean, quantile } from '../metrics/stats.ts';
import { relevanceOf } from '../datasets/case.ts';
import { howToGet } from '../datasets/reference/locate.ts';

const TERRIER_BM25_MAP = 0.2965;
const VASWANI_FILES = ['doc-text.trec', 'query-text.odd.trec', 'qrels.odd'];

export async function perfRetrieval(vaswani: string, sizes: readonly number[], log: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lunar-perf-rag-'));
  try {
    const missing = VASWANI_FILES.filter((file) => !existsSync(join(vaswani, file)));
    if (missing.length === 0) await vaswaniMap(vaswani, dir, log);
    else log(`vaswani: ${join(vaswani, missing[0]!)} not found, skipped (${howToGet('vaswani', missing)})`);
    for (const size of sizes) await latencyAt(size, dir, log);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function vaswaniMap(folder: string, dir: string, log: (line: string) => void): Promise<void> {
  const embedder = new HashEmbedder();
  const store = new IndexStore(join(dir, 'vaswani.db'), embedder.id);
  try {
    const docs = readTrecDocuments(join(folder, 'doc-text.trec'));
    const stats = await indexDocuments(store, embedder, docs);
    log(`vaswani: indexed ${docs.length} documents (${stats.chunks} chunks) in ${(stats.ms / 1000).toFixed(2)} s: ${Math.round(stats.chunks / (stats.ms / 1000))} chunks/s with the hash embedder`);
    const topics = readTrecTopics(join(folder, 'query-text.odd.trec'), join(folder, 'qrels.odd'));
    const qrels: Qrels = new Map(topics.map((t) => [t.id, relevanceOf(t)]));
    for (const [label, config] of [
      ['BM25', { mode: 'bm25' }],
      ['hybrid (weighted)', { mode: 'hybrid', fusion: 'weighted' }],
      ['hybrid (rrf)', { mode: 'hybrid', fusion: 'rrf' }],
    ] as const) {
      const run: Run = new Map();
      for (const topic of topics) {
        const hits = await search(store, embedder, topic.input!, { ...config, k: 1000, candidate_multiplier: 1, mmr: { enabled: false }, decay: { enabled: false } });
        run.set(topic.id, hits.map((h) => ({ docno: h.path, score: h.score })));
      }
      const rows = evaluate(qrels, run, { measures: ['map', 'ndcg_cut.1000'], perQuery: false, complete: true });
      const map = rows.find((r) => r.measure === 'map')!.value;
      const ndcg = rows.find((r) => r.measure === 'ndcg_cut_1000')?.value;
      const versus = label === 'BM25' ? `; Terrier BM25 ${TERRIER_BM25_MAP} over all 93 queries: difference ${(map - TERRIER_BM25_MAP >= 0 ? '+' : '')}${(map - TERRIER_BM25_MAP).toFixed(4)}` : '';
      log(`vaswani ${label}: MAP ${map.toFixed(4)}${ndcg !== undefined ? `, nDCG ${ndcg.toFixed(4)}` : ''} over ${topics.length} odd queries${versus}`);
    }
  } finally {
    store.close();
  }
}

/**
 * Search latency on a synthetic index: chunk text from a Zipf vocabulary (for BM25) and dense
 * 384-dimension vectors shaped like an embedding model's — mixtures of topic directions plus noise
 * — so that binary quantisation meets the near-ties it meets in practice. Queries are a few words
 * of a chunk with a perturbed copy of its vector, like a question about that chunk.
 */
async function latencyAt(size: number, dir: string, log: (line: string) => void): Promise<void> {
  const corpus = syntheticCorpus(size, 200, 7);
  const embedder = new LookupEmbedder(corpus.queryVectors);
  const store = new IndexStore(join(dir, `synthetic-${size}.db`), embedder.id);
  try {
    await latencyOn(store, embedder, corpus, size, log);
  } finally {
    store.close();
  }
}

async function latencyOn(store: IndexStore, embedder: LookupEmbedder, corpus: SyntheticCorpus, size: number, log: (line: string) => void): Promise<void> {
  const started = performance.now();
  for (let start = 0; start < size; start += 1_000) {
    store.transaction(() => {
      for (let i = start; i < Math.min(size, start + 1_000); i++) {
        const text = corpus.texts[i]!;
        store.putDocument({ path: `doc-${i}`, hash: String(i), date: null }, [{ path: `doc-${i}`, index: 0, text, headings: [], startLine: 1, endLine: 1, tokens: 0 }], [corpus.vectors[i]!]);
      }
    });
  }
  log(`synthetic ${size}: stored ${size} chunks with float, bit and FTS5 indexes in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const queries = [...corpus.queryVectors.keys()];
  const base: SearchConfigInput = { mode: 'hybrid', k: 10, mmr: { enabled: false }, decay: { enabled: false } };
  const line = (t: Timed) => `p50 ${t.p50.toFixed(2)} ms, p95 ${t.p95.toFixed(2)} ms`;
  const bm25 = await timeQueries(store, embedder, queries, { ...base, mode: 'bm25' });
  const vectorExact = await timeQueries(store, embedder, queries, { ...base, mode: 'vector', vector_index: 'exact' });
  const hybridExact = await timeQueries(store, embedder, queries, { ...base, vector_index: 'exact' });
  log(`synthetic ${size}: bm25 ${line(bm25)}; exact vector ${line(vectorExact)}; hybrid with exact float KNN ${line(hybridExact)}`);
  for (const multiplier of [1, 2.5, 5]) {
    const config = { ...base, vector_index: 'quantized' as const, rescore_multiplier: multiplier };
    const vector = await timeQueries(store, embedder, queries, { ...config, mode: 'vector' });
    const hybrid = await timeQueries(store, embedder, queries, config);
    const vectorRecall = mean(queries.map((_, i) => overlap(vectorExact.results[i]!, vector.results[i]!))) ?? 0;
    const hybridRecall = mean(queries.map((_, i) => overlap(hybridExact.results[i]!, hybrid.results[i]!))) ?? 0;
    log(
      `synthetic ${size}: quantised, ${Math.ceil(40 * multiplier)} candidates re-scored: vector ${line(vector)}; hybrid ${line(hybrid)} (${(hybridExact.p50 / hybrid.p50).toFixed(1)}x faster than exact), ` +
        `recall@10 vs exact: vector ${vectorRecall.toFixed(3)}, hybrid ${hybridRecall.toFixed(3)}`,
    );
  }
}

/** An embedder for benchmarks: the vector prepared for each query text. */
class LookupEmbedder implements Embedder {
  readonly id = 'synthetic:384';
  readonly dimensions = 384;
  constructor(private readonly table: Map<string, Float32Array>) {}
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.table.get(t) ?? unitVector(new Float32Array(384)));
  }
}

interface Timed {
  p50: number;
  p95: number;
  results: string[][];
}

async function timeQueries(store: IndexStore, embedder: Embedder, queries: readonly string[], config: SearchConfigInput): Promise<Timed> {
  for (const q of queries.slice(0, 10)) await search(store, embedder, q, config); // warm up
  const times: number[] = [];
  const results: string[][] = [];
  for (const q of queries) {
    const started = performance.now();
    const hits = await search(store, embedder, q, config);
    times.push(performance.now() - started);
    results.push(hits.map((h) => h.chunkId));
  }
  return { p50: quantile(times, 0.5)!, p95: quantile(times, 0.95)!, results };
}

function overlap(exact: readonly string[], approx: readonly string[]): number {
  if (exact.length === 0) return 1;
  const found = new Set(approx);
  return exact.filter((id) => found.has(id)).length / exact.length;
}

interface SyntheticCorpus {
  texts: string[];
  vectors: Float32Array[];
  /** Query text → query vector. */
  queryVectors: Map<string, Float32Array>;
}

function syntheticCorpus(size: number, queries: number, seed: number): SyntheticCorpus {
  const random = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const vocabulary = makeVocabulary(30_000, random);
  const zipf = zipfSampler(vocabulary.length, 1.07, random);
  const topics = Array.from({ length: 200 }, () => Float32Array.from({ length: 384 }, gauss));
  const texts: string[] = [];
  const ranks: number[][] = [];
  const vectors: Float32Array[] = [];
  for (let i = 0; i < size; i++) {
    const words = Array.from({ length: 90 + Math.floor(random() * 60) }, () => zipf());
    ranks.push(words);
    texts.push(words.map((w) => vocabulary[w]!).join(' '));
    const v = new Float32Array(384);
    for (let t = 1 + Math.floor(random() * 3); t > 0; t--) {
      const topic = topics[Math.floor(random() * topics.length)]!;
      const weight = random();
      for (let d = 0; d < 384; d++) v[d]! += weight * topic[d]!;
    }
    for (let d = 0; d < 384; d++) v[d]! += 0.8 * gauss();
    vectors.push(unitVector(v));
  }
  const queryVectors = new Map<string, Float32Array>();
  while (queryVectors.size < queries) {
    const target = Math.floor(random() * size);
    // Content words, as a real query has after stop words are dropped: not the 100 most frequent.
    const words = ranks[target]!.filter((rank) => rank >= 100).map((rank) => vocabulary[rank]!);
    const text = Array.from({ length: 3 + Math.floor(random() * 4) }, () => words[Math.floor(random() * words.length)]!).join(' ');
    queryVectors.set(text, unitVector(Float32Array.from(vectors[target]!, (x) => x + 0.05 * gauss())));
  }
  return { texts, vectors, queryVectors };
}

function makeVocabulary(size: number, random: () => number): string[] {
  const consonants = 'bcdfghjklmnprstvz';
  const vowels = 'aeiou';
  const words = new Set<string>();
  while (words.size < size) {
    let word = '';
    const syllables = 2 + Math.floor(random() * 3);
    for (let s = 0; s < syllables; s++) word += consonants[Math.floor(random() * consonants.length)]! + vowels[Math.floor(random() * vowels.length)]!;
    words.add(word);
  }
  return [...words];
}

function zipfSampler(n: number, exponent: number, random: () => number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cumulative[i] = total += 1 / (i + 1) ** exponent;
  return () => {
    const target = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
