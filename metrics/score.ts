// One scorer interface for deterministic metrics and LLM judges alike (DESIGN.md): a scorer is a
// factory registered by name, options in, a scoring function out; defineScorer makes one from its
// name, its options' schema and what it does with them. A scorer that has nothing to check on a
// case (no expectation of its kind) returns null and is left out of that case's scores.

import { z } from 'zod';
import type { Case } from '../datasets/case.ts';
import type { Trace } from '../agent/trace.ts';
import type { ChatModel } from '../agent/providers/types.ts';

export const Score = z.object({
  scorer: z.string(),
  /** 0..1; null when skipped or errored. */
  value: z.number().min(0).max(1).nullable(),
  /** null when skipped or errored: never counted as a pass. */
  pass: z.boolean().nullable(),
  status: z.enum(['scored', 'skipped', 'error']),
  reason: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type Score = z.infer<typeof Score>;

/**
 * The judge model an LLM-judge scorer may call for one attempt (wrapped with the attempt's
 * scheduler lane and cache), or why there is none: no judge configured, its key missing, its
 * provider unknown. A judge scorer given none, or an unavailable one, is skipped with the reason.
 */
export type JudgeAccess = { available: true; id: string; model: ChatModel } | { available: false; reason: string };

export interface ScoreInput {
  case: Case;
  trace: Trace;
  judge?: JudgeAccess;
}

export interface Scorer {
  name: string;
  /** 'judge': the scorer calls the judge model, so the run builds one for each attempt. */
  kind?: 'judge';
  score(input: ScoreInput): Score | null | Promise<Score | null>;
}

export type ScorerFactory = (options?: Record<string, unknown>) => Scorer;

/** A factory defineScorer made: it carries the name the registry lists it under. */
export interface DefinedScorer extends ScorerFactory {
  readonly scorerName: string;
}

export interface ScorerDefinition<S extends z.ZodType> {
  /** The name suites use, and the name its scores carry (unless instanceName says otherwise). */
  name: string;
  /** The options' schema; give it `.strict()` so a misspelt option is an error (parseOptions). */
  options: S;
  /** 'judge': the scorer calls the judge model (Scorer.kind). */
  kind?: 'judge';
  /** The name a scorer made with these options reports, given the defined name (rubric's `rubric:<name>`). */
  instanceName?: (options: z.output<S>, name: string) => string;
  /**
   * The scorer for parsed options (defaults applied), given the name its scores carry: its score
   * function, or a whole Scorer (one a shared helper builds). Runs when the factory is called, so
   * options it must check further (a regular expression, a JSON Schema) fail when the suite loads.
   */
  create(options: z.output<S>, name: string): Scorer['score'] | Scorer;
}

/**
 * A scorer factory from its definition, the one place its name is written: called with options
 * (none: the schema's defaults) it parses them (parseOptions, errors named after the scorer) and
 * returns the Scorer `create` makes, named and of the definition's kind.
 */
export function defineScorer<S extends z.ZodType>(definition: ScorerDefinition<S>): DefinedScorer {
  const { name, options: schema, kind } = definition;
  const factory = (raw: Record<string, unknown> = {}): Scorer => {
    const options = parseOptions(name, schema, raw);
    const instance = definition.instanceName?.(options, name) ?? name;
    const made = definition.create(options, instance);
    if (typeof made !== 'function') return made;
    return kind ? { name: instance, kind, score: made } : { name: instance, score: made };
  };
  return Object.assign(factory, { scorerName: name });
}

export function scored(scorer: string, value: number, pass: boolean, reason: string, details?: Record<string, unknown>): Score {
  return { scorer, value, pass, status: 'scored', reason, details };
}

/** A check that could not run (no judge, no context to check against): never a pass or a failure. */
export function skipped(scorer: string, reason: string, details?: Record<string, unknown>): Score {
  return { scorer, value: null, pass: null, status: 'skipped', reason, details };
}

/** A check that ran and broke (a judge whose replies never fit its schema): counted as a failure, never a zero. */
export function errored(scorer: string, reason: string, details?: Record<string, unknown>): Score {
  return { scorer, value: null, pass: null, status: 'error', reason, details };
}

/**
 * A scorer's options failed its schema. judges/registry.ts re-exports this class, so `createScorer` callers
 * can tell bad suite input (exit 2) from a bug.
 */
export class ScorerOptionsError extends Error {
  override name = 'ScorerOptionsError';
}

/**
 * Checks a scorer's options against its schema (give it `.strict()` so a misspelt option is an
 * error, not silently ignored) and returns the parsed options, defaults applied. Throws
 * ScorerOptionsError naming the scorer and every problem, e.g.
 * `answer_contains: options: case_sensitive: expected boolean, received string`.
 */
export function parseOptions<S extends z.ZodType>(scorer: string, schema: S, options: unknown): z.output<S> {
  const parsed = schema.safeParse(options ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => (issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message));
  throw new ScorerOptionsError(`${scorer}: options: ${problems.join('; ')}`);
}
