// What a quality gate checks, as a suite declares it:
//
//   gates:
//     thresholds:                       # each holds for every configuration × target of the suite
//       - tool_name_match.mean >= 0.85
//       - answer_contains.pass_rate >= 0.5
//       - pass_rate >= 0.5              # attempts that passed every check (the table's pass rate)
//       - latency.p95 <= 4000           # milliseconds, over attempts that ran
//       - errors <= 0                   # attempts that could not run
//       - cost_usd <= 0.50              # the group's total
//     baseline:
//       path: ../ci/baseline.json       # relative to the suite file
//       tolerance: 0.02                 # a drop up to this much is never a regression
//
// A threshold is `measure op number`, op one of >= > <= <, parsed by a small strict parser: one
// that does not parse is an error naming where it came from and what is wrong, never ignored.

import { z } from 'zod';

export type Comparator = '>=' | '>' | '<=' | '<';

export type Measure =
  | { kind: 'pass_rate' }
  | { kind: 'errors' }
  | { kind: 'cost_usd' }
  | { kind: 'latency'; quantile: 'p50' | 'p95' | 'p99' }
  | { kind: 'scorer'; scorer: string; statistic: 'mean' | 'pass_rate' };

export interface Threshold {
  /** The check as written, trimmed. */
  text: string;
  measure: Measure;
  op: Comparator;
  value: number;
  /** The number as written (0.85, 4000), for messages. */
  limit: string;
}

export type ParsedThreshold = { ok: true; threshold: Threshold } | { ok: false; error: string };

/** A measure's words, and scorer names as registered: `tool_name_match`, `rubric:safe`, `rubric:no-leak`. */
const NAME = /^[a-z][a-z0-9_-]*(:[a-z0-9][a-z0-9_-]*)?$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
const OPERATORS: readonly Comparator[] = ['>=', '<=', '>', '<'];
const LATENCY = ['p50', 'p95', 'p99'] as const;
const STATISTICS = ['mean', 'pass_rate'] as const;

/** Parses `measure op number`; the error says what is wrong with the text, for a message that names its source. */
export function parseThreshold(input: string): ParsedThreshold {
  const text = input.trim();
  if (!text) return { ok: false, error: 'empty check: write e.g. "tool_name_match.mean >= 0.85"' };
  const at = text.search(/[<>=!]/);
  if (at < 0) return { ok: false, error: 'no comparison: write measure, then >=, >, <= or <, then a number' };
  const left = text.slice(0, at).trim();
  const rest = text.slice(at);
  const op = OPERATORS.find((o) => rest.startsWith(o));
  if (!op || /^[<>=!]/.test(rest.slice(op.length))) {
    return { ok: false, error: `unknown comparison "${rest.match(/^[<>=!]+/)![0]}": use >=, >, <= or <` };
  }
  const right = rest.slice(op.length).trim();
  if (!left) return { ok: false, error: `nothing before "${op}": name a measure, e.g. answer_contains.mean` };
  const measure = parseMeasure(left);
  if ('error' in measure) return { ok: false, error: measure.error };
  if (!right) return { ok: false, error: `no number after "${op}"` };
  if (!NUMBER.test(right)) return { ok: false, error: `"${right}" is not a plain number (write e.g. 0.85 or 4000)` };
  const value = Number(right);
  const isRate = measure.kind === 'pass_rate' || measure.kind === 'scorer';
  if (isRate && (value < 0 || value > 1)) return { ok: false, error: `${left} is between 0 and 1; ${right} is not (a rate is a fraction: 85% is 0.85)` };
  if (!isRate && value < 0) return { ok: false, error: `${left} is never negative; ${right} cannot be a limit` };
  return { ok: true, threshold: { text: `${left} ${op} ${right}`, measure, op, value, limit: right } };
}

function parseMeasure(text: string): Measure | { error: string } {
  const parts = text.split('.');
  if (parts.some((p) => !NAME.test(p)) || parts.length > 2) {
    return { error: `"${text}" is not a measure: write pass_rate, errors, cost_usd, latency.p50|p95|p99, or <scorer>.mean|pass_rate (scorer names are lower-case, e.g. rubric:safe)` };
  }
  const [head, tail] = parts as [string, string | undefined];
  if (tail === undefined) {
    if (head === 'pass_rate' || head === 'errors' || head === 'cost_usd') return { kind: head };
    if (head === 'latency') return { error: 'latency needs a percentile: latency.p50, latency.p95 or latency.p99' };
    return { error: `"${head}" needs a statistic: ${head}.mean or ${head}.pass_rate` };
  }
  if (head === 'latency') {
    return (LATENCY as readonly string[]).includes(tail) ? { kind: 'latency', quantile: tail as (typeof LATENCY)[number] } : { error: `latency.${tail}: latency has p50, p95 and p99` };
  }
  if (!(STATISTICS as readonly string[]).includes(tail)) return { error: `${head}.${tail}: a scorer's statistic is mean or pass_rate` };
  return { kind: 'scorer', scorer: head, statistic: tail as (typeof STATISTICS)[number] };
}

export function holds(actual: number, op: Comparator, limit: number): boolean {
  switch (op) {
    case '>=':
      return actual >= limit;
    case '>':
      return actual > limit;
    case '<=':
      return actual <= limit;
    case '<':
      return actual < limit;
  }
}

/** The default tolerance: a drop of up to 0.02 (two points of a rate) is never a regression. */
export const DEFAULT_TOLERANCE = 0.02;

const ThresholdText = z.string().superRefine((text, ctx) => {
  const parsed = parseThreshold(text);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `"${text}": ${parsed.error}` });
});

const ReferenceGate = z
  .object({
    /** The reference file (ci/reference.json), relative to the suite file. */
    path: z.string().min(1),
    tolerance: z.number().min(0).max(1).default(DEFAULT_TOLERANCE),
  })
  .strict();

/** The suite's `gates:` section. `baseline:` is the old name of `reference:`, still read. */
export const Gates = z
  .object({
    thresholds: z.array(ThresholdText).optional(),
    reference: ReferenceGate.optional(),
    baseline: ReferenceGate.optional(),
  })
  .strict()
  .refine((g) => !(g.reference && g.baseline), { message: 'give reference: or its old name baseline:, not both' })
  .transform(({ baseline, ...gates }) => ({ ...gates, reference: gates.reference ?? baseline }));
export type Gates = z.output<typeof Gates>;

/**
 * A suite's gates as its run recorded them when it started, so `lunar gate` checks what the run
 * was planned against and never re-reads a suite file that may have changed or gone.
 */
export const RecordedSuiteGates = z.object({
  file: z.string(),
  scorers: z.array(z.string()),
  thresholds: z.array(z.string()),
  /** An absolute path. */
  reference: z.object({ path: z.string(), tolerance: z.number() }).optional(),
});
export type RecordedSuiteGates = z.infer<typeof RecordedSuiteGates>;
export const RecordedGates = z.record(z.string(), RecordedSuiteGates);
export type RecordedGates = z.infer<typeof RecordedGates>;
