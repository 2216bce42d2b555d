// Search on hand-made indexes: fusion, tie order, MMR, temporal decay, the config's checks, queries
// with nothing to look for, and the query-embedding cache. Numbers in comments are worked by hand.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rankRun } from '../../metrics/retrieval.ts';
import { HashEmbedder } from './embedders/hash.ts';
import { IndexStore } from './index-store.ts';
import { indexDocuments, sha256 } from './indexer.ts';
import { float32Below, mmrSelect } from './mmr.ts';
import { decayFactor, fuse, search, SearchConfig, type SearchReport } from './search.ts';
import type { EmbedKind, EmbedUsage, Embedder } from './types.ts';

const tempIndex = (id: string) => new IndexStore(join(mkdtempSync(join(tmpdir(), 'lunar-search-')), 'index.db'), id);

/** Vectors of 8 dimensions (the bit table's least), from their first few values. */
const pad = (values: readonly number[]) => Float32Array.from({ length: 8 }, (_, i) => values[i] ?? 0);

/** Puts one single-chunk document per entry, with the given vector. */
function putAll(store: IndexStore, docs: { path: string; text: string; vector: number[]; date?: string }[]): void {
  store.transaction(() => {
    for (const d of docs) {
      store.putDocument({ path: d.path, hash: d.path, date: d.date ?? null }, [{ path: d.path, index: 0, text: d.text, headings: [], startLine: 1, endLine: 1, tokens: 1 }], [pad(d.vector)]);
    }
  });
}

/** Embeds each query to the vector given for it; counts calls and charges $0.001 per query embedded. */
class TableEmbedder implements Embedder {
  readonly usage: EmbedUsage = { requests: 0, retries: 0, inputTokens: 0, tokensEstimated: false, costUsd: 0 };
  calls: { texts: readonly string[]; kind: EmbedKind }[] = [];
  constructor(readonly id: string, private readonly table: Record<string, number[]>) {}
  async embed(texts: readonly string[], kind: EmbedKind, _signal?: AbortSignal, usage?: EmbedUsage): Promise<Float32Array[]> {
    this.calls.push({ texts, kind });
    for (const u of [this.usage, usage]) {
      if (!u) continue;
      u.requests++;
      u.inputTokens += texts.length;
      u.costUsd += 0.001 * texts.length;
    }
    return texts.map((t) => pad(this.table[t] ?? [1]));
  }
}

describe('fusion', () => {
  const text = [
    { rowid: 1, score: 9, breakdown: {} },
    { rowid: 2, score: 5, breakdown: {} },
    { rowid: 3, score: 1, breakdown: {} },
  ];
  const vector = [
    { rowid: 3, score: 0.9, breakdown: {} },
    { rowid: 4, score: 0.5, breakdown: {} },
  ];

  it('weights min-max scaled BM25 (0.3) and the cosine similarity as it is (0.7)', () => {
    const fused = fuse(text, vector, { fusion: 'weighted', vector_weight: 0.7, text_weight: 0.3, rrf_k: 60 });
    // text scaled: 1 → 1, 2 → 0.5, 3 → 0. vector: 3 → 0.9, 4 → 0.5 (not stretched to 1 and 0).
    // 3: 0.7 × 0.9 = 0.63; 4: 0.7 × 0.5 = 0.35; 1: 0.3 × 1 = 0.3; 2: 0.3 × 0.5 = 0.15.
    expect(fused.map((f) => [f.rowid, Number(f.score.toFixed(6))])).toEqual([
      [3, 0.63],
      [4, 0.35],
      [1, 0.3],
      [2, 0.15],
    ]);
  });

  it('gives a weak best vector match a weak share, and clamps similarities to 0..1', () => {
    const weak = [
      { rowid: 5, score: 0.2, breakdown: {} },
      { rowid: 6, score: -0.4, breakdown: {} },
    ];
    const fused = fuse([], weak, { fusion: 'weighted', vector_weight: 0.7, text_weight: 0.3, rrf_k: 60 });
    // 0.7 × 0.2 = 0.14 (min-max would have made it 0.7); −0.4 clamps to 0.
    expect(fused.map((f) => [f.rowid, Number(f.score.toFixed(6))])).toEqual([
      [5, 0.14],
      [6, 0],
    ]);
  });

  it('sums reciprocal ranks with k = 60', () => {
    const fused = fuse(text, vector, { fusion: 'rrf', vector_weight: 0.7, text_weight: 0.3, rrf_k: 60 });
    expect(fused[0]!.rowid).toBe(3);
    expect(fused[0]!.score).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(fused.find((f) => f.rowid === 1)!.score).toBeCloseTo(1 / 61, 12);
  });

  it('breaks score ties by path descending, then chunk index', () => {
    const tied = [
      { rowid: 1, score: 2, breakdown: {}, path: 'a.md', index: 1 },
      { rowid: 2, score: 2, breakdown: {}, path: 'b.md', index: 0 },
      { rowid: 3, score: 2, breakdown: {}, path: 'a.md', index: 0 },
      { rowid: 4, score: 1, breakdown: {}, path: 'c.md', index: 0 },
    ];
    // BM25 2, 2, 2, 1 scale to 1, 1, 1, 0: three candidates tie at 0.3.
    const weighted = fuse(tied, [], { fusion: 'weighted', vector_weight: 0.7, text_weight: 0.3, rrf_k: 60 });
    expect(weighted.map((f) => `${f.path}#${f.index}`)).toEqual(['b.md#0', 'a.md#0', 'a.md#1', 'c.md#0']);
  });
});

