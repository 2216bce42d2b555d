// regex: the final answer matches (or, with expect: no_match, does not match) a pattern the
// suite gives. The pattern is compiled when the suite loads, so a bad one stops the run before
// any model is called.

import { z } from 'zod';
import { defineScorer, ScorerOptionsError, scored } from './score.ts';

const RegexOptions = z
  .object({
    pattern: z.string().min(1),
    /** JavaScript RegExp flags, e.g. "i", "m", "s", "u". */
    flags: z.string().default(''),
    expect: z.enum(['match', 'no_match']).default('match'),
  })
  .strict();

/**
 * The pattern is searched for anywhere in the answer (anchor it with ^ and $ to match the whole
 * answer), with JavaScript's RegExp syntax. It applies to every case; with no final answer the
 * answer is taken as "" and, for `expect: match`, fails.
 */
export const regex = defineScorer({
  name: 'regex',
  options: RegexOptions,
  create({ pattern, flags, expect }, name) {
    const compiled = compile(name, pattern, flags);
    return ({ trace }) => {
      // g and y make test() start from lastIndex: start every answer from its beginning.
      compiled.lastIndex = 0;
      const found = compiled.exec(trace.finalAnswer ?? '');
      const pass = expect === 'match' ? found !== null : found === null;
      const what = found ? `matched ${JSON.stringify(found[0])}` : 'no match';
      const reason = trace.finalAnswer === null ? `no final answer (${trace.stopReason})` : `${what} for /${pattern}/${flags}`;
      return scored(name, pass ? 1 : 0, pass, reason, { pattern, flags, expect, match: found?.[0] ?? null });
    };
  },
});

function compile(scorer: string, pattern: string, flags: string): RegExp {
  try {
    new RegExp('', flags);
  } catch (error) {
    throw new ScorerOptionsError(`${scorer}: options: flags: ${(error as Error).message}`);
  }
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    throw new ScorerOptionsError(`${scorer}: options: pattern: not a valid regular expression: ${(error as Error).message}`);
  }
}
