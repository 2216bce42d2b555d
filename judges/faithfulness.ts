// faithfulness (RAGAS): the share of the answer's claims that the retrieved context supports.
// An answer with no claims has no faithfulness to measure (RAGAS gives NaN): skipped, with why.

import { z } from 'zod';
import { parseOptions, scored, skipped, type Scorer } from '../metrics/score.ts';
import { checkClaims, countSupported } from './claims.ts';
import { NO_CONTEXT, noAnswer, questionOf, renderChunks, retrievedChunks } from './inputs.ts';
import { isScore, judgeFailed, judgeOrSkip } from './outcome.ts';
import { JudgeUsage } from './usage.ts';

const Options = z.object({ threshold: z.number().min(0).max(1).default(0.5) }).strict();

export function faithfulness(raw: Record<string, unknown> = {}): Scorer {
  const { threshold } = parseOptions('faithfulness', Options, raw);
  const name = 'faithfulness';
  return {
    name,
    kind: 'judge',
    async score({ case: c, trace, judge: access }) {
      if (trace.finalAnswer === null) return skipped(name, `${noAnswer(trace)}: no claims to check`);
      const chunks = retrievedChunks(trace);
      if (chunks.length === 0) return skipped(name, NO_CONTEXT);
      const judge = judgeOrSkip(name, access);
      if (isScore(judge)) return judge;
      const usage = new JudgeUsage(judge.id);
      const checked = await checkClaims(judge, { question: questionOf(c), answer: trace.finalAnswer, source: renderChunks(chunks) }, usage);
      if (!checked.ok) return judgeFailed(name, checked, usage);
      const claims = checked.value;
      if (claims.length === 0) return skipped(name, 'the answer makes no factual claims to check', { claims, judge: usage.summary() });
      const supported = countSupported(claims);
      const value = supported / claims.length;
      return scored(name, value, value >= threshold, `${supported} of ${claims.length} claims supported by the retrieved context`, { threshold, claims, judge: usage.summary() });
    },
  };
}
