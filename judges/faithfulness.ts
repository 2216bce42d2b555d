// faithfulness (RAGAS): the share of the answer's claims that the retrieved context supports.
// An answer with no claims has no faithfulness to measure (RAGAS gives NaN): skipped, with why.

import { z } from 'zod';
import { scored, skipped } from '../metrics/score.ts';
import { checkClaims, countSupported } from './claims.ts';
import { renderChunks } from './inputs.ts';
import { judgeScorer } from './judge-scorer.ts';

const Options = z.object({ threshold: z.number().min(0).max(1).default(0.5) }).strict();

export const faithfulness = judgeScorer({
  name: 'faithfulness',
  options: Options,
  needs: { answer: 'skips', chunks: true },
  create: ({ threshold }, name) => async ({ question, answer, chunks }, judge, usage) => {
    const checked = await checkClaims(judge, { question, answer, source: renderChunks(chunks) }, usage);
    if (!checked.ok) return checked;
    const claims = checked.value;
    if (claims.length === 0) return skipped(name, 'the answer makes no factual claims to check', { claims });
    const supported = countSupported(claims);
    const value = supported / claims.length;
    return scored(name, value, value >= threshold, `${supported} of ${claims.length} claims supported by the retrieved context`, { threshold, claims });
  },
});
