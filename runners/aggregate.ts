// Aggregates of a run: per suite, configuration and target, the pass rate, each scorer's mean
// (with the number of attempts it covers), latency percentiles, tokens and cost. Computed from
// stored attempts, so a report made later from the results store gives the same figures as the
// table printed at the end of the run.
//
// With --repeat N (N > 1) an aggregate also says how reliable the target is across repeats:
// pass@k and pass^k for k = 1..N over the group's cases, and for each scorer the spread of its
// per-repeat means. With one repeat these fields are absent.

import { meanOverCasesExact, passAtKExact, passHatKExact, toNumber, type CaseDraws } from '../metrics/reliability.ts';
import { judgeCost } from '../judges/usage.ts';
import { userCheckLabel } from '../judges/user-check.ts';
import { RUN_FACT_FIGURES } from '../metrics/run-facts.ts';
import { mean, quantile, stddev } from '../metrics/stats.ts';
import { attemptOutcome, type AttemptOutcome } from '../metrics/outcome.ts';
import type { StoredAttempt } from './store.ts';

export interface ScorerAggregate {
  mean: number | null;
  passRate: number | null;
  /**
   * Attempts this scorer scored, which `mean` and `passRate` cover (errored attempts have no
   * scores; cases without an expectation of its kind give none); skipped and errored scores are
   * counted apart.
   */
  scored: number;
  skipped: number;
  errors: number;
  /** Only when the group has more than one repeat: see RepeatSpread. */
  acrossRepeats?: RepeatSpread;
}

/**
 * How a scorer's mean varies from one repeat to the next. Taken over the cases that have an
 * attempt in every repeat (the same cases in each repeat, so a half-finished repeat does not
 * count as variation); within a repeat, over the scores that were 'scored', as `mean` is.
 */
export interface RepeatSpread {
  /** The scorer's mean within each repeat, in repeat order; null where it scored nothing. */
  perRepeat: (number | null)[];
  /** The mean of the non-null per-repeat means; null when there are none. */
  mean: number | null;
  /** Their sample standard deviation (n − 1); null with fewer than two. */
  std: number | null;
}

export interface Aggregate {
  suite: string;
  config: string;
  target: string;
  attempts: number;
  /** Attempts that could not run to an answer (provider failure, exhausted script, ...). */
  errors: number;
  /** Attempts that ran (status ok) but that no scorer could check: no score, or every one skipped. */
  unscored: number;
  /** Attempts that passed (see attemptOutcome). */
  passed: number;
  /**
   * passed / (attempts - unscored); null when that is 0. Unscored attempts are left out of the
   * denominator (there was nothing to check, so they are neither a pass nor a failure of the
   * target); errored attempts stay in it, as failures of the target.
   */
  passRate: number | null;
  scorers: Record<string, ScorerAggregate>;
  /**
   * Over attempts with status ok only: a failed attempt's latency (a missing API key fails in
   * 0.2 ms) says nothing about the target's. There are attempts - errors of them.
   */
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  /** Over every attempt: an attempt that failed late may still have spent tokens. */
  tokens: { input: number; output: number };
  /** What the agent's model calls cost (the judge's are apart: judgeCostUsd). */
  costUsd: number;
  /** What the judge's calls for these attempts' scores cost (from each score's details.judge). */
  judgeCostUsd: number;
  /** What the simulated user's model cost in these episodes (from tau_reward's details), apart from costUsd; absent when nothing. */
  userCostUsd?: number;
  /**
   * Failed episodes user_check labelled: the simulated user's fault or the agent's. Absent when no
   * attempt of the group was labelled (no user_check, or no failed episode).
   */
  failedEpisodes?: { userError: number; agentError: number };
  /** Model calls whose model the price table does not know: their cost is counted as 0. */
  unpricedCalls: number;
  /** Model calls whose token counts were estimated (the provider reported none). */
  estimatedUsage: number;
  /**
   * For each run-fact scorer the group used (latency, steps, tool_errors, tokens, cost), the
   * percentiles of the raw figure its 'scored' scores recorded (details.latency_ms, .steps,
   * .tool_errors, .tokens, .cost_usd; RUN_FACT_FIGURES), over n of them. A skipped cost (an
   * unpriced model) is left out: its figure is only a lower bound.
   */
  runFacts: Record<string, RunFactPercentiles>;

