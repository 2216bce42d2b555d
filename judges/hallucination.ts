// hallucination: claims in the answer that nothing given supports — the retrieved context, or the
// reference answers when the agent retrieved nothing. value = 1 - unsupported share; the case
// passes when that share is at most max_rate (default 0: no unsupported claim). With context it
// asks the very questions faithfulness asks, so on one attempt the two share the judge's answers.

import { z } from 'zod';
import { expectedAnswers } from '../datasets/case.ts';
import { scored, skipped } from '../metrics/score.ts';
import { checkClaims } from './claims.ts';
import { numbered, renderChunks } from './inputs.ts';
import { judgeScorer } from './judge-scorer.ts';

const Options = z.object({ max_rate: z.number().min(0).max(1).default(0) }).strict();

export const hallucination = judgeScorer({
  name: 'hallucination',
  options: Options,
  needs: { answer: 'skips' },
  prepare({ case: c, chunks }) {
    const references = expectedAnswers(c);
    if (chunks.length === 0 && references.length === 0) return 'no retrieved context and no reference answer to check the claims against';
    const against = chunks.length ? 'context' : 'reference';
    const source = chunks.length ? renderChunks(chunks) : references.length === 1 ? references[0]! : `Acceptable answers:\n${numbered(references)}`;
    return { against, source };
  },
  create: ({ max_rate: maxRate }, name) => async ({ question, answer, against, source }, judge, usage) => {
    const checked = await checkClaims(judge, { question, answer, source }, usage);
    if (!checked.ok) return { ...checked, details: { against } };
    const claims = checked.value;
    if (claims.length === 0) return skipped(name, 'the answer makes no factual claims to check', { against, claims });
    const unsupported = claims.filter((v) => !v.supported);
    const rate = unsupported.length / claims.length;
    const described = against === 'context' ? 'the retrieved context' : 'the reference answer';
    const reason = unsupported.length
      ? `${unsupported.length} of ${claims.length} claims not supported by ${described}: ${unsupported.map((v) => JSON.stringify(v.claim)).join(', ')}`
      : `all ${claims.length} claims supported by ${described}`;
    // (total - unsupported) / total: 1 - rate without its rounding error.
    return scored(name, (claims.length - unsupported.length) / claims.length, rate <= maxRate, reason, { against, max_rate: maxRate, unsupported: unsupported.map((v) => v.claim), claims });
  },
});
