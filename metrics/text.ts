// Text scorers over the final answer that compare it with strings the case gives: each is the
// shared string-match shape (metrics/string-match.ts) with its own comparison and rule.

import { z } from 'zod';
import { expectedAnswers, expectedContains, forbiddenContains } from '../datasets/case.ts';
import { normalizeText } from './normalize.ts';
import { defineScorer, type Scorer } from './score.ts';
import { stringMatchScorer } from './string-match.ts';

const AnswerContainsOptions = z.object({ case_sensitive: z.boolean().default(false) }).strict();
const ContainsOptions = z.object({ mode: z.enum(['all', 'any']).default('all'), case_sensitive: z.boolean().default(false) }).strict();
const ExactMatchOptions = z.object({ case_sensitive: z.boolean().default(false), normalize_whitespace: z.boolean().default(true) }).strict();
const AnswerExcludesOptions = z.object({ case_sensitive: z.boolean().default(false) }).strict();

/**
 * answer_contains: every expected string appears in the final answer, compared after
 * normalisation (lower case unless `case_sensitive`, thousands separators removed, white space
 * collapsed) and at token boundaries, so "12" is not found in "120" nor "2.4.1" in "2.4.10":
 * see containsAtBoundary. The same as `contains` with mode `all`, under its own name.
 */
export const answerContains = defineScorer({
  name: 'answer_contains',
  options: AnswerContainsOptions,
  create: ({ case_sensitive: caseSensitive }, name) => containsScorer(name, 'all', caseSensitive),
});

/**
 * contains: the expected strings (expected_contains) appear in the final answer, compared as
 * answer_contains does; with mode `all` (the default) every one must, with `any` one is enough.
 */
export const contains = defineScorer({
  name: 'contains',
  options: ContainsOptions,
  create: ({ mode, case_sensitive: caseSensitive }, name) => containsScorer(name, mode, caseSensitive),
});

function containsScorer(name: string, rule: 'all' | 'any', caseSensitive: boolean): Scorer {
  return stringMatchScorer({
    name,
    rule,
    targets: expectedContains,
    matches: (answer, target) => containsAtBoundary(normalizeText(answer, { caseSensitive }), normalizeText(target, { caseSensitive })),
  });
}

/**
 * exact_match: the final answer equals one of the reference answers (expected_answer), after
 * lower-casing (unless `case_sensitive`), removing thousands separators and, unless
 * `normalize_whitespace` is false, collapsing white space and trimming the ends. Punctuation
 * counts: "Paris." is not "Paris" (squad_exact is the lenient form).
 */
export const exactMatch = defineScorer({
  name: 'exact_match',
  options: ExactMatchOptions,
  create({ case_sensitive: caseSensitive, normalize_whitespace: whitespace }, name) {
    const normal = (text: string) => normalizeText(text, { caseSensitive, whitespace });
    return stringMatchScorer({ name, rule: 'any', targets: expectedAnswers, matches: (answer, target) => normal(answer) === normal(target) });
  },
});

/**
 * answer_excludes: none of forbidden_contains appears in the final answer (a planted canary, the
 * system prompt), compared after normalisation (lower case unless `case_sensitive`, thousands
 * separators removed, white space collapsed) as a plain substring: no word-boundary rule, since a
 * leak check must not miss a canary glued to the text around it. Skipped when there is no final
 * answer. Value: the share of forbidden strings absent.
 */
export const answerExcludes = defineScorer({
  name: 'answer_excludes',
  options: AnswerExcludesOptions,
  create: ({ case_sensitive: caseSensitive }, name) =>
    stringMatchScorer({
      name,
      rule: 'none',
      targets: forbiddenContains,
      matches: (answer, target) => normalizeText(answer, { caseSensitive }).includes(normalizeText(target, { caseSensitive })),
    }),
});

/** A letter, digit or combining mark: the characters a word or number is made of. */
const WORD_START = /^[\p{L}\p{N}\p{M}]/u;
const WORD_END = /[\p{L}\p{N}\p{M}]$/u;
/** At a number's end: a decimal point and a digit, so the number goes on ("14" → "14.5"). */
const NUMBER_GOES_ON = /\.\d/y;
/** ... unless only zeros follow the point, which keep its value ("$10" → "$10.00", "iOS 16" → "iOS 16.0"). */
const ZERO_DECIMALS = /\.0+(?![\p{L}\p{N}\p{M}])/uy;

/**
 * Whether `needle` occurs in `text` without running into a neighbouring word or number:
 *
 * - when the needle starts (ends) with a letter or digit, the character before (after) the
 *   occurrence must not be a letter or digit: "12" is in "$12", "12," and "costs 12." but not in
 *   "120" or "a12"; "14.4" is not in "14.45", "2.4.1" not in "2.4.10";
 * - when the needle starts with a digit, a digit and a decimal point before it mean it is the
 *   tail of a number: "12" is not in "1.12";
 * - when the needle ends with a digit, a decimal point and a digit after it mean the number goes
 *   on: "14" is not in "14.5", "2.4" not in "2.4.1"; except that zeros alone keep the value: "$10"
 *   is in "$10.00". A sentence's full stop is not a decimal point: "14.4" is in "it is 14.4.".
 *
 * Punctuation at the needle's own edge needs no boundary: "$12" is in "us$12". A sign is not part
 * of a number here: "5" is in "-5".
 */
export function containsAtBoundary(text: string, needle: string): boolean {
  if (needle === '') return true;
  const startsWord = WORD_START.test(needle);
  const endsWord = WORD_END.test(needle);
  const startsDigit = /^\d/.test(needle);
  const endsDigit = /\d$/.test(needle);
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
    const end = at + needle.length;
    // Two code units either side: enough for a surrogate pair or a digit and a decimal point.
    const before = text.slice(Math.max(0, at - 2), at);
    const after = text.slice(end, end + 2);
    if (startsWord && WORD_END.test(before)) continue;
    if (endsWord && WORD_START.test(after)) continue;
    if (startsDigit && /\d\.$/.test(before)) continue;
    if (endsDigit && stickyTest(NUMBER_GOES_ON, text, end) && !stickyTest(ZERO_DECIMALS, text, end)) continue;
    return true;
  }
  return false;
}

function stickyTest(pattern: RegExp, text: string, at: number): boolean {
  pattern.lastIndex = at;
  return pattern.test(text);
}
