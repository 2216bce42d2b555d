// Search over the index: BM25 (FTS5), vector (sqlite-vec), or hybrid — both candidate lists merged
// by weighted scores or by reciprocal rank fusion — then temporal decay for dated documents and
// MMR re-ranking to cut near-duplicates.
//
// Order. Hits are ranked by score compared as float32, ties broken by path descending (byte order)
// and then by chunk index: trec_eval reads a run file's scores as float32 and breaks ties by docno
// descending, so a run written from the hits ranks exactly as the hits do. After MMR each hit's
// score is its MMR value, nudged down where needed so that scores strictly decrease (the pre-MMR
// score stays in the breakdown as `pre_mmr`).

import { z } from 'zod';
import { compareBytes } from '../../core/compare-bytes.ts';
import { checkVectors, emptyUsage } from './embedders/common.ts';
import type { IndexStore, StoredChunk } from './index-store.ts';
import { sha256 } from './indexer.ts';
import { float32Below, mmrSelect } from './mmr.ts';
import { ftsQuery } from './query.ts';
import type { EmbedUsage, Embedder, SearchHit } from './types.ts';

const Decay = z
  .object({
    enabled: z.boolean().default(true),
    half_life_days: z.number().positive().default(30),
    /**
     * The least share of its score a dated chunk keeps, however old: the score is multiplied by
     * floor + (1 − floor) · 0.5^(age / half_life). 0 is pure exponential decay (a year-old page all
     * but vanishes); 1 turns decay off.
     */
    floor: z.number().min(0).max(1).default(0.5),
    /**
     * How old a document without a date counts as. Unset, undated documents are left alone, so at
     * equal relevance they beat every dated one; set it where undated pages are the older, standing
     * text that dated notes supersede (a handbook and its release notes).
     */
    undated_age_days: z.number().nonnegative().optional(),
    /** The reference date (ISO, e.g. 2026-11-24); default today. Fix it for reproducible runs. */
    now: z
      .string()
      .refine((s) => !Number.isNaN(Date.parse(s)), 'not a date: use an ISO date such as 2026-11-24 or 2026-11-24T09:00:00Z')
      .optional(),
  })
  .strict();

export const SearchConfig = z
  .object({
    mode: z.enum(['bm25', 'vector', 'hybrid']).default('hybrid'),
    k: z.number().int().positive().default(5),
    fusion: z.enum(['weighted', 'rrf']).default('weighted'),
    vector_weight: z.number().min(0).max(1).default(0.7),
    text_weight: z.number().min(0).max(1).default(0.3),
    /** Each list contributes k × this many candidates before fusion and re-ranking. */
    candidate_multiplier: z.number().int().positive().default(4),
    rrf_k: z.number().positive().default(60),
    /** Vector search: exact float KNN, or binary-quantised KNN re-scored on floats. */
    vector_index: z.enum(['exact', 'quantized']).default('exact'),
    /** Candidates the quantised pass hands to float re-scoring, per candidate wanted (≥ 1). */
    rescore_multiplier: z.number().min(1).default(2.5),
    mmr: z.object({ enabled: z.boolean().default(true), lambda: z.number().min(0).max(1).default(0.7) }).strict().default({ enabled: true, lambda: 0.7 }),
    decay: Decay.default({ enabled: true, half_life_days: 30, floor: 0.5 }),
  })
  .strict();

export type SearchConfig = z.infer<typeof SearchConfig>;
export type SearchConfigInput = z.input<typeof SearchConfig>;

/** What a search spent besides time, filled in when passed to search(). */
export interface SearchReport {
  /** The query's vector: from the index's embedding cache, or embedded now at this cost. Absent when no vector search ran. */
  queryEmbedding?: { cached: boolean; usage: EmbedUsage };
}

/** A candidate before its chunk is loaded; `path` and `index` break score ties once known. */
export interface Scored {
  rowid: number;
  score: number;
  breakdown: Record<string, number>;
  path?: string;
  index?: number;
}

interface Candidate {
  chunk: StoredChunk;
  score: number;
  breakdown: Record<string, number>;
}

const DAY_MS = 86_400_000;
const HAS_WORD = /[\p{L}\p{N}]/u;

