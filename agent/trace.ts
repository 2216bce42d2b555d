// A Trace is everything one agent run did. Scorers read traces, never live objects, and the
// results store keeps them as JSON, so the shape is a zod schema: what is stored can be read back
// and checked by a later version.

import { z } from 'zod';

export const ToolCall = z.object({
  id: z.string(),
  name: z.string(),
  arguments: z.record(z.string(), z.unknown()),
  invalidArguments: z.string().optional(),
  rawArguments: z.string().optional(),
  providerData: z.record(z.string(), z.string()).optional(),
});

export const Message = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: z.string() }),
  z.object({ role: z.literal('user'), content: z.string() }),
  z.object({ role: z.literal('assistant'), content: z.string(), toolCalls: z.array(ToolCall).optional() }),
  z.object({
    role: z.literal('tool'),
    toolCallId: z.string(),
    name: z.string(),
    content: z.string(),
    isError: z.boolean().optional(),
  }),
]);

export const Usage = z.object({ inputTokens: z.number(), outputTokens: z.number(), estimated: z.boolean().optional() });

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
    .object({ text: z.string(), toolCalls: z.array(ToolCall), finishReason: z.string() })
    .optional(),
  usage: Usage,
  latencyMs: z.number(),
  costUsd: z.number(),
  attempts: z.number().int(),
  /** False when the price table does not know this model: its cost counts as 0 and reports say so. */
  priced: z.boolean().default(true),
  /** Served from the model-call cache: latency and cost are the recorded ones. */
  cached: z.boolean().optional(),
  /** Not a step of the tool loop: a call made to summarise older turns (agent/memory/context). */
  purpose: z.enum(['compaction']).optional(),
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

/** A tool definition as the model was offered it: what a fine-tuning export needs to replay the call. */
export const OfferedTool = z.object({ name: z.string(), description: z.string(), parameters: z.record(z.string(), z.unknown()) });

export const StopReason = z.enum(['final', 'max_steps', 'max_time', 'max_tokens', 'error', 'aborted']);

/**
 * One use of long-term memory (agent/memory/): a note written, a search, a file read. A write
 * keeps the text stored, so a scorer can check what went into the memory files; a refused or
 * failed one keeps only its error (a refused secret is not copied here).
 */
export const MemoryOpRecord = z.object({
  op: z.enum(['write', 'search', 'get']),
  /** ISO time on the run's clock (ToolContext.now). */
  at: z.string(),
  /** 1-based session of a multi-session case. */
  session: z.number().int().optional(),
  /** The file written or read, relative to the memory root (`MEMORY.md`, `memory/2026-01-05.md`). */
  path: z.string().optional(),
  /** write: the text appended. */
  text: z.string().optional(),
  /** search: the query, and the hits as `path:start-end` in rank order. */
  query: z.string().optional(),
  hits: z.array(z.string()).optional(),
  /** get: the lines returned; write: the lines the note landed on (1-based, inclusive). */
  lines: z.tuple([z.number().int(), z.number().int()]).optional(),
  /** search: what re-indexing the memory files before it did (changed files only are re-read). */
  reindexed: z.object({ added: z.number().int(), updated: z.number().int(), removed: z.number().int(), unchanged: z.number().int() }).optional(),
  /** Set when nothing was written or read; `refused` says the write looked like a secret. */
  error: z.string().optional(),
  refused: z.boolean().optional(),
});

/**
 * The conversation outgrew its token budget before a turn: older messages left the prompt, either
 * summarised by the model or dropped oldest first. The transcript keeps them all.
 */
export const CompactionRecord = z.object({
  /** ISO time on the run's clock. */
  at: z.string(),
  method: z.enum(['summary', 'drop']),
  /** Index in the trace's `messages` of the user message the compaction made room for. */
  messageIndex: z.number().int(),
  /** 1-based session of a multi-session case. */
  session: z.number().int().optional(),
  /** Messages that left the prompt (summarised or dropped) in this compaction. */
  droppedMessages: z.number().int(),
  /** Tokens of the summary now standing in for them (0 when dropped). */
  summaryTokens: z.number().int(),
  /** Prompt tokens (messages and system prompt, cl100k_base) before and after. */
  tokensBefore: z.number().int(),
  tokensAfter: z.number().int(),
  budget: z.number().int(),
  /** Why a summary was asked for and not used (the model failed): then the method is drop. */
  fallback: z.string().optional(),
});

/** Where one session of a multi-session case sits in the trace. */
export const SessionRecord = z.object({
  id: z.string(),
  /** Index in `messages` of the session's first message (its system prompt, or first user turn). */
  firstMessage: z.number().int(),
  turns: z.number().int(),
});

