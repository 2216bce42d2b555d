// Adaptive repeats (`--repeat auto`): spend repeats where the verdict is in doubt. Most cases
// pass or fail every time; repeating them five times buys nothing. A pure policy: given what
// each case has shown so far, which cases get another attempt.
//
// The verdict of a case is the majority of its verdicts, a tie failing: a check that passes only
// half the time is not passing, and a gate must not pass on a coin flip.
//
// A case with `attempts` so far (errored ones included: they cost a call) out of the cap maxRepeat,
// k verdicts of which `passes` passed, settles as soon as one of these holds, in this order:
//   cap       attempts ≥ maxRepeat.
//   decided   the verdict at the cap can no longer change, whatever the remaining r = maxRepeat −
//             attempts attempts give (pass, fail or error): passes locked in when 2·passes > k + r,
//             fails locked in when 2·passes + r ≤ k. Repeating further would not move the verdict.
//   stable    k ≥ minRepeat, the verdicts all agree, and no judge score lies within `margin` of its
//             threshold (a score at 0.71 against 0.7 agrees today and flips tomorrow).
// Otherwise it is uncertain (its verdicts disagree, a score is near its threshold, or it has too
// few verdicts yet) and is repeated.
//
// Why "stable after minRepeat = 2 agreeing verdicts" and not a Wilson interval excluding ½: at 95%
// Wilson needs 4 agreeing verdicts before it excludes ½, which saves one call in five on the stable
// cases that make up most suites. The agreement rule's cost is bounded instead: the adaptive verdict
// differs from a fixed maxRepeat's (on the same attempts) only when the first two agree and the
// remaining three all go the other way, which for max 5 has probability p²(1−p)³ + (1−p)²p³ =
// p²(1−p)² ≤ 1/16 for a case of pass probability p, and is near 0 for the many cases near 0 or 1.

export interface JudgeScore {
  value: number;
  threshold: number;
}

export interface CaseState {
  caseId: string;
  /** One entry per attempt made, in order: the verdict, or null when the attempt errored or was skipped. */
  verdicts: readonly (boolean | null)[];
  /** Judge scores seen so far, each with the threshold its pass/fail was cut at. */
  scores?: readonly JudgeScore[];
}

export interface AdaptiveOptions {
  /** The most attempts any case gets (the fixed --repeat this stands in for). */
  maxRepeat: number;
  /** Agreeing verdicts that make a case stable; default 2. */
  minRepeat?: number;
  /** A judge score within this distance of its threshold keeps a case uncertain; default 0.05. */
  margin?: number;
  /** Stop when the verdict at the cap is already decided; default true. */
  decideEarly?: boolean;
}

export type CaseDecision = { caseId: string; repeat: true; reason: 'disagree' | 'near-threshold' | 'too-few' } | { caseId: string; repeat: false; reason: 'cap' | 'decided' | 'stable' };

/** The majority verdict of the verdicts given, a tie failing; null with no verdict. */
export function majorityVerdict(verdicts: readonly (boolean | null)[]): boolean | null {
  let passes = 0;
  let k = 0;
  for (const v of verdicts) {
    if (v === null) continue;
    k += 1;
    if (v) passes += 1;
  }
  return k === 0 ? null : 2 * passes > k;
}

/** Whether a case needs another attempt, and why (see the file header). */
export function decideCase(state: CaseState, options: AdaptiveOptions): CaseDecision {
  const { maxRepeat, minRepeat = 2, margin = 0.05, decideEarly = true } = options;
  if (!Number.isInteger(maxRepeat) || maxRepeat < 1) throw new RangeError(`adaptive repeats: maxRepeat must be a whole number, 1 or more, got ${maxRepeat}`);
  if (!Number.isInteger(minRepeat) || minRepeat < 1) throw new RangeError(`adaptive repeats: minRepeat must be a whole number, 1 or more, got ${minRepeat}`);
  if (!(margin >= 0)) throw new RangeError(`adaptive repeats: margin must be 0 or more, got ${margin}`);
  const { caseId } = state;
  const attempts = state.verdicts.length;
  if (attempts >= maxRepeat) return { caseId, repeat: false, reason: 'cap' };
  let passes = 0;
  let k = 0;
  for (const v of state.verdicts) {
    if (v === null) continue;
    k += 1;
    if (v) passes += 1;
  }
  const r = maxRepeat - attempts;
  if (decideEarly && (2 * passes > k + r || 2 * passes + r <= k)) return { caseId, repeat: false, reason: 'decided' };
  if (passes > 0 && passes < k) return { caseId, repeat: true, reason: 'disagree' };
  if ((state.scores ?? []).some((s) => Math.abs(s.value - s.threshold) < margin)) return { caseId, repeat: true, reason: 'near-threshold' };
  if (k < minRepeat) return { caseId, repeat: true, reason: 'too-few' };
  return { caseId, repeat: false, reason: 'stable' };
}

/** The ids of the cases that need another attempt, in the given order. */
export function nextRepeats(states: readonly CaseState[], options: AdaptiveOptions): string[] {
  return states.filter((s) => decideCase(s, options).repeat).map((s) => s.caseId);
}

export interface CallsSaved {
  /** Attempts the adaptive run made. */
  calls: number;
  /** Attempts a fixed --repeat N over the same cases makes: cases × N. */
  fixedCalls: number;
  saved: number;
  /** saved / fixedCalls (0 with no cases). */
  savedShare: number;
}

/** Calls made against a fixed --repeat `fixedRepeat`, from the attempts each case got. */
export function callsSaved(attemptsPerCase: readonly number[], fixedRepeat: number): CallsSaved {
  if (!Number.isInteger(fixedRepeat) || fixedRepeat < 1) throw new RangeError(`callsSaved: fixedRepeat must be a whole number, 1 or more, got ${fixedRepeat}`);
  const calls = attemptsPerCase.reduce((s, n) => s + n, 0);
  const fixedCalls = attemptsPerCase.length * fixedRepeat;
  return { calls, fixedCalls, saved: fixedCalls - calls, savedShare: fixedCalls ? (fixedCalls - calls) / fixedCalls : 0 };
}