export async function search(
  store: IndexStore,
  embedder: Embedder,
  query: string,
  input: SearchConfigInput = {},
  signal?: AbortSignal,
  report?: SearchReport,
): Promise<SearchHit[]> {
  const config = SearchConfig.parse(input);
  // Nothing to look for: BM25 has no terms, and a vector of punctuation matches arbitrary chunks.
  if (!HAS_WORD.test(query)) return [];
  const pool = config.k * config.candidate_multiplier;
  const text = config.mode === 'vector' ? [] : bm25Candidates(store, query, pool);
  const vector = config.mode === 'bm25' ? [] : await vectorCandidates(store, embedder, query, pool, config, signal, report);
  if (text.length === 0 && vector.length === 0) return [];

  const chunks = store.chunks([...new Set([...text, ...vector].map((c) => c.rowid))]);
  const located = (list: Scored[]) =>
    list.flatMap((c) => {
      const chunk = chunks.get(c.rowid);
      return chunk ? [{ ...c, path: chunk.path, index: chunk.index }] : [];
    });
  const fused = config.mode === 'hybrid' ? fuse(located(text), located(vector), config) : located(config.mode === 'bm25' ? text : vector);
  let candidates: Candidate[] = fused.map((f) => ({ chunk: chunks.get(f.rowid)!, score: f.score, breakdown: { ...f.breakdown } }));
  if (config.decay.enabled) candidates = applyDecay(candidates, config.decay);
  candidates = candidates
    .map((c) => ({ c, key: rankKey(c) }))
    .sort((a, b) => compareRanked(a.key, b.key))
    .map(({ c }) => c);
  const ranked = config.mmr.enabled ? mmr(candidates, store, config.mmr.lambda, config.k) : candidates.slice(0, config.k);
  return ranked.map(toHit);
}

function bm25Candidates(store: IndexStore, query: string, limit: number): Scored[] {
  const match = ftsQuery(query);
  if (!match) return [];
  return store.bm25(match, limit).map((r) => ({ rowid: r.rowid, score: r.score, breakdown: { bm25: r.score } }));
}

async function vectorCandidates(
  store: IndexStore,
  embedder: Embedder,
  query: string,
  limit: number,
  config: SearchConfig,
  signal?: AbortSignal,
  report?: SearchReport,
): Promise<Scored[]> {
  const vector = await queryVector(store, embedder, query, signal, report);
  const rows = config.vector_index === 'quantized' ? store.knnQuantized(vector, limit, Math.ceil(limit * config.rescore_multiplier)) : store.knnExact(vector, limit);
  return rows.map((r) => ({ rowid: r.rowid, score: r.similarity, breakdown: { vector: r.similarity } }));
}

/**
 * The query's vector, from the embedding cache when this model embedded the same query before. The
 * key is sha256("query\0" + text): models that embed queries and documents differently (nomic's
 * prefixes, Gemini's task types) give a query another vector than the same text as a document.
 */
async function queryVector(store: IndexStore, embedder: Embedder, query: string, signal?: AbortSignal, report?: SearchReport): Promise<Float32Array> {
  const key = sha256(`query\0${query}`);
  const cached = store.cachedEmbedding(key);
  if (cached && (store.dimensions === undefined || cached.length === store.dimensions)) {
    if (report) report.queryEmbedding = { cached: true, usage: emptyUsage() };
    return cached;
  }
  const usage = emptyUsage();
  const vectors = await embedder.embed([query], 'query', signal, usage);
  checkVectors(embedder.id, vectors, 1, store.dimensions);
  try {
    store.cacheEmbedding(key, vectors[0]!);
  } catch (error) {
    // A read-only or busy index still answers; the query is embedded again next time.
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !/^SQLITE_(READONLY|BUSY|LOCKED)/.test(code)) throw error;
  }
  if (report) report.queryEmbedding = { cached: false, usage };
  return vectors[0]!;
}

/**
 * Merges the two candidate lists. Weighted: text_weight × the BM25 score min-max scaled within its
 * list, plus vector_weight × the cosine similarity clamped to 0..1 — not min-max scaled, so a weak
 * best vector match stays weak instead of being stretched to the full weight. RRF: the sum of
 * 1 / (rrf_k + rank) over the lists a candidate is in.
 */
