// rubric: an answer graded against free-text criteria in the G-Eval manner. Evaluation steps are
// the suite's own or, when it gives none, written by the judge from the criteria first (G-Eval's
// auto chain-of-thought); the model-call cache keys that call on the criteria alone, so every
// case of a repeat is graded by the same steps. The judge then reasons and gives 1-5, normalised
// to 0..1 as (s - 1) / 4.
//
// Simplified from G-Eval: it weights each score by the probability of its token; the ChatModel
// interface carries no log-probabilities, so the judge's one integer is taken as it is.

import { z } from 'zod';
import { expectedAnswers, type Case } from '../datasets/case.ts';
import { scored } from '../metrics/score.ts';
import { askJudge, type JudgeModel } from './core.ts';
import { numbered, renderChunks } from './inputs.ts';
import { judgeScorer, type JudgeInputs } from './judge-scorer.ts';
import { RUBRIC_SCORE, RUBRIC_STEPS } from './prompts/rubric.ts';
import type { JudgeUsage } from './usage.ts';

const Options = z
  .object({
    /** What a good answer does, in plain words; absent: each case's own `rubric` (a case without one is not scored). */
    criteria: z.string().trim().min(1).optional(),
    /** Evaluation steps; when absent the judge writes them from the criteria. */
    steps: z.array(z.string().trim().min(1)).min(1).optional(),
    /** The normalised score at or above which the case passes. */
    threshold: z.number().min(0).max(1).default(0.5),
    /** What else the judge sees besides the question and the answer. */
    include: z.array(z.enum(['reference', 'context'])).default(['reference']),
    /** Names the scorer `rubric:<name>`, so a suite can grade several rubrics. */
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lower-case letters, digits, - and _').optional(),
  })
  .strict();
type Options = z.output<typeof Options>;

export const rubric = judgeScorer({
  name: 'rubric',
  options: Options,
  instanceName: (options, name) => (options.name ? `${name}:${options.name}` : name),
  applies: (c, options) => options.criteria !== undefined || c.rubric !== undefined,
  needs: { answer: 'fails' },
  create: (options, name) => async (inputs, judge, usage) => {
    const criteria = criteriaFor(inputs.case, options);
    const steps = await stepsFor(judge, criteria, options, usage);
    if (!steps.ok) return steps;
    const graded = await askJudge(judge, RUBRIC_SCORE, { criteria, steps: numbered(steps.value), inputs: inputsOf(inputs, options) }, usage);
    const details = { steps: steps.value, steps_generated: options.steps === undefined, threshold: options.threshold };
    if (!graded.ok) return { ...graded, details };
    const { score, reasoning } = graded.value;
    const value = (score - 1) / 4;
    return scored(name, value, value >= options.threshold, `score ${score}/5: ${reasoning}`, { ...details, score, reasoning });
  },
});

/** The suite's criteria, else the case's own rubric (several: one numbered list, all to hold). */
function criteriaFor(c: Case, options: Options): string {
  if (options.criteria !== undefined) return options.criteria;
  const own = typeof c.rubric === 'string' ? [c.rubric] : (c.rubric ?? []);
  return own.length === 1 ? own[0]! : `The answer meets every one of these:\n${numbered(own)}`;
}

async function stepsFor(judge: JudgeModel, criteria: string, options: Options, usage: JudgeUsage) {
  if (options.steps) return { ok: true as const, value: options.steps };
  const written = await askJudge(judge, RUBRIC_STEPS, { criteria }, usage);
  return written.ok ? { ok: true as const, value: written.value.steps } : written;
}

/** The question and the answer, and the reference answers and retrieved context when asked for and present. */
function inputsOf({ case: c, question, answer, chunks: retrieved }: JudgeInputs<{ answer: 'fails' }>, options: Options): string {
  const parts = [`<question>\n${question}\n</question>`];
  const references = options.include.includes('reference') ? expectedAnswers(c) : [];
  if (references.length === 1) parts.push(`<reference_answer>\n${references[0]}\n</reference_answer>`);
  if (references.length > 1) parts.push(`<reference_answers>\n${numbered(references)}\n</reference_answers>`);
  const chunks = options.include.includes('context') ? retrieved : [];
  if (chunks.length) parts.push(`<context>\n${renderChunks(chunks)}\n</context>`);
  parts.push(`<answer>\n${answer}\n</answer>`);
  return parts.join('\n\n');
}
