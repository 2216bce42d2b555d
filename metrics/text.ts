// Text scorers over the final answer.

import { expectedContains } from '../datasets/case.ts';
import { normalizeText } from './normalize.ts';
import { scored, type Scorer } from './score.ts';

/** answer_contains: every expected string appears in the final answer (case-insensitive). */
export function answerContains(): Scorer {
  return {
    name: 'answer_contains',
    score({ case: c, trace }) {
      const expected = expectedContains(c);
      if (expected.length === 0) return null;
      const answer = normalizeText(trace.finalAnswer ?? '');
      const missing = expected.filter((e) => !answer.includes(normalizeText(e)));
      const found = expected.length - missing.length;
      const reason =
        trace.finalAnswer === null
          ? `no final answer (${trace.stopReason})`
          : missing.length
            ? `missing ${missing.map((m) => JSON.stringify(m)).join(', ')}`
            : `contains all ${expected.length}`;
      return scored('answer_contains', found / expected.length, missing.length === 0, reason, { missing });
    },
  };
}
