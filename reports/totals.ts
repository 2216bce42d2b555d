// A run's totals, as every report's headline gives them: attempts by outcome, the pooled pass
// rate (as summary.ts counts it: errored attempts are failures, unscored ones left out), cost and
// tokens with the flags that say a figure is a lower bound or an estimate.

import type { StoredAttempt } from '../runners/store.ts';
import type { Aggregate } from '../runners/aggregate.ts';
import { reportOutcome, type ReportOutcome } from './report-input.ts';

export interface RunTotals {
  attempts: number;
  outcomes: Record<ReportOutcome, number>;
  /** passed / (attempts − unscored); null when nothing could be checked. */
  passRate: number | null;
  costUsd: number;
  tokens: { input: number; output: number };
  /** Model calls with no known price (cost counted as 0: the total is a lower bound). */
  unpricedCalls: number;
  /** Model calls whose token counts were estimated. */
  estimatedUsage: number;
}

export function runTotals(aggregates: readonly Aggregate[], attempts: readonly Pick<StoredAttempt, 'status' | 'scores'>[]): RunTotals {
  const outcomes: Record<ReportOutcome, number> = { passed: 0, failed: 0, errored: 0, unscored: 0 };
  for (const a of attempts) outcomes[reportOutcome(a)] += 1;
  const judged = attempts.length - outcomes.unscored;
  const sum = (f: (a: Aggregate) => number) => aggregates.reduce((total, a) => total + f(a), 0);
  return {
    attempts: attempts.length,
    outcomes,
    passRate: judged ? outcomes.passed / judged : null,
    costUsd: sum((a) => a.costUsd),
    tokens: { input: sum((a) => a.tokens.input), output: sum((a) => a.tokens.output) },
    unpricedCalls: sum((a) => a.unpricedCalls),
    estimatedUsage: sum((a) => a.estimatedUsage),
  };
}
