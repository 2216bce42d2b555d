// rubric: an answer graded against free-text criteria in the G-Eval manner. Evaluation steps are
// the suite's own or, when it gives none, written by the judge from the criteria first (G-Eval's
// auto chain-of-thought); the model-call cache keys that call on the criteria alone, so every
// case of a repeat is graded by the same steps. The judge then reasons and gives 1-5, normalised
// to 0..1 as (s - 1) / 4.
//
// Simplified from G-Eval: it weights each score by the probability of its token; the ChatModel
// interface carries no log-probabilities, so the judge's one integer is taken as it is.

import { z } from 'zod';
import { expectedAnswers } from '../datasets/case.ts';
import { parseOptions, scored, type Scorer, type ScoreInput } from '../metrics/score.ts';
import { askJudge, type JudgeModel } from './core.ts';
import { noAnswer, numbered, questionOf, renderChunks, retrievedChunks } from './inputs.ts';
import { isScore, judgeFailed, judgeOrSkip } from './outcome.ts';
import { RUBRIC_SCORE, RUBRIC_STEPS } from './prompts/rubric.ts';
import { JudgeUsage } from './usage.ts';

const Options = z
  .object({
    /** What a good answer does, in plain words. */
    criteria: z.string().trim().min(1),
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

export function rubric(raw: Record<string, unknown> = {}): Scorer {
  const options = parseOptions('rubric', Options, raw);
  const name = options.name ? `rubric:${options.name}` : 'rubric';
  return {
    name,
    kind: 'judge',
    async score(input) {
      const { trace } = input;
      if (trace.finalAnswer === null) return scored(name, 0, false, noAnswer(trace), { threshold: options.threshold });
      const judge = judgeOrSkip(name, input.judge);
      if (isScore(judge)) return judge;
      const usage = new JudgeUsage(judge.id);
      const steps = await stepsFor(judge, options, usage);
      if (!steps.ok) return judgeFailed(name, steps, usage);
      const graded = await askJudge(judge, RUBRIC_SCORE, { criteria: options.criteria, steps: numbered(steps.value), inputs: inputsOf(input, trace.finalAnswer, options) }, usage);
      const details = { steps: steps.value, steps_generated: options.steps === undefined, threshold: options.threshold };
      if (!graded.ok) return judgeFailed(name, graded, usage, details);
      const { score, reasoning } = graded.value;
      const value = (score - 1) / 4;
      return scored(name, value, value >= options.threshold, `score ${score}/5: ${reasoning}`, { ...details, score, reasoning, judge: usage.summary() });
    },
  };
}

async function stepsFor(judge: JudgeModel, options: Options, usage: JudgeUsage) {
  if (options.steps) return { ok: true as const, value: options.steps };
  const written = await askJudge(judge, RUBRIC_STEPS, { criteria: options.criteria }, usage);
  return written.ok ? { ok: true as const, value: written.value.steps } : written;
}

/** The question and the answer, and the reference answers and retrieved context when asked for and present. */
function inputsOf({ case: c, trace }: ScoreInput, answer: string, options: Options): string {
  const parts = [`<question>\n${questionOf(c)}\n</question>`];
  const references = options.include.includes('reference') ? expectedAnswers(c) : [];
  if (references.length === 1) parts.push(`<reference_answer>\n${references[0]}\n</reference_answer>`);
  if (references.length > 1) parts.push(`<reference_answers>\n${numbered(references)}\n</reference_answers>`);
  const chunks = options.include.includes('context') ? retrievedChunks(trace) : [];
  if (chunks.length) parts.push(`<context>\n${renderChunks(chunks)}\n</context>`);
  parts.push(`<answer>\n${answer}\n</answer>`);
  return parts.join('\n\n');
}
