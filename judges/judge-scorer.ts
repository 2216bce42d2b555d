// judgeScorer: the shape the LLM-judge scorers share, on defineScorer. A judge scorer says what a
// case must give it (`needs`, and `prepare` for anything more) and how it judges; judgeScorer does
// the rest, the same way for every one:
//
// 1. what the scorer needs, in this order: the reference answer (none: not applicable, null), the
//    final answer (none: fails or skipped, as `needs.answer` says), retrieved chunks (none:
//    skipped, NO_CONTEXT), then `prepare` (a string: skipped with it as the reason);
// 2. the judge (none configured or reachable: skipped with why, judgeOrSkip), and a JudgeUsage
//    for what it spends;
// 3. the judging step. A judge question that failed, returned as it came back (with `details`
//    when the score should carry some), becomes judgeFailed's score; every score the step returns
//    carries what the judge spent as its last detail, `judge`.

import type { z } from 'zod';
import type { RetrievedChunk, Trace } from '../agent/trace.ts';
import { expectedAnswers, type Case } from '../datasets/case.ts';
import { defineScorer, scored, skipped, type DefinedScorer, type Score } from '../metrics/score.ts';
import type { JudgeModel, JudgeResult } from './core.ts';
import { NO_CONTEXT, noAnswer, questionOf, retrievedChunks } from './inputs.ts';
import { isScore, judgeFailed, judgeOrSkip } from './outcome.ts';
import { JudgeUsage } from './usage.ts';

export interface JudgeNeeds {
  /** The first reference answer (expected_answer; RAGAS takes one). A case with none is not this scorer's: null. */
  reference?: true;
  /**
   * The final answer. A run with none 'fails' (value 0, with the scorer's `threshold` in details
   * when it has that option) or, for a check of the answer's claims, 'skips' (nothing to check).
   */
  answer?: 'fails' | 'skips';
  /** At least one retrieved chunk; with none the case is skipped (NO_CONTEXT). */
  chunks?: true;
}

/** What a judging step (and `prepare`) is given: the case, its trace and question, and what `needs` asked for. */
export interface JudgeInputs<N extends JudgeNeeds> {
  case: Case;
  trace: Trace;
  question: string;
  /** The retrieved chunks, each once, in the order first retrieved. */
  chunks: RetrievedChunk[];
  reference: N['reference'] extends true ? string : string | undefined;
  answer: N['answer'] extends 'fails' | 'skips' ? string : string | null;
}

/** A judge question that failed, as askJudge returned it, and the details its score should carry. */
export type JudgeFailure = Extract<JudgeResult<unknown>, { ok: false }> & { details?: Record<string, unknown> };

/** How a scorer judges a case that has what it needs: a score, or the judge question that failed. */
export type JudgeStep<I> = (inputs: I, judge: JudgeModel, usage: JudgeUsage) => Promise<Score | JudgeFailure>;

export interface JudgeScorerDefinition<S extends z.ZodType, N extends JudgeNeeds, P extends object> {
  /** As defineScorer's. */
  name: string;
  options: S;
  instanceName?: (options: z.output<S>, name: string) => string;
  needs: N;
  /** Whether a case is this scorer's at all (default: every case); one that is not gets no score (null). */
  applies?: (c: Case, options: z.output<S>) => boolean;
  /** More the step needs, once `needs` is met and before the judge is asked: the inputs, or why the case is skipped. */
  prepare?: (inputs: JudgeInputs<N>, options: z.output<S>) => P | string;
  /** The judging step for these options (defaults applied), given the name its scores carry. */
  create(options: z.output<S>, name: string): JudgeStep<JudgeInputs<N> & P>;
}

export function judgeScorer<S extends z.ZodType, const N extends JudgeNeeds, P extends object = object>(definition: JudgeScorerDefinition<S, N, P>): DefinedScorer {
  const { needs, prepare } = definition;
  return defineScorer({
    name: definition.name,
    options: definition.options,
    kind: 'judge',
    instanceName: definition.instanceName,
    create(options, name) {
      const step = definition.create(options, name);
      return async ({ case: c, trace, judge: access }) => {
        if (definition.applies && !definition.applies(c, options)) return null;
        const reference = expectedAnswers(c)[0];
        if (needs.reference && reference === undefined) return null;
        if (needs.answer && trace.finalAnswer === null) {
          return needs.answer === 'skips' ? skipped(name, `${noAnswer(trace)}: no claims to check`) : scored(name, 0, false, noAnswer(trace), thresholdOf(options));
        }
        const chunks = retrievedChunks(trace);
        if (needs.chunks && chunks.length === 0) return skipped(name, NO_CONTEXT);
        // `needs` was met: what it asked for is there.
        const inputs = { case: c, trace, question: questionOf(c), chunks, reference, answer: trace.finalAnswer } as JudgeInputs<N>;
        const more = prepare ? prepare(inputs, options) : ({} as P);
        if (typeof more === 'string') return skipped(name, more);
        const judge = judgeOrSkip(name, access);
        if (isScore(judge)) return judge;
        const usage = new JudgeUsage(judge.id);
        const result = await step({ ...inputs, ...more }, judge, usage);
        if ('ok' in result) return judgeFailed(name, result, usage, result.details);
        return { ...result, details: { ...result.details, judge: usage.summary() } };
      };
    },
  });
}

/** A failing score's details when the scorer has a `threshold` option: the threshold it failed against. */
function thresholdOf(options: unknown): { threshold: number } | undefined {
  const threshold = (options as { threshold?: unknown }).threshold;
  return typeof threshold === 'number' ? { threshold } : undefined;
}
