// The matchers behind `lunar/vitest`: toPass and toScoreAtLeast over what runCase returns (or
// the promise of it). They judge as `lunar bench` does: a skipped score (a judge that could not
// run) is never a pass, an errored attempt or scorer is a failure, and the message carries the
// scorer's own reason.

import type { Score } from '../../metrics/score.ts';
import type { CaseResult } from './run-case.ts';
import type { ScorerSpec } from './case-setup.ts';

export interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/** What the matchers take: a result, or the promise runCase returned. */
export type Received = CaseResult | Promise<CaseResult>;

/**
 * Passes when the named scorer scored this run and passed it; without a scorer, when the run
 * passes as `lunar bench` counts it (every scored check passed, none errored, at least one ran).
 */
export async function toPass(received: Received, scorer?: ScorerSpec): Promise<MatcherResult> {
  const result = await asResult(received, 'toPass');
  const what = describe(result);
  if (result.status === 'error') return failed(`${what} errored: ${result.error}`);
  if (scorer === undefined) return overall(result, what);
  const score = await result.score(scorer);
  const label = scoreLabel(score, scorer);
  if (!score) return failed(`${what}: ${label} has nothing to check on this case (it gives no expectation of that kind)`);
  if (score.status !== 'scored') return failed(`${what}: ${label} ${score.status === 'skipped' ? 'was skipped (never a pass)' : 'errored'}: ${score.reason}`);
  const message = `${what}: ${label} ${score.pass ? 'passed' : 'failed'} (${formatValue(score.value)}): ${score.reason}`;
  return { pass: score.pass === true, message: () => message };
}

/** Passes when the named scorer scored this run at `min` or more (its value, 0..1). */
export async function toScoreAtLeast(received: Received, scorer: ScorerSpec, min: number): Promise<MatcherResult> {
  if (typeof min !== 'number' || !Number.isFinite(min)) throw new TypeError(`toScoreAtLeast: the minimum must be a number, got ${String(min)}`);
  const result = await asResult(received, 'toScoreAtLeast');
  const what = describe(result);
  if (result.status === 'error') return failed(`${what} errored: ${result.error}`);
  const score = await result.score(scorer);
  const label = scoreLabel(score, scorer);
  if (!score) return failed(`${what}: ${label} has nothing to check on this case (it gives no expectation of that kind)`);
  if (score.status !== 'scored' || score.value === null) {
    return failed(`${what}: ${label} ${score.status === 'skipped' ? 'was skipped (never a score)' : 'errored'}: ${score.reason}`);
  }
  const message = `${what}: ${label} scored ${formatValue(score.value)}, ${score.value >= min ? 'at least' : 'below'} ${min}: ${score.reason}`;
  return { pass: score.value >= min, message: () => message };
}

/** For expect.extend: `this` is vitest's matcher state, which these matchers do not need. */
export const lunarMatchers = {
  toPass(received: Received, scorer?: ScorerSpec) {
    return toPass(received, scorer);
  },
  toScoreAtLeast(received: Received, scorer: ScorerSpec, min: number) {
    return toScoreAtLeast(received, scorer, min);
  },
};

function overall(result: CaseResult, what: string): MatcherResult {
  const failing = result.scores.filter((s) => s.status === 'error' || (s.status === 'scored' && s.pass !== true));
  const lines = result.scores.map((s) => `  ${s.scorer}: ${s.status === 'scored' ? (s.pass ? 'passed' : 'failed') : s.status} (${formatValue(s.value)}): ${s.reason}`);
  if (result.outcome === 'unscored') return failed(`${what}: nothing checked it (every scorer left it out or was skipped)${lines.length ? `\n${lines.join('\n')}` : ''}`);
  const head = result.outcome === 'pass' ? `${what} passed every check` : `${what} failed ${failing.map((s) => s.scorer).join(', ')}`;
  const message = `${head}\n${lines.join('\n')}`;
  return { pass: result.outcome === 'pass', message: () => message };
}

/**
 * The run could not be checked (it errored, or the scorer was skipped, errored or had nothing to
 * check): thrown, not a plain failure, so `.not.toPass()` fails too instead of passing on nothing.
 */
function failed(reason: string): never {
  throw new Error(reason);
}

async function asResult(received: Received, matcher: string): Promise<CaseResult> {
  const result = await received;
  if (!result || typeof result !== 'object' || typeof (result as CaseResult).score !== 'function' || !('trace' in result)) {
    throw new TypeError(`${matcher}: expected what runCase returns (or its promise), got ${typeof result}`);
  }
  return result;
}

function describe(result: CaseResult): string {
  return `case ${result.case.id} on ${result.target}`;
}

function scoreLabel(score: Score | null, spec: ScorerSpec): string {
  return score?.scorer ?? (typeof spec === 'string' ? spec : Object.keys(spec)[0] ?? 'scorer');
}

function formatValue(value: number | null): string {
  return value === null ? 'no value' : String(Math.round(value * 1000) / 1000);
}
