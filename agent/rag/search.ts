// Search over the index: BM25 (FTS5), vector (sqlite-vec), or hybrid — both candidate lists merged
// by weighted normalised scores or by reciprocal rank fusion — then temporal decay for dated
// documents and MMR re-ranking to cut near-duplicates.

import { z } from 'zod';
import { cosine, type IndexStore, type StoredChunk } from './index-store.ts';
import { ftsQuery } from './query.ts';
import type { Embedder, SearchHit } from './types.ts';

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
    decay: z
      .object({
        enabled: z.boolean().default(true),
        half_life_days: z.number().positive().default(30),
        /** The reference date (ISO); default today. Fix it for reproducible runs. */
        now: z.string().optional(),
      })
      .strict()
      .default({ enabled: true, half_life_days: 30 }),
  })
  .strict();

export type SearchConfig = z.infer<typeof SearchConfig>;
export type SearchConfigInput = z.input<typeof SearchConfig>;

interface Candidate {
  chunk: StoredChunk;
  score: number;
  breakdown: Record<string, number>;
}

const DAY_MS = 86_400_000;

export async function search(store: IndexStore, embedder: Embedder, query: string, input: SearchConfigInput = {}, signal?: AbortSignal): Promise<SearchHit[]> {
  const config = SearchConfig.parse(input);
  const pool = config.k * config.candidate_multiplier;
  const text = config.mode === 'vector' ? [] : bm25Candidates(store, query, pool);
  const vector = config.mode === 'bm25' ? [] : await vectorCandidates(store, embedder, query, pool, config, signal);
  if (text.length === 0 && vector.length === 0) return [];

  const fused = config.mode === 'hybrid' ? fuse(text, vector, config) : (config.mode === 'bm25' ? text : vector).map((c) => ({ rowid: c.rowid, score: c.score, breakdown: { ...c.breakdown } }));
  const chunks = store.chunks(fused.map((f) => f.rowid));
  let candidates: Candidate[] = fused.flatMap((f) => {
    const chunk = chunks.get(f.rowid);
    return chunk ? [{ chunk, score: f.score, breakdown: f.breakdown }] : [];
  });
  if (config.decay.enabled) candidates = applyDecay(candidates, config.decay.half_life_days, config.decay.now);
  candidates.sort(byScore);
  const ranked = config.mmr.enabled ? mmr(candidates, store, config.mmr.lambda, config.k) : candidates.slice(0, config.k);
  return ranked.map(toHit);
}

interface Scored {
  rowid: number;
  score: number;
  breakdown: Record<string, number>;
}

function bm25Candidates(store: IndexStore, query: string, limit: number): Scored[] {
  const match = ftsQuery(query);
  if (!match) return [];
  return store.bm25(match, limit).map((r) => ({ rowid: r.rowid, score: r.score, breakdown: { bm25: r.score } }));
}

async function vectorCandidates(store: IndexStore, embedder: Embedder, query: string, limit: number, config: SearchConfig, signal?: AbortSignal): Promise<Scored[]> {
  if (query.trim() === '') return [];
  const [vector] = await embedder.embed([query], 'query', signal);
  const rows = config.vector_index === 'quantized' ? store.knnQuantized(vector!, limit, Math.ceil(limit * config.rescore_multiplier)) : store.knnExact(vector!, limit);
  return rows.map((r) => ({ rowid: r.rowid, score: r.similarity, breakdown: { vector: r.similarity } }));
}

/** Merges the two candidate lists: min-max normalised weighted sum, or reciprocal rank fusion. */
export function fuse(text: readonly Scored[], vector: readonly Scored[], config: Pick<SearchConfig, 'fusion' | 'vector_weight' | 'text_weight' | 'rrf_k'>): Scored[] {
  const merged = new Map<number, Scored>();
  const add = (list: readonly Scored[], part: 'text' | 'vector') => {
    const weight = part === 'text' ? config.text_weight : config.vector_weight;
    const normalised = minMax(list.map((c) => c.score));
    list.forEach((candidate, rank) => {
      const entry = merged.get(candidate.rowid) ?? { rowid: candidate.rowid, score: 0, breakdown: {} };
      Object.assign(entry.breakdown, candidate.breakdown);
      const contribution = config.fusion === 'rrf' ? 1 / (config.rrf_k + rank + 1) : weight * normalised[rank]!;
      entry.breakdown[`${part}_${config.fusion}`] = contribution;
      entry.score += contribution;
      merged.set(candidate.rowid, entry);
    });
  };
  add(text, 'text');
  add(vector, 'vector');
  return [...merged.values()].map((e) => ({ ...e, breakdown: { ...e.breakdown, fused: e.score } })).sort((a, b) => b.score - a.score || a.rowid - b.rowid);
}

/** Scales scores to 0..1 within one list; a list of equal scores maps to 1 (all equally good). */
function minMax(scores: readonly number[]): number[] {
  const lo = Math.min(...scores);
  const hi = Math.max(...scores);
  return scores.map((s) => (hi === lo ? 1 : (s - lo) / (hi - lo)));
}

/** Dated documents lose half their score every half-life; undated ones are left alone. */
function applyDecay(candidates: Candidate[], halfLifeDays: number, now?: string): Candidate[] {
  const reference = now ? Date.parse(now) : Date.now();
  return candidates.map((c) => {
    if (!c.chunk.date) return c;
    const ageDays = Math.max(0, (reference - Date.parse(c.chunk.date)) / DAY_MS);
    const factor = 0.5 ** (ageDays / halfLifeDays);
    return { ...c, score: c.score * factor, breakdown: { ...c.breakdown, decay: factor } };
  });
}

/**
 * Maximal marginal relevance: repeatedly take the candidate with the best
 * λ·relevance − (1−λ)·(highest cosine similarity to anything already taken).
 * Relevance is the candidate's score scaled to 0..1 within the list.
 */
function mmr(candidates: Candidate[], store: IndexStore, lambda: number, k: number): Candidate[] {
  if (candidates.length <= 1) return candidates.slice(0, k);
  const vectors = store.vectors(candidates.map((c) => c.chunk.rowid));
  const relevance = minMax(candidates.map((c) => c.score));
  const remaining = candidates.map((c, i) => ({ c, relevance: relevance[i]!, vector: vectors.get(c.chunk.rowid) }));
  const chosen: typeof remaining = [];
  while (chosen.length < k && remaining.length) {
    let bestAt = 0;
    let bestValue = -Infinity;
    remaining.forEach((r, i) => {
      const redundancy = chosen.length && r.vector ? Math.max(...chosen.map((s) => (s.vector ? cosine(r.vector!, s.vector) : 0))) : 0;
      const value = lambda * r.relevance - (1 - lambda) * redundancy;
      if (value > bestValue) {
        bestValue = value;
        bestAt = i;
      }
    });
    const [picked] = remaining.splice(bestAt, 1);
    picked!.c.breakdown.mmr = bestValue;
    chosen.push(picked!);
  }
  return chosen.map((r) => r.c);
}

function byScore(a: Candidate, b: Candidate): number {
  return b.score - a.score || a.chunk.rowid - b.chunk.rowid;
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
