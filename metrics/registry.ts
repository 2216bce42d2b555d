// Scorers by name, so a suite can list them and get the same code the tests use.

import type { Scorer, ScorerFactory } from './score.ts';
import { RETRIEVAL_SCORERS } from './retrieval-scorers.ts';
import { answerContains } from './text.ts';
import { toolArgsMatch, toolNameMatch } from './tool-calls.ts';

export const SCORERS: Readonly<Record<string, ScorerFactory>> = {
  tool_name_match: toolNameMatch,
  tool_args_match: toolArgsMatch,
  answer_contains: answerContains,
  ...RETRIEVAL_SCORERS,
};

export class UnknownScorerError extends Error {}
export { ScorerOptionsError } from './score.ts';

export function createScorer(name: string, options: Record<string, unknown> = {}): Scorer {
  const factory = SCORERS[name];
  if (!factory) throw new UnknownScorerError(`unknown scorer "${name}"; known: ${Object.keys(SCORERS).join(', ')}`);
  return factory(options);
}
