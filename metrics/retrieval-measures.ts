// Per-query retrieval measures, computed the way trec_eval 9.0.8 computes them (same arithmetic, same
// order of operations), so a value printed with 4 decimals matches trec_eval's digit for digit.
// The docno-level functions are for the harness; evaluate() in retrieval.ts uses the `*Of` forms on a
// relevance list built once per query. A docno listed twice in `ranked` counts twice here; trec_eval
// refuses such a run, and so does evaluate().

/** A query's judgments: docno → qrels rel value. */
export type Judgments = ReadonlyMap<string, number>;

// trec_eval replaces a retrieved doc's rel by these codes and then compares them with the level like any
// other value, so at -l 0 or below they decide whether the doc counts; keeping the codes keeps that.
export const NOT_IN_QRELS = -1;
export const UNJUDGED = -2;

export function relevanceList(ranked: readonly string[], judgments: Judgments): number[] {
  return ranked.map((docno) => {
    const rel = judgments.get(docno);
    if (rel === undefined) return NOT_IN_QRELS;
    return rel < 0 ? UNJUDGED : rel;
  });
}

/** R: judged docs at or above the level. Negative judgments never count, whatever the level. */
export function relevantCount(judgments: Judgments, level = 1): number {
  let n = 0;
  for (const rel of judgments.values()) if (rel >= 0 && rel >= level) n++;
  return n;
}

function hits(rels: readonly number[], k: number, level: number): number {
  let n = 0;
  for (let i = 0; i < rels.length && i < k; i++) if (rels[i] >= level) n++;
  return n;
}

/** P@k: the denominator is k even when fewer than k docs were retrieved. */
export const precisionOf = (rels: readonly number[], k: number, level = 1): number => hits(rels, k, level) / k;

export const recallOf = (rels: readonly number[], k: number, numRel: number, level = 1): number =>
  numRel === 0 ? 0 : hits(rels, k, level) / numRel;

export const successOf = (rels: readonly number[], k: number, level = 1): number => (hits(rels, k, level) > 0 ? 1 : 0);

export function reciprocalRankOf(rels: readonly number[], level = 1, k = Infinity): number {
  for (let i = 0; i < rels.length && i < k; i++) if (rels[i] >= level) return 1 / (i + 1);
  return 0;
}

/** AP, or map_cut when k is given: the sum stops at k but is still divided by R. */
export function averagePrecisionOf(rels: readonly number[], numRel: number, level = 1, k = Infinity): number {
  if (numRel === 0) return 0;
  let found = 0;
  let sum = 0;
  for (let i = 0; i < rels.length && i < k; i++) {
    if (rels[i] >= level) sum += ++found / (i + 1);
  }
  return sum / numRel;
}

/** The ideal ranking's gains: every judged doc with rel > 0, retrieved or not, best first. */
export function idealGains(judgments: Judgments): number[] {
  return [...judgments.values()].filter((rel) => rel > 0).sort((a, b) => b - a);
}

function dcg(gains: readonly number[], k: number): number {
  let sum = 0;
  for (let i = 0; i < gains.length && i < k; i++) if (gains[i] > 0) sum += gains[i] / Math.log2(i + 2);
  return sum;
}

/** nDCG@k with linear gain (the rel value itself); k = Infinity is nDCG over the whole ranking. */
export function ndcgOf(rels: readonly number[], ideal: readonly number[], k = Infinity): number {
  const idcg = dcg(ideal, k);
  return idcg > 0 ? dcg(rels, k) / idcg : 0;
}

/** num_rel_ret: docs not in qrels or judged negative never count here, even at a level that admits them. */
export function relevantRetrievedOf(rels: readonly number[], level = 1): number {
  let n = 0;
  for (const rel of rels) if (rel >= 0 && rel >= level) n++;
  return n;
}

export interface AtK {
  k?: number;
  level?: number;
}

export const precisionAt = (ranked: readonly string[], judgments: Judgments, k: number, level = 1): number =>
  precisionOf(relevanceList(ranked, judgments), k, level);
