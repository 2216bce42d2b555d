// Every judge prompt, by id, and their content hashes for a run's provenance lock.

import { CLAIMS_EXTRACT, CLAIMS_VERIFY } from './claims.ts';
import { CONTEXT_PRECISION, CONTEXT_RECALL } from './context.ts';
import { HALLUCINATION_REFERENCE_FREE } from './hallucination.ts';
import { PAIRWISE_COMPARE } from './pairwise.ts';
import { RELEVANCY_QUESTIONS, RELEVANCY_RATE } from './relevancy.ts';
import { RUBRIC_SCORE, RUBRIC_STEPS } from './rubric.ts';
import { USER_CHECK } from './user-check.ts';
import { createHash } from 'node:crypto';
import { FORMAT_INSTRUCTION, promptHash, retryMessage, type JudgePrompt } from './template.ts';

export const JUDGE_PROMPTS: readonly JudgePrompt[] = [
  RUBRIC_STEPS,
  RUBRIC_SCORE,
  CLAIMS_EXTRACT,
  CLAIMS_VERIFY,
  RELEVANCY_QUESTIONS,
  RELEVANCY_RATE,
  CONTEXT_PRECISION,
  CONTEXT_RECALL,
  PAIRWISE_COMPARE,
  HALLUCINATION_REFERENCE_FREE,
  USER_CHECK,
];

/** The texts every judge call shares (the format instruction, the retry message), as one entry. */
const CORE_ID = 'judge.core';

/**
 * `{ name, sha256 }` of every judge prompt and of the texts they all share (`judge.core`), in
 * name order: the shape of Lock.judgePrompts.
 */
export function judgePromptHashes(): { name: string; sha256: string }[] {
  const core = createHash('sha256').update(`${FORMAT_INSTRUCTION}\n${retryMessage('{problem}')}`, 'utf8').digest('hex');
  const all = [{ name: CORE_ID, sha256: core }, ...JUDGE_PROMPTS.map((p) => ({ name: p.id, sha256: promptHash(p) }))];
  return all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
