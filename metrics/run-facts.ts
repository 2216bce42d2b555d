// Facts of a run as scores, each against a budget the suite sets: latency, steps, tool_errors,
// tokens, cost. Each records its raw figure in details (latency_ms, steps, tool_errors, tokens,
// cost_usd) so aggregates can report its distribution (p50/p95/p99) per target, not only the
// share of runs within budget.

import { z } from 'zod';
import { defineScorer, scored, skipped, type Score } from './score.ts';

/**
 * Within budget (figure ≤ max): value 1, pass. Over: value max / figure, the share of the run
 * the budget covered (a run twice as slow as allowed scores 0.5), fail. A budget of 0 gives 0
 * for any figure above it.
 */
export function budgetScore(name: string, figure: number, max: number, describe: (n: number) => string, details: Record<string, unknown>): Score {
  const within = figure <= max;
  const reason = `${describe(figure)} ${within ? '≤' : '>'} ${describe(max)}`;
  return scored(name, within ? 1 : max / figure, within, reason, details);
}

const ms = (n: number) => `${n.toFixed(1)} ms`;
const count = (unit: string) => (n: number) => `${n} ${unit}`;

/** latency: the run's wall-clock time (trace.latencyMs) within max_ms. Cached model calls are counted in details. */
export const latency = defineScorer({
  name: 'latency',
  options: z.object({ max_ms: z.number().positive() }).strict(),
  create: ({ max_ms }, name) => ({ trace }) =>
    budgetScore(name, trace.latencyMs, max_ms, ms, { latency_ms: trace.latencyMs, max_ms, cached_calls: trace.modelCalls.filter((c) => c.cached).length }),
});

/** steps: model calls the run made (one per step of the tool loop), within max. */
export const steps = defineScorer({
  name: 'steps',
  options: z.object({ max: z.number().int().positive() }).strict(),
  create: ({ max }, name) => ({ trace }) =>
    budgetScore(name, trace.modelCalls.length, max, count('steps'), { steps: trace.modelCalls.length, max, stop_reason: trace.stopReason }),
});

/**
 * tool_errors: tool calls that ended in an error (unknown tool, invalid arguments, denied, threw),
 * within max (default 0: any error fails). Calls the run ended before running ('not_run') are
 * left out: they say the run stopped, which steps and latency measure; details count them apart.
 */
export const toolErrors = defineScorer({
  name: 'tool_errors',
  options: z.object({ max: z.number().int().min(0).default(0) }).strict(),
  create: ({ max }, name) => ({ trace }) => {
    const failed = trace.toolCalls.filter((t) => t.error !== undefined && t.errorKind !== 'not_run');
    const byKind: Record<string, number> = {};
    for (const t of failed) byKind[t.errorKind ?? 'unknown'] = (byKind[t.errorKind ?? 'unknown'] ?? 0) + 1;
    const notRun = trace.toolCalls.filter((t) => t.errorKind === 'not_run').length;
    return budgetScore(name, failed.length, max, count('tool errors'), { tool_errors: failed.length, by_kind: byKind, not_run: notRun, tool_calls: trace.toolCalls.length, max });
  },
});

/** tokens: input + output tokens over the run's model calls, within max; details say when some counts were estimated. */
export const tokens = defineScorer({
  name: 'tokens',
  options: z.object({ max: z.number().int().positive() }).strict(),
  create: ({ max }, name) => ({ trace }) => {
    const total = trace.usage.inputTokens + trace.usage.outputTokens;
    const estimated = trace.modelCalls.some((c) => c.usage.estimated) || trace.usage.estimated === true;
    return budgetScore(name, total, max, count('tokens'), { tokens: total, input_tokens: trace.usage.inputTokens, output_tokens: trace.usage.outputTokens, estimated, max });
  },
});

/**
 * cost: the run's cost in dollars (model calls and paid tools), within max_usd. A model the price
 * table does not know counts as $0, so then the figure is only a lower bound: over budget it
 * still fails; within it the check is skipped, never a pass.
 */
export const cost = defineScorer({
  name: 'cost',
  options: z.object({ max_usd: z.number().min(0) }).strict(),
  create: ({ max_usd }, name) => ({ trace }) => {
    const unpriced = trace.modelCalls.filter((c) => !c.priced).length;
    const usd = (n: number) => `$${n.toFixed(6)}`;
    const details = { cost_usd: trace.costUsd, max_usd, unpriced_calls: unpriced };
    if (unpriced > 0 && trace.costUsd <= max_usd) {
      return skipped(name, `${unpriced} model call(s) have no price: the cost is at least ${usd(trace.costUsd)}, which does not show whether it is within ${usd(max_usd)}`, details);
    }
    return budgetScore(name, trace.costUsd, max_usd, usd, details);
  },
});

/** Each run-fact scorer and the details key of its raw figure, for aggregates' percentiles. */
export const RUN_FACT_FIGURES: Readonly<Record<string, string>> = {
  [latency.scorerName]: 'latency_ms',
  [steps.scorerName]: 'steps',
  [toolErrors.scorerName]: 'tool_errors',
  [tokens.scorerName]: 'tokens',
  [cost.scorerName]: 'cost_usd',
};
