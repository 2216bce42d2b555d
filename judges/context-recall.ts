// context_recall (RAGAS): the reference answer split into statements, each attributed to the
// retrieved context or not (one judge call); the value is the attributed share. A reference the
// judge finds no statement in cannot be measured (RAGAS gives NaN): skipped. With several
// acceptable reference answers, the first is the reference (RAGAS takes one).

import { z } from 'zod';
import { scored, skipped } from '../metrics/score.ts';
import { askJudge } from './core.ts';
import { renderChunks } from './inputs.ts';
import { judgeScorer } from './judge-scorer.ts';
import { CONTEXT_RECALL } from './prompts/context.ts';

const Options = z.object({ threshold: z.number().min(0).max(1).default(0.5) }).strict();

export const contextRecall = judgeScorer({
  name: 'context_recall',
  options: Options,
  needs: { reference: true, chunks: true },
  create: ({ threshold }, name) => async ({ question, reference, chunks }, judge, usage) => {
    const judged = await askJudge(judge, CONTEXT_RECALL, { question, context: renderChunks(chunks), reference }, usage);
    if (!judged.ok) return judged;
    const statements = judged.value.statements;
    if (statements.length === 0) return skipped(name, 'the judge found no statements in the reference answer');
    const attributed = statements.filter((s) => s.attributed).length;
    const value = attributed / statements.length;
    return scored(name, value, value >= threshold, `${attributed} of ${statements.length} reference statements found in the retrieved context`, { threshold, statements });
  },
});
