// Facts of a run as scores, each against a budget the suite sets: latency, steps, tool_errors,
// tokens, cost. Each records its raw figure in details (latency_ms, steps, tool_errors, tokens,
// cost_usd) so aggregates can report its distribution (p50/p95/p99) per target, not only the
// share of runs within budget.

import { z } from 'zod';
import type { Trace } from '../agent/trace.ts';
import { parseOptions, scored, skipped, type Score, type Scorer } from './score.ts';

/** Each run-fact scorer and the details key of its raw figure, for aggregates' percentiles. */
export const RUN_FACT_FIGURES: Readonly<Record<string, string>> = {
  latency: 'latency_ms',
  steps: 'steps',
  tool_errors: 'tool_errors',
  tokens: 'tokens',
  cost: 'cost_usd',
};

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

/** The registry's factory shape for one run fact: an options schema and a score of the trace. */
function runFact<S extends z.ZodType>(name: string, schema: S, score: (trace: Trace, options: z.output<S>) => Score) {
  return (raw: Record<string, unknown> = {}): Scorer => {
    const options = parseOptions(name, schema, raw);
    return { name, score: ({ trace }) => score(trace, options) };
  };
}

const ms = (n: number) => `${n.toFixed(1)} ms`;
const count = (unit: string) => (n: number) => `${n} ${unit}`;

/** latency: the run's wall-clock time (trace.latencyMs) within max_ms. Cached model calls are counted in details. */
export const latency = runFact('latency', z.object({ max_ms: z.number().positive() }).strict(), (trace, { max_ms }) =>
  budgetScore('latency', trace.latencyMs, max_ms, ms, { latency_ms: trace.latencyMs, max_ms, cached_calls: trace.modelCalls.filter((c) => c.cached).length }),
);

/** steps: model calls the run made (one per step of the tool loop), within max. */
export const steps = runFact('steps', z.object({ max: z.number().int().positive() }).strict(), (trace, { max }) =>
  budgetScore('steps', trace.modelCalls.length, max, count('steps'), { steps: trace.modelCalls.length, max, stop_reason: trace.stopReason }),
);

/**
 * tool_errors: tool calls that ended in an error (unknown tool, invalid arguments, denied, threw),
 * within max (default 0: any error fails). Calls the run ended before running ('not_run') are
 * left out: they say the run stopped, which steps and latency measure; details count them apart.
 */
export const toolErrors = runFact('tool_errors', z.object({ max: z.number().int().min(0).default(0) }).strict(), (trace, { max }) => {
  const failed = trace.toolCalls.filter((t) => t.error !== undefined && t.errorKind !== 'not_run');
  const byKind: Record<string, number> = {};
  for (const t of failed) byKind[t.errorKind ?? 'unknown'] = (byKind[t.errorKind ?? 'unknown'] ?? 0) + 1;
  const notRun = trace.toolCalls.filter((t) => t.errorKind === 'not_run').length;
  return budgetScore('tool_errors', failed.length, max, count('tool errors'), { tool_errors: failed.length, by_kind: byKind, not_run: notRun, tool_calls: trace.toolCalls.length, max });
});

/** tokens: input + output tokens over the run's model calls, within max; details say when some counts were estimated. */
export const tokens = runFact('tokens', z.object({ max: z.number().int().positive() }).strict(), (trace, { max }) => {
  const total = trace.usage.inputTokens + trace.usage.outputTokens;
  const estimated = trace.modelCalls.some((c) => c.usage.estimated) || trace.usage.estimated === true;
  return budgetScore('tokens', total, max, count('tokens'), { tokens: total, input_tokens: trace.usage.inputTokens, output_tokens: trace.usage.outputTokens, estimated, max });
});

/**
 * cost: the run's cost in dollars (model calls and paid tools), within max_usd. A model the price
 * table does not know counts as $0, so then the figure is only a lower bound: over budget it
 * still fails; within it the check is skipped, never a pass.
 */
export const cost = runFact('cost', z.object({ max_usd: z.number().min(0) }).strict(), (trace, { max_usd }) => {
  const unpriced = trace.modelCalls.filter((c) => !c.priced).length;
  const usd = (n: number) => `$${n.toFixed(6)}`;
  const details = { cost_usd: trace.costUsd, max_usd, unpriced_calls: unpriced };
  if (unpriced > 0 && trace.costUsd <= max_usd) {
    return skipped('cost', `${unpriced} model call(s) have no price: the cost is at least ${usd(trace.costUsd)}, which does not show whether it is within ${usd(max_usd)}`, details);
  }
  return budgetScore('cost', trace.costUsd, max_usd, usd, details);
});
