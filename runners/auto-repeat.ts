// `lunar bench --repeat auto`: rounds over one run. Every case runs once (the run's ordinary plan,
// at repeat 0); then each round plans only the next repeat index of the cases metrics/adaptive-
// repeats.ts still calls uncertain, until none is left, the run is stopped or its budget is spent.
// Round attempts are ordinary attempts of the same run (same keys, same store), so aggregates,
// pass^k, reports and --resume need nothing of their own: a resumed run re-derives where each case
// stands from what it stored, and the rounds go on from there.

import { attemptOutcome } from '../metrics/outcome.ts';
import { callsSaved, nextRepeats, type CallsSaved, type CaseState, type JudgeScore } from '../metrics/adaptive-repeats.ts';
import type { Score } from '../metrics/score.ts';
import { attemptKey, type PlannedAttempt } from './plan.ts';

export const DEFAULT_MAX_REPEAT = 5;

export interface AutoRepeat {
  /** The most attempts a case gets: the fixed --repeat this stands in for. */
  maxRepeat: number;
}

/** What a run with --repeat auto made, against a fixed --repeat maxRepeat; kept in results.json's run config. */
export interface AutoRepeatSummary extends CallsSaved {
  maxRepeat: number;
  rounds: number;
}

interface AttemptFacts {
  suite: string;
  config: string;
  caseId: string;
  target: string;
  repeat: number;
  status: 'ok' | 'error';
  scores: readonly Score[];
}

/** A case on one target and configuration: what the policy decides over (a repeat index apart, attemptKey). */
const caseKey = (a: Omit<AttemptFacts, 'repeat' | 'status' | 'scores'>) => attemptKey({ ...a, repeat: 0 });
const plannedCaseKey = (p: PlannedAttempt) => caseKey({ suite: p.prepared.suite.name, config: p.prepared.variant.config, caseId: p.case.id, target: p.target.id });

/**
 * The next round: for each case of the base plan (one attempt per case, repeat 0) the policy still
 * finds uncertain, one attempt at the lowest repeat index it has not stored. Unscored attempts
 * count as a call made without a verdict (null), as errored ones do.
 */
export function nextRound(base: readonly PlannedAttempt[], attempts: readonly AttemptFacts[], auto: AutoRepeat): PlannedAttempt[] {
  const byCase = groupByCase(attempts);
  const states: CaseState[] = base.map((p) => {
    const seen = (byCase.get(plannedCaseKey(p)) ?? []).sort((a, b) => a.repeat - b.repeat);
    return { caseId: plannedCaseKey(p), verdicts: seen.map(verdictOf), scores: seen.flatMap((a) => judgeScores(a.scores)) };
  });
  const again = new Set(nextRepeats(states, { maxRepeat: auto.maxRepeat }));
  return base
    .filter((p) => again.has(plannedCaseKey(p)))
    .map((p) => {
      const taken = new Set((byCase.get(plannedCaseKey(p)) ?? []).map((a) => a.repeat));
      let repeat = 0;
      while (taken.has(repeat)) repeat += 1;
      return { ...p, repeat };
    });
}

/**
 * Runs the rounds after the first pass: `run` runs a plan through the run's pool and `attempts`
 * reads what the run has stored so far. Stops when no case is uncertain or `stopped()` says the
 * run must not start more (Ctrl-C, a failure, the budget). Returns how many rounds ran.
 */
export async function runRounds(
  base: readonly PlannedAttempt[],
  auto: AutoRepeat,
  attempts: () => readonly AttemptFacts[],
  run: (plan: PlannedAttempt[]) => Promise<void>,
  stopped: () => boolean,
): Promise<number> {
  let rounds = 0;
  // Each round adds an attempt to every case it plans, so at most maxRepeat rounds follow the first.
  for (;;) {
    if (stopped()) return rounds;
    const plan = nextRound(base, attempts(), auto);
    if (!plan.length) return rounds;
    rounds += 1;
    await run(plan);
  }
}

/** Attempts made per case of the base plan against a fixed --repeat maxRepeat over the same cases. */
export function summarize(base: readonly PlannedAttempt[], attempts: readonly AttemptFacts[], auto: AutoRepeat, rounds: number): AutoRepeatSummary {
  const byCase = groupByCase(attempts);
  const perCase = [...new Set(base.map(plannedCaseKey))].map((key) => byCase.get(key)?.length ?? 0);
  return { maxRepeat: auto.maxRepeat, rounds, ...callsSaved(perCase, auto.maxRepeat) };
}

/** The line printed after the table. */
export function formatAutoRepeat(summary: AutoRepeatSummary): string {
  const share = Math.round(summary.savedShare * 100);
  return `--repeat auto: ${summary.calls} attempts in ${summary.rounds + 1} round(s); a fixed --repeat ${summary.maxRepeat} would make ${summary.fixedCalls}: ${summary.saved} saved (${share}%)`;
}

function groupByCase(attempts: readonly AttemptFacts[]): Map<string, AttemptFacts[]> {
  const byCase = new Map<string, AttemptFacts[]>();
  for (const a of attempts) {
    const key = caseKey(a);
    const list = byCase.get(key);
    if (list) list.push(a);
    else byCase.set(key, [a]);
  }
  return byCase;
}

/**
 * Pass or fail by the one rule every report counts by; null, as the policy takes it, when the
 * attempt errored (a broken call says nothing of the case) or nothing could check it.
 */
function verdictOf(a: AttemptFacts): boolean | null {
  if (a.status !== 'ok') return null;
  const outcome = attemptOutcome(a);
  return outcome === 'unscored' ? null : outcome === 'pass';
}

/** Scores cut at a threshold the scorer reports (judges put theirs in details): near it, a verdict is fragile. */
function judgeScores(scores: readonly Score[]): JudgeScore[] {
  return scores.flatMap((s) => (s.status === 'scored' && typeof s.value === 'number' && typeof s.details?.threshold === 'number' ? [{ value: s.value, threshold: s.details.threshold }] : []));
}
