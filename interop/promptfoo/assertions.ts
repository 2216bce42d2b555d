// A case's checks as promptfoo assertions. A Lunar scorer becomes promptfoo's own assertion type
// only where that type gives the same verdict on every answer; otherwise it becomes a
// `javascript` assertion that runs the Lunar scorer itself on the run's Trace (lunar-assert.mjs).
//
// When promptfoo's plain substring test is the same as Lunar's comparison, for a needle n:
// - Lunar compares normalised text (lower case unless case_sensitive, thousands separators
//   between digits removed, white space collapsed); promptfoo's icontains lower-cases both sides,
//   contains compares as is. They agree when n has no white space (a collapsed run can neither
//   hide nor make an occurrence of it), no comma, and no two digits side by side (removing a
//   separator joins digits, which only a needle with adjacent digits could span).
// - answer_contains and contains also require token boundaries (metrics/text.ts
//   containsAtBoundary): a plain test agrees only when n starts and ends with a character that
//   is not a letter, digit or mark, so that no boundary rule applies ("12" is not in "120" for
//   Lunar, but is for icontains).
// - promptfoo renders an assertion's value as a Nunjucks template and reads `file://` and
//   `package:` values as references, so a value with `{{`, `{%`, `{#` or such a prefix cannot be
//   given as it is.
// answer_excludes skips an attempt with no final answer, which promptfoo cannot (it sees the
// empty output and passes not-icontains): the one place an exported native check and Lunar may
// differ, on a run that stopped before answering.

import type { Trace } from '../../agent/trace.ts';
import { expectedContains, forbiddenContains, type Case } from '../../datasets/case.ts';
import type { Scorer } from '../../metrics/score.ts';

export type PromptfooAssertion =
  | { type: 'contains' | 'icontains' | 'not-contains' | 'not-icontains' | 'regex' | 'not-regex'; value: string; metric: string }
  | { type: 'contains-any' | 'icontains-any'; value: string[]; metric: string }
  | { type: 'javascript'; value: string; config: { scorer: string; options: Record<string, unknown> }; metric: string };

export interface SuiteScorer {
  name: string;
  options: Record<string, unknown>;
  scorer: Scorer;
}

/** A letter, digit or combining mark at the start / end: the boundary rule applies there. */
const WORD_START = /^[\p{L}\p{N}\p{M}]/u;
const WORD_END = /[\p{L}\p{N}\p{M}]$/u;

/** Lunar's normalised containment and a plain (case-folded) substring test agree on every answer. */
export function plainSubstringAgrees(needle: string): boolean {
  return needle.length > 0 && !/\s/.test(needle) && !needle.includes(',') && !/\d\d/.test(needle) && promptfooLiteral(needle);
}

/** ... and no token-boundary rule applies to it (neither end is a letter, digit or mark). */
export function boundaryFree(needle: string): boolean {
  return !WORD_START.test(needle) && !WORD_END.test(needle);
}

/** promptfoo passes the value through unchanged: no Nunjucks syntax, not a file or package reference. */
export function promptfooLiteral(value: string): boolean {
  return !/\{\{|\{%|\{#/.test(value) && !value.startsWith('file://') && !value.startsWith('package:');
}

/**
 * The assertions for one case: for each suite scorer that applies to it, promptfoo's own types
 * when they agree with the scorer exactly, else one javascript assertion running the scorer.
 */
export async function caseAssertions(c: Case, scorers: readonly SuiteScorer[], assertModule: string): Promise<PromptfooAssertion[]> {
  const out: PromptfooAssertion[] = [];
  for (const entry of scorers) {
    if (!(await applies(entry.scorer, c))) continue;
    out.push(...(native(entry, c) ?? [javascript(entry, assertModule)]));
  }
  return out;
}

function javascript(entry: SuiteScorer, assertModule: string): PromptfooAssertion {
  return { type: 'javascript', value: `file://${assertModule}:lunarScore`, config: { scorer: entry.name, options: entry.options }, metric: entry.scorer.name };
}

/** promptfoo's own assertions that give the scorer's verdict on every answer, or undefined. */
export function native(entry: SuiteScorer, c: Case): PromptfooAssertion[] | undefined {
  const metric = entry.scorer.name;
  const caseSensitive = entry.options.case_sensitive === true;
  if (entry.name === 'answer_contains' || entry.name === 'contains') {
    const needles = expectedContains(c);
    if (!needles.every((n) => plainSubstringAgrees(n) && boundaryFree(n))) return undefined;
    if (entry.name === 'contains' && entry.options.mode === 'any') return [{ type: caseSensitive ? 'contains-any' : 'icontains-any', value: needles, metric }];
    return needles.map((value) => ({ type: caseSensitive ? 'contains' : 'icontains', value, metric }));
  }
  if (entry.name === 'answer_excludes') {
    const needles = forbiddenContains(c);
    if (!needles.every(plainSubstringAgrees)) return undefined;
    return needles.map((value) => ({ type: caseSensitive ? 'not-contains' : 'not-icontains', value, metric }));
  }
  if (entry.name === 'regex') {
    // promptfoo compiles the value with no flags: a pattern with flags runs as Lunar's scorer.
    const { pattern, flags } = entry.options as { pattern?: unknown; flags?: unknown };
    if (typeof pattern !== 'string' || (flags ?? '') !== '' || !promptfooLiteral(pattern)) return undefined;
    return [{ type: entry.options.expect === 'no_match' ? 'not-regex' : 'regex', value: pattern, metric }];
  }
  return undefined;
}

/**
 * Whether a scorer has anything to check on a case: a scorer returns null for a case without an
 * expectation of its kind, whatever the run did, so one look at an empty run tells. A judge is
 * never called here (none is given: judge scorers say "skipped", which counts as applying).
 */
async function applies(scorer: Scorer, c: Case): Promise<boolean> {
  try {
    return (await scorer.score({ case: c, trace: EMPTY_RUN, judge: { available: false, reason: 'export' } })) !== null;
  } catch {
    return true;
  }
}

const EMPTY_RUN: Trace = {
  target: 'export',
  messages: [],
  modelCalls: [],
  toolCalls: [],
  retrieved: [],
  citations: [],
  finalAnswer: '',
  stopReason: 'final',
  usage: { inputTokens: 0, outputTokens: 0 },
  latencyMs: 0,
  costUsd: 0,
};
