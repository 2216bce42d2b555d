// What a client is told about a run besides the answer: enough to see what the agent did and
// what it cost, without the whole Trace (whose messages repeat the conversation).

import type { Trace } from '../trace.ts';

export interface TraceSummary {
  target: string;
  stopReason: Trace['stopReason'];
  error?: string;
  modelCalls: number;
  toolCalls: { name: string; arguments: Record<string, unknown>; error?: string }[];
  usage: Trace['usage'];
  costUsd: number;
  latencyMs: number;
}

export function traceSummary(trace: Trace): TraceSummary {
  return {
    target: trace.target,
    stopReason: trace.stopReason,
    ...(trace.error ? { error: trace.error } : {}),
    modelCalls: trace.modelCalls.length,
    toolCalls: trace.toolCalls.map((c) => ({ name: c.name, arguments: c.arguments, ...(c.error ? { error: c.error } : {}) })),
    usage: trace.usage,
    costUsd: trace.costUsd,
    latencyMs: Math.round(trace.latencyMs),
  };
}