describe('ties in the final ranking', () => {
  it('ranks equal scores by path descending, as trec_eval ranks equal scores by docno descending', async () => {
    const embedder = new HashEmbedder();
    const store = tempIndex(embedder.id);
    const same = 'Export every notebook as markdown from the settings page.';
    await indexDocuments(store, embedder, ['a.md', 'c.md', 'b.md'].map((path) => ({ path, text: same })));
    const hits = await search(store, embedder, 'export notebook markdown', { mode: 'bm25', k: 3, mmr: { enabled: false } });
    expect(hits.map((h) => h.path)).toEqual(['c.md', 'b.md', 'a.md']);
    expect(new Set(hits.map((h) => h.score)).size).toBe(1);
    store.close();
  });

  it('after MMR, gives strictly decreasing scores, so a run file built from the hits keeps their order', async () => {
    const embedder = new HashEmbedder();
    const store = tempIndex(embedder.id);
    const same = 'Export every notebook as markdown from the settings page.';
    await indexDocuments(store, embedder, ['a.md', 'b.md', 'c.md'].map((path) => ({ path, text: same })));
    const hits = await search(store, embedder, 'export notebook markdown', { mode: 'bm25', k: 3 });
    // Relevance is 1 for all three; duplicates: MMR values 0.7, 0.7 − 0.3 = 0.4, then 0.4 again,
    // which becomes the float32 just below 0.4.
    expect(hits.map((h) => h.path)).toEqual(['c.md', 'b.md', 'a.md']);
    expect(hits.map((h) => h.breakdown.mmr)).toEqual([expect.closeTo(0.7, 6), expect.closeTo(0.4, 6), expect.closeTo(0.4, 6)]);
    expect(hits[2]!.score).toBe(float32Below(Math.fround(hits[1]!.breakdown.mmr!)));
    for (let i = 1; i < hits.length; i++) expect(Math.fround(hits[i]!.score)).toBeLessThan(Math.fround(hits[i - 1]!.score));
    expect(hits.every((h) => h.breakdown.pre_mmr === h.breakdown.bm25)).toBe(true);
    const asRun = rankRun(hits.map((h) => ({ docno: h.path, score: h.score })));
    expect(asRun.map((e) => e.docno)).toEqual(hits.map((h) => h.path));
    store.close();
  });
});

