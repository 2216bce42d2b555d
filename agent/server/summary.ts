// What a client is told about a run besides the answer: enough to see what the agent did and
// what it cost, without the whole Trace (whose messages repeat the conversation). A zod schema,
// so the OpenAPI document (openapi.ts) describes exactly what is sent.

import { z } from 'zod';
import { StopReason, Usage, type Trace } from '../trace.ts';

export const TraceSummary = z.object({
  target: z.string(),
  stopReason: StopReason,
  error: z.string().optional(),
  modelCalls: z.number().int(),
  toolCalls: z.array(z.object({ name: z.string(), arguments: z.record(z.string(), z.unknown()), error: z.string().optional() })),
  usage: Usage,
  costUsd: z.number(),
  latencyMs: z.number().int(),
});
export type TraceSummary = z.infer<typeof TraceSummary>;

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
