// context_precision (RAGAS, with reference): each retrieved chunk, in rank order, judged useful
// for arriving at the reference answer or not (one judge call per chunk, as RAGAS); the value is
// average precision over those verdicts: the sum of precision@k at every useful rank k, divided
// by the number of useful chunks (0 when none is useful, as RAGAS). With several acceptable
// reference answers, the first is the reference (RAGAS takes one).

import { z } from 'zod';
import { expectedAnswers } from '../datasets/case.ts';
import { parseOptions, scored, skipped, type Scorer } from '../metrics/score.ts';
import { askJudge } from './core.ts';
import { NO_CONTEXT, questionOf, retrievedChunks } from './inputs.ts';
import { isScore, judgeFailed, judgeOrSkip } from './outcome.ts';
import { CONTEXT_PRECISION } from './prompts/context.ts';
import { JudgeUsage } from './usage.ts';

const Options = z
  .object({
    threshold: z.number().min(0).max(1).default(0.5),
    /** Judge only the first k chunks retrieved (each is a judge call); default all. */
    k: z.number().int().positive().optional(),
  })
  .strict();

/** RAGAS's average precision over binary verdicts in rank order. */
export function averagePrecisionOfVerdicts(useful: readonly boolean[]): number {
  let hits = 0;
  let sum = 0;
  useful.forEach((u, i) => {
    if (!u) return;
    hits++;
    sum += hits / (i + 1);
  });
  return hits === 0 ? 0 : sum / hits;
}

export function contextPrecision(raw: Record<string, unknown> = {}): Scorer {
  const options = parseOptions('context_precision', Options, raw);
  const name = 'context_precision';
  return {
    name,
    kind: 'judge',
    async score({ case: c, trace, judge: access }) {
      const reference = expectedAnswers(c)[0];
      if (reference === undefined) return null;
      const chunks = retrievedChunks(trace).slice(0, options.k);
      if (chunks.length === 0) return skipped(name, NO_CONTEXT);
      const judge = judgeOrSkip(name, access);
      if (isScore(judge)) return judge;
      const usage = new JudgeUsage(judge.id);
      const question = questionOf(c);
      const verdicts: { chunk: string; useful: boolean; reason: string }[] = [];
      // One at a time, in rank order: the calls (and a recording of them) come in a stable order.
      for (const chunk of chunks) {
        const judged = await askJudge(judge, CONTEXT_PRECISION, { question, reference, passage: chunk.text }, usage);
        if (!judged.ok) return judgeFailed(name, judged, usage, { verdicts });
        verdicts.push({ chunk: chunk.id, useful: judged.value.useful, reason: judged.value.reason });
      }
      const value = averagePrecisionOfVerdicts(verdicts.map((v) => v.useful));
      const useful = verdicts.filter((v) => v.useful).length;
      return scored(name, value, value >= options.threshold, `average precision ${value.toFixed(4)}: ${useful} of ${chunks.length} retrieved chunks useful for the reference answer`, {
        threshold: options.threshold,
        verdicts,
        judge: usage.summary(),
      });
    },
  };
}
