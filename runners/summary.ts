// Aggregates of a run: per suite and target, the pass rate, each scorer's mean, latency
// percentiles, tokens and cost. Computed from stored attempts, so a report made later from the
// results store gives the same figures as the table printed at the end of the run.

import { mean, quantile } from '../metrics/stats.ts';
import type { StoredAttempt } from './store.ts';

export interface ScorerAggregate {
  mean: number | null;
  passRate: number | null;
  /** Attempts this scorer scored; skipped and errored scores are counted apart. */
  scored: number;
  skipped: number;
  errors: number;
}

export interface Aggregate {
  suite: string;
  config: string;
  target: string;
  attempts: number;
  /** Attempts that could not run to an answer (provider failure, exhausted script, ...). */
  errors: number;
  /** Attempts whose every scored check passed; errored attempts count as not passed. */
  passRate: number | null;
  scorers: Record<string, ScorerAggregate>;
  latencyMs: { p50: number | null; p95: number | null };
  tokens: { input: number; output: number };
  costUsd: number;
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
  const passed = group.filter((a) => a.status === 'ok' && a.scores.some((s) => s.status === 'scored') && a.scores.every((s) => s.status !== 'scored' || s.pass));
  const latencies = group.map((a) => a.latencyMs);
  return {
    suite,
    config,
    target,
    attempts: group.length,
    errors: group.filter((a) => a.status === 'error').length,
    passRate: group.length ? passed.length / group.length : null,
    scorers,
    latencyMs: { p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95) },
    tokens: { input: sum(group.map((a) => a.inputTokens)), output: sum(group.map((a) => a.outputTokens)) },
    costUsd: sum(group.map((a) => a.costUsd)),
  };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
