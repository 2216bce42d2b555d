// Cases and traces for scorer tests: a Trace with only the parts a test sets, and a Case parsed
// through the real schema so every test case is one a dataset could hold.

import type { ModelCallRecord, ToolCallRecord, Trace } from '../agent/trace.ts';
import { Case } from '../datasets/case.ts';
import type { Score, Scorer } from './score.ts';
import { METRIC_SCORERS } from './scorers.ts';

export type CallSpec = { name: string; arguments?: Record<string, unknown> } & Partial<Omit<ToolCallRecord, 'name' | 'arguments'>>;

/** A finished run (stopReason 'final') with the given answer and calls; null answer → stopped at max_steps. */
export function traceOf(finalAnswer: string | null, calls: CallSpec[] = [], more: Partial<Trace> = {}): Trace {
  return {
    target: 'test',
    messages: [],
    modelCalls: [],
    toolCalls: calls.map((c, i) => ({ step: 1, id: `c${i}`, result: '', latencyMs: 0, ...c, arguments: c.arguments ?? {} })),
    retrieved: [],
    citations: [],
    finalAnswer,
    stopReason: finalAnswer === null ? 'max_steps' : 'final',
    usage: { inputTokens: 0, outputTokens: 0 },
    latencyMs: 0,
    costUsd: 0,
    ...more,
  };
}

/** A model call record with the given usage, cost and flags. */
export function modelCall(fields: Partial<ModelCallRecord> = {}): ModelCallRecord {
  return {
    step: 1,
    request: { messageCount: 1, tools: [] },
    usage: { inputTokens: 0, outputTokens: 0 },
    latencyMs: 0,
    costUsd: 0,
    attempts: 1,
    priced: true,
    ...fields,
  };
}

export function caseOf(fields: Record<string, unknown>): Case {
  return Case.parse({ id: 'c', input: 'q', category: 'x', ...fields });
}

/**
 * The deterministic scorer `name` made with `options`. Looked up in metrics' own list: the
 * registry of every scorer (createScorer) is judges/registry.ts, which metrics does not import.
 */
export function metricScorer(name: string, options: Record<string, unknown> = {}): Scorer {
  const factory = METRIC_SCORERS.find((scorer) => scorer.scorerName === name);
  if (!factory) throw new Error(`no scorer "${name}" in METRIC_SCORERS`);
  return factory(options);
}

/** Runs the deterministic scorer `name` with `options` on one case and trace. */
export async function runScorer(name: string, fields: Record<string, unknown>, trace: Trace, options: Record<string, unknown> = {}): Promise<Score | null> {
  return metricScorer(name, options).score({ case: caseOf(fields), trace });
}

/** The error a factory throws for these options, or undefined. */
export function optionsError(name: string, options: Record<string, unknown>): Error | undefined {
  try {
    metricScorer(name, options);
  } catch (error) {
    return error as Error;
  }
  return undefined;
}
