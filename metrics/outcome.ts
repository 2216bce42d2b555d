// Whether an attempt passed, from its status and its scores alone: the one rule the pass rate, the
// reports, the comparison and the gate all count by.

import type { Score } from './score.ts';

/** What the outcome of an attempt is read from: any stored or live attempt has these. */
export interface ScoredAttempt {
  status: 'ok' | 'error';
  scores: readonly Pick<Score, 'status' | 'pass'>[];
}

export type AttemptOutcome = 'pass' | 'fail' | 'unscored';

/**
 * Whether an attempt passed. It passes iff it ran (status ok), at least one score is 'scored',
 * every 'scored' score passes and no score errored. Skipped scores (a judge that could not run)
 * neither pass nor fail it. An errored attempt, or one with an errored score, fails: a scorer
 * that broke is never a pass. An attempt that ran but has no scored and no errored score is
 * 'unscored': nothing could check it, so it is kept out of the pass rate (see Aggregate).
 */
export function attemptOutcome(attempt: ScoredAttempt): AttemptOutcome {
  if (attempt.status !== 'ok') return 'fail';
  if (attempt.scores.some((s) => s.status === 'error')) return 'fail';
  const scored = attempt.scores.filter((s) => s.status === 'scored');
  if (scored.length === 0) return 'unscored';
  return scored.every((s) => s.pass === true) ? 'pass' : 'fail';
}

/**
 * `details.advisory: true` marks a score whose failure is reported but does not fail a gate (a
 * judge below its reliability floor); the reason is `details.advisory_reason`, else the score's own.
 */
export function advisoryReason(details: Record<string, unknown> | undefined, reason: string): string | undefined {
  if (details?.advisory !== true) return undefined;
  const given = details.advisory_reason ?? details.advisoryReason;
  return typeof given === 'string' && given.trim() ? given : reason || 'marked advisory';
}
