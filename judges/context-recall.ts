// context_recall (RAGAS): the reference answer split into statements, each attributed to the
// retrieved context or not (one judge call); the value is the attributed share. A reference the
// judge finds no statement in cannot be measured (RAGAS gives NaN): skipped. With several
// acceptable reference answers, the first is the reference (RAGAS takes one).

import { z } from 'zod';
import { expectedAnswers } from '../datasets/case.ts';
import { parseOptions, scored, skipped, type Scorer } from '../metrics/score.ts';
import { askJudge } from './core.ts';
import { NO_CONTEXT, questionOf, renderChunks, retrievedChunks } from './inputs.ts';
import { isScore, judgeFailed, judgeOrSkip } from './outcome.ts';
import { CONTEXT_RECALL } from './prompts/context.ts';
import { JudgeUsage } from './usage.ts';

const Options = z.object({ threshold: z.number().min(0).max(1).default(0.5) }).strict();

export function contextRecall(raw: Record<string, unknown> = {}): Scorer {
  const { threshold } = parseOptions('context_recall', Options, raw);
  const name = 'context_recall';
  return {
    name,
    kind: 'judge',
    async score({ case: c, trace, judge: access }) {
      const reference = expectedAnswers(c)[0];
      if (reference === undefined) return null;
      const chunks = retrievedChunks(trace);
      if (chunks.length === 0) return skipped(name, NO_CONTEXT);
      const judge = judgeOrSkip(name, access);
      if (isScore(judge)) return judge;
      const usage = new JudgeUsage(judge.id);
      const judged = await askJudge(judge, CONTEXT_RECALL, { question: questionOf(c), context: renderChunks(chunks), reference }, usage);
      if (!judged.ok) return judgeFailed(name, judged, usage);
      const statements = judged.value.statements;
      if (statements.length === 0) return skipped(name, 'the judge found no statements in the reference answer', { judge: usage.summary() });
      const attributed = statements.filter((s) => s.attributed).length;
      const value = attributed / statements.length;
      return scored(name, value, value >= threshold, `${attributed} of ${statements.length} reference statements found in the retrieved context`, {
        threshold,
        statements,
        judge: usage.summary(),
      });
    },
  };
}
