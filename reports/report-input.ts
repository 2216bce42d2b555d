// What the reports of a run read from their input (runners/reporter.ts's RunReportInput): each
// attempt's outcome as a report shows it, the run's lock, the names of series.

import { Lock } from '../runners/provenance.ts';
import type { StoredAttempt } from '../runners/store.ts';
import { attemptOutcome } from '../metrics/outcome.ts';

/**
 * The outcome a report shows. 'errored' (the attempt never produced an answer) is told apart from
 * 'failed' (it answered, and a check failed or broke); both count as failures in the pass rate.
 */
export type ReportOutcome = 'passed' | 'failed' | 'errored' | 'unscored';

// Every report asks each attempt's outcome several times (rows, totals, charts, JUnit, Markdown);
// a 10,000-attempt run's reports are written at the end of every bench, so it is worked out once.
const outcomes = new WeakMap<object, ReportOutcome>();

export function reportOutcome(attempt: Pick<StoredAttempt, 'status' | 'scores'>): ReportOutcome {
  let outcome = outcomes.get(attempt);
  if (outcome === undefined) {
    // An advisory judge score (below its suite's judge floors) is reported, and fails nothing: as in `lunar gate`.
    const counted = attempt.scores.some(isAdvisory) ? { status: attempt.status, scores: attempt.scores.filter((s) => !isAdvisory(s)) } : attempt;
    const o = attempt.status === 'error' ? 'error' : attemptOutcome(counted);
    outcome = o === 'error' ? 'errored' : o === 'pass' ? 'passed' : o === 'fail' ? 'failed' : 'unscored';
    outcomes.set(attempt, outcome);
  }
  return outcome;
}

function isAdvisory(score: { details?: Record<string, unknown> }): boolean {
  return score.details?.advisory === true;
}

/** The lock a run recorded (bench and merge store it in the run's config); null for older runs. */
export function runLock(run: { config: unknown }): Lock | null {
  const config = run.config;
  if (typeof config !== 'object' || config === null || !('lock' in config)) return null;
  const parsed = Lock.safeParse(config.lock);
  return parsed.success ? parsed.data : null;
}

/** One name per target × configuration: the target alone when every attempt ran the default configuration. */
export function seriesLabel(target: string, config: string, singleDefaultConfig: boolean): string {
  return singleDefaultConfig ? target : `${target} · ${config}`;
}

export function onlyDefaultConfig(attempts: readonly Pick<StoredAttempt, 'config'>[]): boolean {
  return attempts.every((a) => a.config === 'default');
}