describe('MMR', () => {
  // Query e1. Cosines with it: A 0.9, B 0.88, C 0.8, D 0.5, so relevance (min-max) A 1, B 0.95, C 0.75, D 0.
  // B is A's near-duplicate (cos(A, B) = 0.9 × 0.88 + 0.43589 × 0.47497 = 0.99903); C is not (cos(A, C) =
  // 0.72 − 0.43589 × 0.6 = 0.45847). With λ = 0.7, after A: B 0.7 × 0.95 − 0.3 × 0.99903 = 0.36529,
  // C 0.7 × 0.75 − 0.3 × 0.45847 = 0.38746, so C, the less redundant, comes second.
  const docs = [
    { path: 'a.md', text: 'alpha', vector: [0.9, Math.sqrt(1 - 0.81), 0, 0] },
    { path: 'b.md', text: 'bravo', vector: [0.88, Math.sqrt(1 - 0.88 ** 2), 0, 0] },
    { path: 'c.md', text: 'charlie', vector: [0.8, -0.6, 0, 0] },
    { path: 'd.md', text: 'delta', vector: [0.5, 0, 0, Math.sqrt(0.75)] },
  ];
  const embedder = new TableEmbedder('table:8', { 'find it': [1, 0, 0, 0] });
  const store = tempIndex(embedder.id);
  putAll(store, docs);

  it('with λ = 0.7 picks the less redundant candidate second', async () => {
    const hits = await search(store, embedder, 'find it', { mode: 'vector', k: 2, mmr: { enabled: true, lambda: 0.7 }, decay: { enabled: false } });
    expect(hits.map((h) => h.path)).toEqual(['a.md', 'c.md']);
    expect(hits[0]!.breakdown.mmr).toBeCloseTo(0.7, 5);
    expect(hits[1]!.breakdown.mmr).toBeCloseTo(0.38746, 4);
    expect(hits[1]!.breakdown.pre_mmr).toBeCloseTo(0.8, 5);
    expect(hits[1]!.score).toBeCloseTo(0.38746, 4);
  });

  it('picks what the definition picks, computed the slow way, on random candidates', () => {
    let seed = 7;
    const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const cosine = (a: Float32Array, b: Float32Array) => {
      let d = 0, na = 0, nb = 0;
      for (let i = 0; i < a.length; i++) (d += a[i]! * b[i]!), (na += a[i]! ** 2), (nb += b[i]! ** 2);
      return d / Math.sqrt(na * nb);
    };
    /** MMR as defined: every step, every remaining candidate against every pick. */
    const reference = (relevance: number[], vectors: (Float32Array | undefined)[], lambda: number, k: number) => {
      const chosen: number[] = [];
      const left = relevance.map((_, i) => i);
      while (chosen.length < k && left.length) {
        let best = -1;
        let bestValue = -Infinity;
        for (const i of left) {
          const v = vectors[i];
          const redundancy = chosen.length && v ? Math.max(...chosen.map((c) => (vectors[c] ? cosine(v, vectors[c]!) : 0))) : 0;
          const value = lambda * relevance[i]! - (1 - lambda) * redundancy;
          if (value > bestValue) (bestValue = value), (best = i);
        }
        chosen.push(best);
        left.splice(left.indexOf(best), 1);
      }
      return chosen;
    };
    for (const lambda of [0, 0.3, 0.7, 1]) {
      // 300 candidates in 12 directions (near-duplicates abound), signed values (negative cosines
      // too), a few without a vector, relevance falling with rank, some ties.
      const directions = Array.from({ length: 12 }, () => Array.from({ length: 16 }, () => next() - 0.5));
      const vectors = Array.from({ length: 300 }, (_, i) =>
        i % 37 === 5 ? undefined : Float32Array.from(directions[i % 12]!, (x) => x + 0.3 * (next() - 0.5)),
      );
      const relevance = Array.from({ length: 300 }, (_, i) => (i % 50 === 0 ? 0.5 : 1 - i / 300));
      const picked = mmrSelect(relevance, vectors, lambda, 60).map((p) => p.at);
      expect(picked, `λ = ${lambda}`).toEqual(reference(relevance, vectors, lambda, 60));
    }
  });

  it('without MMR, or with λ = 1, keeps the relevance order', async () => {
    const plain = await search(store, embedder, 'find it', { mode: 'vector', k: 2, mmr: { enabled: false } });
    expect(plain.map((h) => h.path)).toEqual(['a.md', 'b.md']);
    const greedy = await search(store, embedder, 'find it', { mode: 'vector', k: 4, mmr: { enabled: true, lambda: 1 } });
    expect(greedy.map((h) => h.path)).toEqual(['a.md', 'b.md', 'c.md', 'd.md']);
  });
});

