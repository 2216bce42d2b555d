// What a gate check gives back, and the shared pieces of its one-line message.

import { signed } from '../reports/compare/text.ts';
import { advisoryReason } from '../metrics/outcome.ts';
import type { StoredAttempt } from '../runners/store.ts';
import { attemptOutcome, type AttemptOutcome } from '../metrics/outcome.ts';

/** held: the gate holds; failed: it fails the run; advisory: it failed on an advisory score, reported only. */
export type Verdict = 'held' | 'failed' | 'advisory';

export interface CheckResult {
  kind: 'threshold' | 'reference' | 'run';
  suite: string;
  config: string;
  target: string;
  /** The measure checked: pass_rate, latency.p95, tool_name_match.mean, ... */
  measure: string;
  verdict: Verdict;
  /** The line without its verdict prefix: group, measure, value, threshold or reference, interval, n. */
  text: string;
  /** For advisory checks: why the score is advisory. */
  advisory?: string;
}

export function groupName(g: { suite: string; config: string; target: string }): string {
  return `${g.suite}/${g.config}/${g.target}`;
}

/** A rate, a mean or a difference of them: three decimals. */
export function rate(value: number): string {
  return value.toFixed(3);
}

export function signedRate(value: number): string {
  return signed(value, 3);
}

/**
 * The scorers with an advisory score among these attempts (see ScoreObservation.advisory), with
 * the first reason given: their failures are reported but fail no gate.
 */
export function advisoryScorers(attempts: readonly StoredAttempt[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const a of attempts) {
    for (const s of a.scores) {
      const reason = found.has(s.scorer) ? undefined : advisoryReason(s.details, s.reason);
      if (reason) found.set(s.scorer, reason);
    }
  }
  return found;
}

/**
 * An attempt's outcome (as the pass rate counts it) with the given scorers' scores left out, so an
 * advisory judge's failure does not fail the attempt, and so the gate, through the pass rate.
 */
export function outcomeWithout(attempt: Pick<StoredAttempt, 'status' | 'scores'>, left: ReadonlySet<string>): AttemptOutcome {
  return attemptOutcome(left.size ? { status: attempt.status, scores: attempt.scores.filter((s) => !left.has(s.scorer)) } : attempt);
}