export const recallAt = (ranked: readonly string[], judgments: Judgments, k: number, level = 1): number =>
  recallOf(relevanceList(ranked, judgments), k, relevantCount(judgments, level), level);
export const successAt = (ranked: readonly string[], judgments: Judgments, k: number, level = 1): number =>
  successOf(relevanceList(ranked, judgments), k, level);
/** RR, or MRR@k's per-query value when k is given (trec_eval's `-M k -m recip_rank`). */
export const reciprocalRank = (ranked: readonly string[], judgments: Judgments, opts: AtK = {}): number =>
  reciprocalRankOf(relevanceList(ranked, judgments), opts.level, opts.k);
export const averagePrecision = (ranked: readonly string[], judgments: Judgments, opts: AtK = {}): number =>
  averagePrecisionOf(relevanceList(ranked, judgments), relevantCount(judgments, opts.level), opts.level, opts.k);
/** nDCG ignores the relevance level: gains are the raw rel values. */
export const ndcgAt = (ranked: readonly string[], judgments: Judgments, k = Infinity): number =>
  ndcgOf(relevanceList(ranked, judgments), idealGains(judgments), k);
export const numRet = (ranked: readonly string[]): number => ranked.length;
export const numRel = (judgments: Judgments, level = 1): number => relevantCount(judgments, level);
export const numRelRet = (ranked: readonly string[], judgments: Judgments, level = 1): number =>
  relevantRetrievedOf(relevanceList(ranked, judgments), level);

// ---- measure names as trec_eval's -m takes them ----

/** trec_eval's print order, whatever order the measures were asked for in. */
export const MEASURE_ORDER = [
  'num_q', 'num_ret', 'num_rel', 'num_rel_ret', 'map', 'recip_rank', 'P', 'recall', 'ndcg_cut', 'map_cut', 'success',
] as const;
export type MeasureName = (typeof MEASURE_ORDER)[number];
export const INTEGER_MEASURES: ReadonlySet<string> = new Set(['num_q', 'num_ret', 'num_rel', 'num_rel_ret']);

const DOC_CUTOFFS = [5, 10, 15, 20, 30, 100, 200, 500, 1000];
export const DEFAULT_CUTOFFS: Partial<Record<MeasureName, readonly number[]>> = {
  P: DOC_CUTOFFS, recall: DOC_CUTOFFS, ndcg_cut: DOC_CUTOFFS, map_cut: DOC_CUTOFFS, success: [1, 5, 10],
};

export interface MeasureSpec {
  name: MeasureName;
  /** Ascending; empty for measures without cutoffs. */
  cutoffs: readonly number[];
}

/** One query's values, as [printed measure name, value] in print order. */
export function queryValues(
  specs: readonly MeasureSpec[],
  ranked: readonly string[],
  judgments: Judgments,
  level: number,
): Array<[string, number]> {
  const rels = relevanceList(ranked, judgments);
  const numRelevant = relevantCount(judgments, level);
  let ideal: number[] | undefined;
  const out: Array<[string, number]> = [];
  for (const { name, cutoffs } of specs) {
    if (name === 'num_q') out.push([name, 1]);
    else if (name === 'num_ret') out.push([name, rels.length]);
    else if (name === 'num_rel') out.push([name, numRelevant]);
    else if (name === 'num_rel_ret') out.push([name, relevantRetrievedOf(rels, level)]);
    else if (name === 'map') out.push([name, averagePrecisionOf(rels, numRelevant, level)]);
    else if (name === 'recip_rank') out.push([name, reciprocalRankOf(rels, level)]);
    else {
      for (const k of cutoffs) {
        let value: number;
        if (name === 'P') value = precisionOf(rels, k, level);
        else if (name === 'recall') value = recallOf(rels, k, numRelevant, level);
        else if (name === 'ndcg_cut') value = ndcgOf(rels, (ideal ??= idealGains(judgments)), k);
        else if (name === 'map_cut') value = averagePrecisionOf(rels, numRelevant, level, k);
        else value = successOf(rels, k, level);
        out.push([`${name}_${k}`, value]);
      }
    }
  }
  return out;
}