/** What the agent's world did in an episode and how it scored (agent/environments/episode.ts). */
export const EpisodeRecord = z.object({
  /** e.g. `tau-retail`. */
  environment: z.string(),
  /** e.g. `retail test 0`. */
  task: z.string(),
  reward: z.number(),
  /** The conversation ended (###STOP###, a terminate tool, a transfer); false: the step limit ran out. */
  ended: z.boolean(),
  endedBy: z.enum(['stop', 'terminate_tool', 'transfer', 'out_of_scope', 'step_limit']),
  /** Agent model calls made (τ-bench's steps). */
  steps: z.number().int(),
  maxSteps: z.number().int(),
  toolCalls: z.enum(['first', 'all']),
  stateMatches: z.boolean(),
  /** Where the final database differs from the ground truth's (expected vs actual, Python JSON). */
  differences: z.array(z.object({ table: z.string(), key: z.string(), path: z.string(), expected: z.string().optional(), actual: z.string().optional() })),
  outputs: z.array(z.object({ output: z.string(), found: z.boolean() })),
  writes: z.array(
    z.object({
      expected: z.object({ name: z.string(), arguments: z.string() }),
      matched: z.boolean(),
      closest: z.object({ name: z.string(), arguments: z.string(), differingArguments: z.array(z.string()), observation: z.string().nullable() }).optional(),
    }),
  ),
  unexpectedWrites: z.array(z.object({ name: z.string(), arguments: z.string(), observation: z.string().nullable() })),
  /** One line saying why the reward is what it is. */
  summary: z.string(),
  /** The simulated user: counted apart from the agent (the trace's costUsd is the agent's alone). */
  user: z.object({
    target: z.string(),
    strategy: z.enum(['llm', 'react', 'scripted', 'human']),
    calls: z.number().int(),
    costUsd: z.number(),
    usage: Usage,
  }),
});

export const Trace = z.object({
  target: z.string(),
  messages: z.array(Message),
  modelCalls: z.array(ModelCallRecord),
  toolCalls: z.array(ToolCallRecord),
  retrieved: z.array(RetrievedChunk),
  finalAnswer: z.string().nullable(),
  /** Retrieved chunks the final answer cites (`[path:start-end]` or `[path]`), in order of first citation. */
  citations: z.array(z.string()).default([]),
  stopReason: StopReason,
  error: z.string().optional(),
  usage: Usage,
  latencyMs: z.number(),
  costUsd: z.number(),
  /** Memory reads and writes, in order; absent when the run had no memory. */
  memory: z.array(MemoryOpRecord).optional(),
  /** Context compactions, in order; absent when the run had no context budget to keep. */
  compactions: z.array(CompactionRecord).optional(),
  /** The sessions of a multi-session case, in order. */
  sessions: z.array(SessionRecord).optional(),
  /** A multi-turn episode with a simulated user: its reward and why. */
  episode: EpisodeRecord.optional(),
  /**
   * Where an external agent's tool calls came from (agent/external/): its responses, its
   * OpenTelemetry spans, or nowhere — then they are unknown and the tool scorers skip with the
   * note. Absent: Lunar's own loop ran the tools, so the calls are known.
   */
  trajectory: z.object({ source: z.enum(['response', 'spans', 'none']), note: z.string().optional() }).optional(),
  /**
   * The tools the run was offered (MCP ones included), once per trace, not per model call (each
   * call's record names them); absent when none were offered, and in traces from before it.
   */
  offeredTools: z.array(OfferedTool).optional(),
});

export type ModelCallRecord = z.infer<typeof ModelCallRecord>;
export type ToolCallRecord = z.infer<typeof ToolCallRecord>;
export type RetrievedChunk = z.infer<typeof RetrievedChunk>;
export type StopReason = z.infer<typeof StopReason>;
export type Trace = z.infer<typeof Trace>;
export type OfferedTool = z.infer<typeof OfferedTool>;
export type MemoryOpRecord = z.infer<typeof MemoryOpRecord>;
export type CompactionRecord = z.infer<typeof CompactionRecord>;
export type SessionRecord = z.infer<typeof SessionRecord>;
export type EpisodeRecord = z.infer<typeof EpisodeRecord>;

/** A Trace of a run that did nothing (it failed or was stopped before its first model call). */
export function emptyTrace(target: string, stopReason: StopReason, error?: string): Trace {
  return {
    target,
    messages: [],
    modelCalls: [],
    toolCalls: [],
    retrieved: [],
    citations: [],
    finalAnswer: null,
    stopReason,
    ...(error === undefined ? {} : { error }),
    usage: { inputTokens: 0, outputTokens: 0 },
    latencyMs: 0,
    costUsd: 0,
  };
}
