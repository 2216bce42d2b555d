// The deterministic scorers (metrics/), as a list of definitions, each carrying its own name.
// judges/registry.ts, the highest scorer layer, assembles them with the model-graded ones into
// the one registry by name (SCORERS, createScorer); metrics never imports judges.

import type { DefinedScorer } from './score.ts';
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
import { tauReward } from './tau-reward.ts';

export const METRIC_SCORERS: readonly DefinedScorer[] = [
  // Tool calls.
  toolNameMatch,
  toolArgsMatch,
  toolSelection,
  noForbiddenTool,
  trajectory,
  bfclAst,
  // The final answer's text.
  answerContains,
  contains,
  exactMatch,
  answerExcludes,
  regex,
  isJson,
  jsonSchema,
  squadExact,
  squadF1,
  rougeLScorer,
  refusal,
  memoryExcludes,
  // Facts of the run, against budgets.
  latency,
  steps,
  toolErrors,
  tokens,
  cost,
  // Retrieval.
  ...RETRIEVAL_SCORERS,
  // Multi-turn episodes in an environment (τ-bench).
  tauReward,
];