  // The fields below are present only when the group has more than one repeat.

  /** n: the number of distinct repeat indices among the group's attempts. */
  repeats?: number;
  /** Distinct cases in the group. */
  cases?: number;
  /**
   * Cases pass@k and pass^k are computed over: those with an attempt in each of the n repeats,
   * every one of them scorable (attemptOutcome not 'unscored'). An errored attempt is scorable:
   * it counts as a failed draw, as it counts as a failure in passRate.
   */
  passKCases?: number;
  /** Cases left out of pass@k and pass^k: missing a repeat, or with a repeat nothing could check. */
  passKLeftOut?: { incomplete: number; unscored: number };
  /**
   * k (1..n) → mean over passKCases of 1 − C(n−c, k)/C(n, k), c the case's passing repeats: the
   * chance that at least one of k repeats passes. null when passKCases is 0.
   */
  passAtK?: Record<number, number | null>;
  /**
   * k (1..n) → mean over passKCases of C(c, k)/C(n, k) (τ-bench's pass^k): the chance that all
   * k repeats pass. pass^1 = pass@1 = the pass rate over those cases. null when passKCases is 0.
   */
  passHatK?: Record<number, number | null>;
}

export interface RunFactPercentiles {
  /** The details key the figure was read from, e.g. "latency_ms". */
  figure: string;
  n: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** Percentiles of each run-fact scorer's raw figure over the group's scored scores; scorers the group did not use are absent. */
function runFactPercentiles(group: readonly StoredAttempt[]): Record<string, RunFactPercentiles> {
  const out: Record<string, RunFactPercentiles> = {};
  for (const [scorer, figure] of Object.entries(RUN_FACT_FIGURES)) {
    const values = group.flatMap((a) =>
      a.scores.filter((s) => s.scorer === scorer && s.status === 'scored' && typeof s.details?.[figure] === 'number').map((s) => s.details![figure] as number),
    );
    if (values.length) out[scorer] = { figure, n: values.length, p50: quantile(values, 0.5), p95: quantile(values, 0.95), p99: quantile(values, 0.99) };
  }
  return out;
}

export function aggregate(attempts: readonly StoredAttempt[]): Aggregate[] {
  const groups = new Map<string, StoredAttempt[]>();
  for (const a of attempts) {
    const key = `${a.suite}\u0000${a.config}\u0000${a.target}`;
    const group = groups.get(key);
    if (group) group.push(a);
    else groups.set(key, [a]);
  }
  return [...groups.values()].map(summarise).sort((a, b) => a.suite.localeCompare(b.suite) || a.config.localeCompare(b.config) || a.target.localeCompare(b.target));
}

function summarise(group: StoredAttempt[]): Aggregate {
  const { suite, config, target } = group[0]!;
  const scorerNames = [...new Set(group.flatMap((a) => a.scores.map((s) => s.scorer)))].sort();
  const scorers: Record<string, ScorerAggregate> = {};
  for (const name of scorerNames) {
    const scores = group.flatMap((a) => a.scores.filter((s) => s.scorer === name));
    const scored = scores.filter((s) => s.status === 'scored');
    scorers[name] = {
      mean: mean(scored.map((s) => s.value!)),
      passRate: mean(scored.map((s) => (s.pass ? 1 : 0))),
      scored: scored.length,
      skipped: scores.filter((s) => s.status === 'skipped').length,
      errors: scores.filter((s) => s.status === 'error').length,
    };
  }
  const outcomes = group.map(attemptOutcome);
  const count = (o: AttemptOutcome) => outcomes.filter((x) => x === o).length;
  const passed = count('pass');
  const unscored = count('unscored');
  const judged = group.length - unscored;
  const latencies = group.filter((a) => a.status === 'ok').map((a) => a.latencyMs);
  const base: Aggregate = {
    suite,
    config,
    target,
    attempts: group.length,
    errors: group.filter((a) => a.status === 'error').length,
    unscored,
    passed,
    passRate: judged ? passed / judged : null,
    scorers,
    latencyMs: { p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), p99: quantile(latencies, 0.99) },
    tokens: { input: sum(group.map((a) => a.inputTokens)), output: sum(group.map((a) => a.outputTokens)) },
    costUsd: sum(group.map((a) => a.costUsd)),
    judgeCostUsd: sum(group.map((a) => judgeCost(a.scores))),
    ...optionalCost('userCostUsd', sum(group.map((a) => userCost(a.scores)))),
    ...failureLabels(group),
    unpricedCalls: sum(group.map((a) => a.unpricedCalls)),
    estimatedUsage: sum(group.map((a) => a.estimatedUsage)),
    runFacts: runFactPercentiles(group),
  };
  const repeats = [...new Set(group.map((a) => a.repeat))].sort((a, b) => a - b);
  return repeats.length > 1 ? withRepeats(base, group, repeats) : base;
}

