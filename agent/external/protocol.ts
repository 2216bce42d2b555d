// What Lunar sends an external agent and what it must answer, the same for every kind (http,
// module, exec): one request per user turn, one response per request. The response is checked at
// the edge; a response that does not fit is an errored attempt naming the field, never an empty
// answer scored as the agent's.

import { z } from 'zod';
import { Message } from '../trace.ts';

export const AgentRequest = z.object({
  /** The user's message this turn. */
  input: z.string(),
  /** The conversation so far, this turn's user message last (the current session's, in a multi-session case). */
  messages: z.array(Message),
  /** One per attempt, the same on every turn (and every session of a multi-session case): a stateful service keys its conversation on it. */
  sessionId: z.string(),
  /** The case's id, category and tags and the attempt's repeat, for templates and for the agent's own logs. */
  vars: z.record(z.string(), z.unknown()),
  /** W3C trace context of the attempt: spans the agent emits under it become the attempt's trajectory. */
  traceparent: z.string(),
  /** Where the attempt's tools are served over MCP (streamable HTTP), when the suite's tools are offered that way. */
  mcpUrl: z.string().optional(),
});
export type AgentRequest = z.infer<typeof AgentRequest>;

export const AgentToolCall = z.object({
  name: z.string().min(1),
  arguments: z.record(z.string(), z.unknown()).default({}),
  /** The tool's output as the agent saw it, when it reports it. */
  result: z.string().optional(),
  /** Set when the call failed in the agent. */
  error: z.string().optional(),
});
export type AgentToolCall = z.infer<typeof AgentToolCall>;

export const AgentResponse = z.object({
  text: z.string(),
  /**
   * The tool calls the agent made this turn, in order. Absent: the agent does not say (the
   * trajectory then comes from its spans, or the tool scorers are skipped); `[]`: it made none.
   */
  toolCalls: z.array(AgentToolCall).optional(),
  usage: z.object({ inputTokens: z.number().nonnegative(), outputTokens: z.number().nonnegative() }).optional(),
  costUsd: z.number().nonnegative().optional(),
});
export type AgentResponse = z.infer<typeof AgentResponse>;

/** A response that does not fit AgentResponse, naming the first field that is wrong. */
export class AgentResponseError extends Error {
  override name = 'AgentResponseError';
}

/** The response, checked; `source` says where it came from (`module ./agent.ts#reply`). */
export function parseAgentResponse(value: unknown, source: string): AgentResponse {
  const parsed = AgentResponse.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join('.') || '(response)';
  throw new AgentResponseError(`${source}: bad response: ${field}: ${issue.message}`);
}
