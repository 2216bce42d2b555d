// The model-graded scorers by name, for metrics/registry.ts to merge into SCORERS. Every one but
// embedding_similarity calls the judge model (Scorer.kind 'judge'); rag_attribution calls it only
// where its label depends on faithfulness.

import type { Scorer, ScorerFactory } from '../metrics/score.ts';
import { answerRelevancy } from './answer-relevancy.ts';
import { ragAttribution } from './attribution.ts';
import { contextPrecision } from './context-precision.ts';
import { contextRecall } from './context-recall.ts';
import { embeddingSimilarity } from './embedding-similarity.ts';
import { faithfulness } from './faithfulness.ts';
import { hallucination } from './hallucination.ts';
import { pairwiseReference } from './pairwise.ts';
import { rubric } from './rubric.ts';

export const JUDGE_SCORERS: Readonly<Record<string, ScorerFactory>> = {
  rubric,
  faithfulness,
  answer_relevancy: answerRelevancy,
  context_precision: contextPrecision,
  context_recall: contextRecall,
  hallucination,
  pairwise_reference: pairwiseReference,
  rag_attribution: ragAttribution,
  embedding_similarity: embeddingSimilarity,
};

/** Whether any of these scorers calls the judge, so an attempt needs a judge model. */
export function needsJudge(scorers: readonly Scorer[]): boolean {
  return scorers.some((s) => s.kind === 'judge');
}