describe('temporal decay', () => {
  it('halves the part above the floor every half-life', () => {
    expect(decayFactor(0, 30, 0.5)).toBe(1);
    expect(decayFactor(30, 30, 0.5)).toBe(0.75); // 0.5 + 0.5 × 0.5
    expect(decayFactor(60, 30, 0.5)).toBe(0.625); // 0.5 + 0.5 × 0.25
    expect(decayFactor(30, 30, 0)).toBe(0.5);
    expect(decayFactor(10_000, 30, 0.5)).toBeCloseTo(0.5, 12); // never below the floor
    expect(decayFactor(-5, 30, 0.5)).toBe(1); // dated after `now`: age 0
  });

  const embedder = new HashEmbedder();
  const store = tempIndex(embedder.id);
  const same = 'The trash keeps deleted notes for a while.';
  const ready = indexDocuments(store, embedder, [
    { path: 'undated.md', text: same },
    { path: 'month.md', text: `---\ndate: 2026-10-25\n---\n${same}` },
    { path: 'two-months.md', text: `---\ndate: 2026-09-25\n---\n${same}` },
  ]);
  const base = { mode: 'bm25', k: 3, mmr: { enabled: false } } as const;

  it('scales dated chunks by the factor, leaves undated ones untouched, and respects `now`', async () => {
    await ready;
    const off = await search(store, embedder, 'trash deleted notes', { ...base, decay: { enabled: false } });
    const bm25 = off[0]!.score;
    expect(off.every((h) => h.score === bm25)).toBe(true); // same text, same BM25
    const on = await search(store, embedder, 'trash deleted notes', { ...base, decay: { enabled: true, half_life_days: 30, floor: 0.5, now: '2026-11-24' } });
    const byPath = Object.fromEntries(on.map((h) => [h.path, h]));
    expect(on.map((h) => h.path)).toEqual(['undated.md', 'month.md', 'two-months.md']);
    expect(byPath['undated.md']!.score).toBe(bm25);
    expect(byPath['undated.md']!.breakdown.decay).toBeUndefined();
    expect(byPath['month.md']!.breakdown.decay).toBe(0.75); // 30 days old
    expect(byPath['month.md']!.score).toBeCloseTo(bm25 * 0.75, 12);
    expect(byPath['two-months.md']!.breakdown.decay).toBe(0.625); // 60 days old
    // Seen from 2026-10-25, the month-old page is new and the other one half-life old.
    const earlier = await search(store, embedder, 'trash deleted notes', { ...base, decay: { enabled: true, now: '2026-10-25' } });
    const then = Object.fromEntries(earlier.map((h) => [h.path, h.breakdown.decay]));
    expect(then).toEqual({ 'undated.md': undefined, 'month.md': 1, 'two-months.md': 0.75 });
  });

  it('gives undated documents the age undated_age_days says, when set', async () => {
    await ready;
    const hits = await search(store, embedder, 'trash deleted notes', { ...base, decay: { now: '2026-11-24', undated_age_days: 60 } });
    const factors = Object.fromEntries(hits.map((h) => [h.path, h.breakdown.decay]));
    // Undated counts as 60 days old: 0.625, as old as two-months.md; the month-old page now leads.
    expect(factors).toEqual({ 'month.md': 0.75, 'undated.md': 0.625, 'two-months.md': 0.625 });
    expect(hits.map((h) => h.path)).toEqual(['month.md', 'undated.md', 'two-months.md']);
  });

  it('defaults to a 30-day half-life with a floor of 0.5', () => {
    expect(SearchConfig.parse({}).decay).toEqual({ enabled: true, half_life_days: 30, floor: 0.5 });
  });

  it('refuses a `now` that is not a date, and a floor outside 0..1', async () => {
    const bad = SearchConfig.safeParse({ decay: { now: 'next tuesday' } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]).toMatchObject({ path: ['decay', 'now'], message: expect.stringMatching(/not a date/) });
    expect(SearchConfig.safeParse({ decay: { floor: 1.5 } }).success).toBe(false);
    await expect(search(store, embedder, 'trash', { decay: { now: '2026-13-45' } })).rejects.toThrow(/not a date/);
  });
});

describe('queries with nothing to look for', () => {
  it('return no hits in every mode when the query has no letters or digits', async () => {
    const embedder = new HashEmbedder();
    const store = tempIndex(embedder.id);
    await indexDocuments(store, embedder, [{ path: 'a.md', text: 'Sync stalls? Sign out and in.' }, { path: 'b.md', text: '?!... ,;:' }]);
    for (const query of ['', '   ', '?!... ,;:', '"""', '***', '—–…']) {
      for (const mode of ['bm25', 'vector', 'hybrid'] as const) {
        await expect(search(store, embedder, query, { mode }), `${mode} ${JSON.stringify(query)}`).resolves.toEqual([]);
      }
    }
    store.close();
  });
});

describe('the query-embedding cache', () => {
  it('embeds a query once, keyed by sha256("query\\0" + text), and reports what embedding cost', async () => {
    const embedder = new TableEmbedder('table:8', { 'find it': [1, 0, 0, 0] });
    const store = tempIndex(embedder.id);
    putAll(store, [{ path: 'a.md', text: 'find it here', vector: [1, 0, 0, 0] }]);
    const first: SearchReport = {};
    await search(store, embedder, 'find it', { mode: 'vector' }, undefined, first);
    const second: SearchReport = {};
    const hits = await search(store, embedder, 'find it', { mode: 'hybrid' }, undefined, second);
    expect(hits[0]!.path).toBe('a.md');
    expect(embedder.calls).toEqual([{ texts: ['find it'], kind: 'query' }]);
    expect(first.queryEmbedding).toEqual({ cached: false, usage: { requests: 1, retries: 0, inputTokens: 1, tokensEstimated: false, costUsd: 0.001 } });
    expect(second.queryEmbedding).toMatchObject({ cached: true, usage: { requests: 0, costUsd: 0 } });
    expect(store.cachedEmbedding(sha256('query\0find it'))).toEqual(pad([1]));
    // The same text as a document has its own key: a query vector never answers for a document.
    expect(store.cachedEmbedding(sha256('find it'))).toBeUndefined();
    const bm25: SearchReport = {};
    await search(store, embedder, 'find it', { mode: 'bm25' }, undefined, bm25);
    expect(bm25.queryEmbedding).toBeUndefined();
    store.close();
  });
});
