// A Trace is everything one agent run did. Scorers read traces, never live objects, and the
// results store keeps them as JSON, so the shape is a zod schema: what is stored can be read back
// and checked by a later version.

import { z } from 'zod';

export const ToolCallShape = z.object({
  id: z.string(),
  name: z.string(),
  arguments: z.record(z.string(), z.unknown()),
  invalidArguments: z.string().optional(),
  providerData: z.record(z.string(), z.string()).optional(),
});

export const MessageShape = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: z.string() }),
  z.object({ role: z.literal('user'), content: z.string() }),
  z.object({ role: z.literal('assistant'), content: z.string(), toolCalls: z.array(ToolCallShape).optional() }),
  z.object({
    role: z.literal('tool'),
    toolCallId: z.string(),
    name: z.string(),
    content: z.string(),
    isError: z.boolean().optional(),
  }),
]);

export const UsageShape = z.object({ inputTokens: z.number(), outputTokens: z.number(), estimated: z.boolean().optional() });

export const ModelCallRecord = z.object({
  step: z.number().int(),
  /** What was sent: the message count and tool names (the messages themselves are in `messages`). */
  request: z.object({
    messageCount: z.number().int(),
    tools: z.array(z.string()),
    temperature: z.number().optional(),
    maxTokens: z.number().optional(),
  }),
  response: z
    .object({ text: z.string(), toolCalls: z.array(ToolCallShape), finishReason: z.string() })
    .optional(),
  usage: UsageShape,
  latencyMs: z.number(),
  costUsd: z.number(),
  attempts: z.number().int(),
  /** False when the price table does not know this model: its cost counts as 0 and reports say so. */
  priced: z.boolean().default(true),
  /** Served from the model-call cache: latency and cost are the recorded ones. */
  cached: z.boolean().optional(),
  error: z.string().optional(),
});

export const ToolCallRecord = z.object({
  step: z.number().int(),
  id: z.string(),
  name: z.string(),
  arguments: z.record(z.string(), z.unknown()),
  result: z.string().optional(),
  /** Set when the call was unknown, invalid, denied or threw; the model saw this text. */
  error: z.string().optional(),
  /** Dollars the tool spent itself (a query embedding), included in the trace's cost. */
  costUsd: z.number().optional(),
  errorKind: z.enum(['unknown_tool', 'invalid_arguments', 'denied', 'threw', 'not_run']).optional(),
  latencyMs: z.number(),
});

export const RetrievedChunk = z.object({
  /** `path#index`. */
  id: z.string(),
  path: z.string(),
  score: z.number(),
  text: z.string(),
  lines: z.tuple([z.number(), z.number()]).optional(),
  /** Which tool call found it. */
  toolCallId: z.string().optional(),
  breakdown: z.record(z.string(), z.number()).optional(),
});

export const StopReason = z.enum(['final', 'max_steps', 'max_time', 'max_tokens', 'error', 'aborted']);

export const TraceShape = z.object({
  target: z.string(),
  messages: z.array(MessageShape),
  modelCalls: z.array(ModelCallRecord),
  toolCalls: z.array(ToolCallRecord),
  retrieved: z.array(RetrievedChunk),
  finalAnswer: z.string().nullable(),
  /** Retrieved chunks the final answer cites (`[path:start-end]` or `[path]`), in order of first citation. */
  citations: z.array(z.string()).default([]),
  stopReason: StopReason,
  error: z.string().optional(),
  usage: UsageShape,
  latencyMs: z.number(),
  costUsd: z.number(),
});

export type ModelCallRecord = z.infer<typeof ModelCallRecord>;
export type ToolCallRecord = z.infer<typeof ToolCallRecord>;
export type RetrievedChunk = z.infer<typeof RetrievedChunk>;
export type StopReason = z.infer<typeof StopReason>;
export type Trace = z.infer<typeof TraceShape>;
