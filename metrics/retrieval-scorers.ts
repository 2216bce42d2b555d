// Retrieval scorers over what the agent's knowledge tool returned (trace.retrieved), against the
// case's relevance judgments. The ranking is the order chunks were retrieved in, across every
// search the agent made; at document level each document counts once, at its best position.
// The measures are trec_eval's (metrics/retrieval-measures.ts), so a suite's numbers and
// `lunar trec-eval` agree.

import { z } from 'zod';
import { relevanceOf } from '../datasets/case.ts';
import type { Trace } from '../agent/trace.ts';
import { averagePrecision, ndcgAt, precisionAt, recallAt, reciprocalRank, successAt, type Judgments } from './retrieval-measures.ts';
import { defineScorer, scored, type DefinedScorer } from './score.ts';

const Options = z
  .object({
    k: z.number().int().positive().default(5),
    /** The value at or above which the case passes. */
    threshold: z.number().min(0).max(1).optional(),
    /** Judge documents (`path`) or chunks (`path#index`). */
    level: z.enum(['document', 'chunk']).default('document'),
  })
  .strict();

type Measure = (ranked: readonly string[], judgments: Judgments, k: number) => number;
interface MeasureScorer {
  measure: Measure;
  /** The default `threshold`. */
  threshold: number;
  describe: (k: number) => string;
}

const MEASURES: Record<string, MeasureScorer> = {
  precision_at_k: { measure: (r, j, k) => precisionAt(r, j, k), threshold: 0.2, describe: (k) => `P@${k}` },
  recall_at_k: { measure: (r, j, k) => recallAt(r, j, k), threshold: 0.5, describe: (k) => `recall@${k}` },
  hit_at_k: { measure: (r, j, k) => successAt(r, j, k), threshold: 1, describe: (k) => `hit@${k}` },
  mrr: { measure: (r, j, k) => reciprocalRank(r, j, { k }), threshold: 0.5, describe: (k) => `MRR@${k}` },
  map: { measure: (r, j, k) => averagePrecision(r, j, { k }), threshold: 0.5, describe: (k) => `AP@${k}` },
  ndcg_at_k: { measure: (r, j, k) => ndcgAt(r, j, k), threshold: 0.5, describe: (k) => `nDCG@${k}` },
};

/** Retrieved ids in rank order: chunk ids, or document paths each kept at its first position. */
export function rankedIds(trace: Pick<Trace, 'retrieved'>, level: 'document' | 'chunk'): string[] {
  const ids = trace.retrieved.map((r) => (level === 'chunk' ? r.id : r.path));
  return [...new Set(ids)];
}

function retrievalScorer(measureName: string, { measure, threshold: defaultThreshold, describe }: MeasureScorer): DefinedScorer {
  return defineScorer({
    name: measureName,
    options: Options,
    create(options, name) {
      const threshold = options.threshold ?? defaultThreshold;
      return ({ case: c, trace }) => {
        const judgments = relevanceOf(c);
        if (![...judgments.values()].some((grade) => grade > 0)) return null;
        const ranked = rankedIds(trace, options.level);
        const value = measure(ranked, judgments, options.k);
        const reason = `${describe(options.k)} = ${value.toFixed(4)} over ${ranked.length} retrieved ${options.level === 'chunk' ? 'chunks' : 'documents'}`;
        return scored(name, value, value >= threshold, reason, { k: options.k, threshold, ranked: ranked.slice(0, options.k) });
      };
    },
  });
}

/** One scorer per measure, under its key in MEASURES. */
export const RETRIEVAL_SCORERS: readonly DefinedScorer[] = Object.entries(MEASURES).map(([name, measure]) => retrievalScorer(name, measure));