export function fuse(text: readonly Scored[], vector: readonly Scored[], config: Pick<SearchConfig, 'fusion' | 'vector_weight' | 'text_weight' | 'rrf_k'>): Scored[] {
  const merged = new Map<number, Scored>();
  const add = (list: readonly Scored[], part: 'text' | 'vector') => {
    const weight = part === 'text' ? config.text_weight : config.vector_weight;
    const scaled = part === 'text' ? minMax(list.map((c) => c.score)) : list.map((c) => Math.min(1, Math.max(0, c.score)));
    list.forEach((candidate, rank) => {
      const entry = merged.get(candidate.rowid) ?? { rowid: candidate.rowid, score: 0, breakdown: {}, path: candidate.path, index: candidate.index };
      Object.assign(entry.breakdown, candidate.breakdown);
      const contribution = config.fusion === 'rrf' ? 1 / (config.rrf_k + rank + 1) : weight * scaled[rank]!;
      entry.breakdown[`${part}_${config.fusion}`] = contribution;
      entry.score += contribution;
      merged.set(candidate.rowid, entry);
    });
  };
  add(text, 'text');
  add(vector, 'vector');
  return [...merged.values()].map((e) => ({ ...e, breakdown: { ...e.breakdown, fused: e.score } })).sort(compareRanked);
}

/**
 * The ranking order: score descending compared as float32, then path descending in byte order,
 * then chunk index ascending (then rowid, for candidates not yet located). See the header.
 */
export function compareRanked(a: Scored, b: Scored): number {
  const x = Math.fround(a.score);
  const y = Math.fround(b.score);
  if (x !== y) return x > y ? -1 : 1;
  if (a.path !== undefined && b.path !== undefined && a.path !== b.path) return compareBytes(b.path, a.path);
  return (a.index ?? 0) - (b.index ?? 0) || a.rowid - b.rowid;
}

function rankKey(c: Candidate): Scored {
  return { rowid: c.chunk.rowid, score: c.score, breakdown: c.breakdown, path: c.chunk.path, index: c.chunk.index };
}

/** Scales scores to 0..1 within one list; a list of equal scores maps to 1 (all equally good). */
function minMax(scores: readonly number[]): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of scores) {
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  }
  return scores.map((s) => (hi === lo ? 1 : (s - lo) / (hi - lo)));
}

/**
 * Dated documents keep floor + (1 − floor) · 0.5^(age / half-life) of their score: the part above
 * the floor halves every half-life. Undated ones are left alone unless undated_age_days gives them
 * an age; a date after `now` counts as age 0.
 */
export function decayFactor(ageDays: number, halfLifeDays: number, floor: number): number {
  return floor + (1 - floor) * 0.5 ** (Math.max(0, ageDays) / halfLifeDays);
}

function applyDecay(candidates: Candidate[], decay: SearchConfig['decay']): Candidate[] {
  const reference = decay.now ? Date.parse(decay.now) : Date.now();
  return candidates.map((c) => {
    const ageDays = c.chunk.date ? (reference - Date.parse(c.chunk.date)) / DAY_MS : decay.undated_age_days;
    if (ageDays === undefined) return c;
    const factor = decayFactor(ageDays, decay.half_life_days, decay.floor);
    return { ...c, score: c.score * factor, breakdown: { ...c.breakdown, decay: factor } };
  });
}

/**
 * Maximal marginal relevance over the ranked candidates: relevance is each one's score scaled to
 * 0..1 within the list (mmrSelect does the picking). After it, a hit's score is its MMR value,
 * nudged down where needed so that scores strictly decrease.
 */
function mmr(candidates: Candidate[], store: IndexStore, lambda: number, k: number): Candidate[] {
  if (candidates.length === 0) return [];
  const stored = store.vectors(candidates.map((c) => c.chunk.rowid));
  const picks = mmrSelect(minMax(candidates.map((c) => c.score)), candidates.map((c) => stored.get(c.chunk.rowid)), lambda, k);
  let previous = Infinity;
  return picks.map(({ at, value }) => {
    const c = candidates[at]!;
    let score = Math.fround(value);
    if (!(score < previous)) score = float32Below(previous);
    previous = score;
    return { ...c, score, breakdown: { ...c.breakdown, pre_mmr: c.score, mmr: value } };
  });
}

function toHit(c: Candidate): SearchHit {
  const { chunk } = c;
  return {
    chunkId: `${chunk.path}#${chunk.index}`,
    path: chunk.path,
    index: chunk.index,
    text: chunk.text,
    headings: chunk.headings,
    startLine: chunk.startLine,
    endLine: chunk.endLine,
    score: c.score,
    breakdown: c.breakdown,
  };
}