/** Adds the repeat fields of Aggregate (see there) to a group with more than one repeat. */
function withRepeats(base: Aggregate, group: StoredAttempt[], repeats: number[]): Aggregate {
  const n = repeats.length;
  const byCase = new Map<string, StoredAttempt[]>();
  for (const a of group) {
    const attempts = byCase.get(a.caseId);
    if (attempts) attempts.push(a);
    else byCase.set(a.caseId, [a]);
  }
  // A case is complete when it has exactly one attempt in each of the n repeats.
  const complete = [...byCase.values()].filter((attempts) => attempts.length === n && new Set(attempts.map((a) => a.repeat)).size === n);
  const draws: CaseDraws[] = [];
  let unscored = 0;
  for (const attempts of complete) {
    const outcomes = attempts.map(attemptOutcome);
    if (outcomes.includes('unscored')) unscored += 1;
    // 'fail' covers errored attempts and errored scores: a failed draw.
    else draws.push({ n, c: outcomes.filter((o) => o === 'pass').length });
  }
  const passAtK: Record<number, number | null> = {};
  const passHatK: Record<number, number | null> = {};
  for (let k = 1; k <= n; k += 1) {
    const at = meanOverCasesExact(draws, k, passAtKExact);
    const hat = meanOverCasesExact(draws, k, passHatKExact);
    passAtK[k] = at === null ? null : toNumber(at);
    passHatK[k] = hat === null ? null : toNumber(hat);
  }
  const completeAttempts = complete.flat();
  const scorers: Record<string, ScorerAggregate> = {};
  for (const [name, scorer] of Object.entries(base.scorers)) {
    const perRepeat = repeats.map((r) =>
      mean(completeAttempts.filter((a) => a.repeat === r).flatMap((a) => a.scores.filter((s) => s.scorer === name && s.status === 'scored').map((s) => s.value!))),
    );
    const present = perRepeat.filter((m): m is number => m !== null);
    scorers[name] = { ...scorer, acrossRepeats: { perRepeat, mean: mean(present), std: stddev(present) } };
  }
  return {
    ...base,
    scorers,
    repeats: n,
    cases: byCase.size,
    passKCases: draws.length,
    passKLeftOut: { incomplete: byCase.size - complete.length, unscored },
    passAtK,
    passHatK,
  };
}

function failureLabels(group: readonly StoredAttempt[]): Pick<Aggregate, 'failedEpisodes'> {
  const labels = group.map((a) => userCheckLabel(a.scores));
  const userError = labels.filter((l) => l === 'user_error').length;
  const agentError = labels.filter((l) => l === 'agent_error').length;
  return userError + agentError > 0 ? { failedEpisodes: { userError, agentError } } : {};
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** The user's cost an episode's tau_reward score recorded (0 for any other attempt). */
function userCost(scores: readonly { details?: Record<string, unknown> }[]): number {
  for (const s of scores) if (typeof s.details?.user_cost_usd === 'number') return s.details.user_cost_usd;
  return 0;
}

const optionalCost = (key: 'userCostUsd', value: number) => (value > 0 ? { [key]: value } : {});
