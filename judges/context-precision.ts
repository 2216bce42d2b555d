// context_precision (RAGAS, with reference): each retrieved chunk, in rank order, judged useful
// for arriving at the reference answer or not (one judge call per chunk, as RAGAS); the value is
// average precision over those verdicts: the sum of precision@k at every useful rank k, divided
// by the number of useful chunks (0 when none is useful, as RAGAS). With several acceptable
// reference answers, the first is the reference (RAGAS takes one).

import { z } from 'zod';
import { scored } from '../metrics/score.ts';
import { askJudge } from './core.ts';
import { judgeScorer } from './judge-scorer.ts';
import { CONTEXT_PRECISION } from './prompts/context.ts';

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

export const contextPrecision = judgeScorer({
  name: 'context_precision',
  options: Options,
  // k is at least 1, so the first k chunks are none only when no chunk was retrieved.
  needs: { reference: true, chunks: true },
  create: (options, name) => async ({ question, reference, chunks: retrieved }, judge, usage) => {
    const chunks = retrieved.slice(0, options.k);
    const verdicts: { chunk: string; useful: boolean; reason: string }[] = [];
    // One at a time, in rank order: the calls (and a recording of them) come in a stable order.
    for (const chunk of chunks) {
      const judged = await askJudge(judge, CONTEXT_PRECISION, { question, reference, passage: chunk.text }, usage);
      if (!judged.ok) return { ...judged, details: { verdicts } };
      verdicts.push({ chunk: chunk.id, useful: judged.value.useful, reason: judged.value.reason });
    }
    const value = averagePrecisionOfVerdicts(verdicts.map((v) => v.useful));
    const useful = verdicts.filter((v) => v.useful).length;
    return scored(name, value, value >= options.threshold, `average precision ${value.toFixed(4)}: ${useful} of ${chunks.length} retrieved chunks useful for the reference answer`, {
      threshold: options.threshold,
      verdicts,
    });
  },
});
