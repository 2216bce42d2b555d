// Which traces the HTML report carries for its drill-down. A run's traces can outweigh everything
// else in it (a 10,000-attempt run with long tool results is hundreds of megabytes), and reading
// each back from the store costs time at the end of every run, so the page embeds a bounded set:
// the traces of failed and errored attempts first (those are the ones a person opens), then a
// few others, each string in them cut to a bounded length. Both are shared fairly across the
// run's suite × target groups: the groups take turns, one trace each, so a suite of long
// τ-bench episodes cannot use up the budget before a suite of short tool calls gets any; a group
// that runs out (or whose next trace no longer fits) leaves its turns to the others. The page
// names what was left out; `lunar view` loads any other trace from the store on demand, `lunar
// report <run-id> --all-traces` embeds every one, and the results store keeps them all.

import type { StoredAttempt } from '../../runners/store.ts';
import { type ReportOutcome } from '../report-input.ts';
import { type TraceReader } from '../../runners/reporter.ts';

export interface TraceLimits {
  /** Traces of failed and errored attempts embedded at most. */
  maxFailureTraces: number;
  /** Traces of passed or unscored attempts embedded at most (after the failures). */
  maxOtherTraces: number;
  /** Embedded trace JSON in all, in characters: embedding stops at the first trace past it. */
  maxTraceChars: number;
  /** The page's data in all (rows and traces), in characters: traces get what the rows leave. */
  maxPageChars: number;
  /** Any one string in a trace or a score's details is cut to this many characters. */
  maxStringChars: number;
}

export const DEFAULT_TRACE_LIMITS: TraceLimits = { maxFailureTraces: 2_000, maxOtherTraces: 50, maxTraceChars: 5_000_000, maxPageChars: 12_000_000, maxStringChars: 20_000 };

/** Every trace, whole: for `lunar report --all-traces`. */
export const ALL_TRACES: TraceLimits = { maxFailureTraces: Infinity, maxOtherTraces: Infinity, maxTraceChars: Infinity, maxPageChars: Infinity, maxStringChars: Infinity };

export interface EmbeddedTraces {
  /** Each embedded trace as JSON text, bounded (see TraceLimits). */
  texts: string[];
  /** Per attempt (in the order given), the index in texts, or -1 when its trace is not embedded. */
  index: number[];
  /** Attempts whose trace is embedded: failed or errored ones, and the rest. */
  taken: { failures: number; others: number };
  /** Attempts whose trace is not embedded. */
  leftOut: { failures: number; others: number };
  /** Strings cut anywhere in the embedded traces. */
  cutStrings: number;
  /** False when there was no store to read traces from. */
  available: boolean;
}

export function embedTraces(attempts: readonly StoredAttempt[], outcomes: readonly ReportOutcome[], read: TraceReader | undefined, limits: TraceLimits = DEFAULT_TRACE_LIMITS): EmbeddedTraces {
  const index = new Array<number>(attempts.length).fill(-1);
  const failures: number[] = [];
  const others: number[] = [];
  outcomes.forEach((o, i) => (o === 'failed' || o === 'errored' ? failures : others).push(i));
  const result: EmbeddedTraces = { texts: [], index, taken: { failures: 0, others: 0 }, leftOut: { failures: failures.length, others: others.length }, cutStrings: 0, available: read !== undefined };
  if (!read) return result;

  let chars = 0;
  /** 'taken', 'absent' (the store has no trace: nothing to embed) or 'full' (past the character budget). */
  const take = (i: number): 'taken' | 'absent' | 'full' => {
    const stored = read(attempts[i]!);
    if (!stored) return 'absent';
    // The tool definitions offered (for fine-tuning export) are half a tool-suite trace and the
    // page never shows them: left out, so the budget holds more traces.
    const { offeredTools: _offered, ...trace } = stored;
    const cut = { count: 0 };
    let text = JSON.stringify(trace);
    // No string can be longer than the whole text: only a long trace needs the copy that cuts.
    if (text.length > limits.maxStringChars) text = JSON.stringify(boundStrings(trace, limits.maxStringChars, cut));
    if (chars + text.length > limits.maxTraceChars) return 'full';
    chars += text.length;
    result.cutStrings += cut.count;
    index[i] = result.texts.length;
    result.texts.push(text);
    return 'taken';
  };
  const takenFailures = takeInTurns(groupsOf(attempts, failures), limits.maxFailureTraces, take);
  const takenOthers = takeInTurns(groupsOf(attempts, others), limits.maxOtherTraces, take);
  result.taken = { failures: takenFailures, others: takenOthers };
  result.leftOut = { failures: failures.length - takenFailures, others: others.length - takenOthers };
  return result;
}

/** The attempt indices by suite × target, groups in first-seen order, each in the attempts' order. */
function groupsOf(attempts: readonly StoredAttempt[], indices: readonly number[]): number[][] {
  const groups = new Map<string, number[]>();
  for (const i of indices) {
    const key = `${attempts[i]!.suite}\u0000${attempts[i]!.target}`;
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  }
  return [...groups.values()];
}

/**
 * Round robin over the groups, one attempt per group per turn, until `max` are taken or every
 * group is done; a group whose next trace is past the character budget is done (smaller traces
 * of other groups may still fit). Returns how many were taken.
 */
function takeInTurns(groups: number[][], max: number, take: (i: number) => 'taken' | 'absent' | 'full'): number {
  let taken = 0;
  const next = groups.map(() => 0);
  let open = groups.map((_, g) => g);
  while (open.length > 0 && taken < max) {
    const still: number[] = [];
    for (const g of open) {
      if (taken >= max) break;
      const group = groups[g]!;
      let outcome: 'taken' | 'absent' | 'full' = 'absent';
      // An attempt without a stored trace costs its group no turn.
      while (next[g]! < group.length && (outcome = take(group[next[g]!]!)) === 'absent') next[g]! += 1;
      if (outcome === 'taken') {
        taken += 1;
        next[g]! += 1;
        if (next[g]! < group.length) still.push(g);
      }
    }
    open = still;
  }
  return taken;
}

/**
 * A copy of a JSON value with every string longer than max cut, saying how much was cut; counts
 * the cuts in `cut`. Values that are not plain JSON data pass through as they are.
 */
export function boundStrings(value: unknown, max: number, cut: { count: number }): unknown {
  if (typeof value === 'string') {
    if (value.length <= max) return value;
    cut.count += 1;
    return `${value.slice(0, max)}… (+${value.length - max} characters: the results store has the whole text)`;
  }
  if (Array.isArray(value)) return value.map((v) => boundStrings(v, max, cut));
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) copy[k] = boundStrings(v, max, cut);
    return copy;
  }
  return value;
}
