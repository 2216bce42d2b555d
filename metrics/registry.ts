// Scorers by name, so a suite can list them and get the same code the tests use.

import type { Scorer, ScorerFactory } from './score.ts';
import { JUDGE_SCORERS } from '../judges/registry.ts';
import { bfclAst } from './bfcl/scorer.ts';
import { isJson, jsonSchema } from './json.ts';
import { memoryExcludes } from './memory-excludes.ts';
import { refusal } from './refusal.ts';
import { regex } from './regex.ts';
import { RETRIEVAL_SCORERS } from './retrieval-scorers.ts';
import { rougeLScorer } from './rouge.ts';
import { cost, latency, steps, tokens, toolErrors } from './run-facts.ts';
import { squadExact, squadF1 } from './squad.ts';
import { answerContains, answerExcludes, contains, exactMatch } from './text.ts';
import { toolArgsMatch, toolNameMatch } from './tool-calls.ts';
import { noForbiddenTool, toolSelection } from './tool-selection.ts';
import { trajectory } from './trajectory.ts';

export const SCORERS: Readonly<Record<string, ScorerFactory>> = {
  // Tool calls.
  tool_name_match: toolNameMatch,
  tool_args_match: toolArgsMatch,
  tool_selection: toolSelection,
  no_forbidden_tool: noForbiddenTool,
  trajectory,
  bfcl_ast: bfclAst,
  // The final answer's text.
  answer_contains: answerContains,
  contains,
  exact_match: exactMatch,
  answer_excludes: answerExcludes,
  regex,
  is_json: isJson,
  json_schema: jsonSchema,
  squad_exact: squadExact,
  squad_f1: squadF1,
  rouge_l: rougeLScorer,
  refusal,
  memory_excludes: memoryExcludes,
  // Facts of the run, against budgets.
  latency,
  steps,
  tool_errors: toolErrors,
  tokens,
  cost,
  // Retrieval.
  ...RETRIEVAL_SCORERS,
  // Model-graded (judges/): LLM judges, and embedding similarity.
  ...JUDGE_SCORERS,
};

export class UnknownScorerError extends Error {}
export { ScorerOptionsError } from './score.ts';

export function createScorer(name: string, options: Record<string, unknown> = {}): Scorer {
  const factory = SCORERS[name];
  if (!factory) throw new UnknownScorerError(`unknown scorer "${name}"; known: ${Object.keys(SCORERS).join(', ')}`);
  return factory(options);
}
