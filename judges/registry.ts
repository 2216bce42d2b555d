// Scorers by name, so a suite can list them and get the same code the tests use: the one registry,
// assembled here, in the highest scorer layer (metrics < judges: metrics never imports judges), from
// the deterministic scorers (metrics/scorers.ts) and the model-graded ones, each under the name it
// defines. Every model-graded scorer but embedding_similarity calls the judge model (Scorer.kind
// 'judge'); rag_attribution calls it only where its label depends on faithfulness.

import type { DefinedScorer, Scorer } from '../metrics/score.ts';
import { METRIC_SCORERS } from '../metrics/scorers.ts';
import { answerRelevancy } from './answer-relevancy.ts';
import { ragAttribution } from './attribution.ts';
import { contextPrecision } from './context-precision.ts';
import { contextRecall } from './context-recall.ts';
import { embeddingSimilarity } from './embedding-similarity.ts';
import { faithfulness } from './faithfulness.ts';
import { hallucination } from './hallucination.ts';
import { pairwiseReference } from './pairwise.ts';
import { rubric } from './rubric.ts';
import { userCheck } from './user-check.ts';

/** The model-graded scorers (judges/): LLM judges, and embedding similarity. */
export const JUDGE_SCORERS: readonly DefinedScorer[] = [
  rubric,
  faithfulness,
  answerRelevancy,
  contextPrecision,
  contextRecall,
  hallucination,
  pairwiseReference,
  ragAttribution,
  embeddingSimilarity,
  userCheck,
];

export const SCORERS: Readonly<Record<string, DefinedScorer>> = byName([...METRIC_SCORERS, ...JUDGE_SCORERS]);

/** The scorers keyed by the name each defines, in order; two of one name is a bug. */
function byName(scorers: readonly DefinedScorer[]): Record<string, DefinedScorer> {
  const registry: Record<string, DefinedScorer> = {};
  for (const scorer of scorers) {
    if (Object.hasOwn(registry, scorer.scorerName)) throw new Error(`two scorers are named "${scorer.scorerName}"`);
    registry[scorer.scorerName] = scorer;
  }
  return registry;
}

export class UnknownScorerError extends Error {}
export { ScorerOptionsError } from '../metrics/score.ts';

export function createScorer(name: string, options: Record<string, unknown> = {}): Scorer {
  const factory = SCORERS[name];
  if (!factory) throw new UnknownScorerError(`unknown scorer "${name}"; known: ${Object.keys(SCORERS).join(', ')}`);
  return factory(options);
}

/** Whether any of these scorers calls the judge, so an attempt needs a judge model. */
export function needsJudge(scorers: readonly Scorer[]): boolean {
  return scorers.some((s) => s.kind === 'judge');
}
