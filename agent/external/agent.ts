// An external agent seen from Lunar's side: one call per user turn, the request in, the response
// out. `agentChatModel` puts it behind the ChatModel interface, so an attempt's calls take the
// same path as a provider's (forAttempt: the kind's lane in the scheduler, then the model-call
// cache) and the same retry policy; its `chat` is a whole turn of the agent, never a step of
// Lunar's tool loop, so only the external channels (turns.ts) call it.

import { DEFAULT_RETRY_POLICY, policyFor, withRetry } from '../providers/retry.ts';
import { ProviderError } from '../providers/errors.ts';
import type { ChatModel, ChatRequest, ChatResult, Message, ToolCall } from '../providers/types.ts';
import { streamFromChat } from '../providers/stream-from-chat.ts';
import type { ExternalKind } from './config.ts';
import { AgentResponseError, type AgentRequest, type AgentResponse } from './protocol.ts';

export interface AgentCallContext {
  /** Fires on the per-call timeout and when the run is abandoned: stop work and return. */
  signal: AbortSignal;
  traceparent: string;
  /** Where to export OpenTelemetry spans (OTLP/HTTP base URL), when a collector runs. */
  otlpEndpoint?: string;
}

export interface ExternalAgent {
  readonly kind: ExternalKind;
  /** The target's own per-call timeout; the suite's timeout_ms and --timeout win over it. */
  readonly timeoutMs?: number;
  /** Retries after a failed call that may succeed again (5xx, 429, network): http only. */
  readonly retries: number;
  call(request: AgentRequest, context: AgentCallContext): Promise<AgentResponse>;
}

/** What one attempt sends on every call besides the conversation. */
export interface AttemptBinding {
  sessionId: string;
  traceparent: string;
  vars: Record<string, unknown>;
  otlpEndpoint?: string;
  mcpUrl?: string;
}

/**
 * A turn's answer: a ChatResult (so the cache stores and serves it as any call's) plus what the
 * agent reported that a model's answer does not carry. Plain JSON, so it survives the cache.
 */
export interface AgentTurnResult extends ChatResult {
  agent: {
    /** The response had a toolCalls list (possibly empty): the agent said what it called. */
    toolCallsReported: boolean;
    /** Per tool call, in order: its result or error as the agent reported them. */
    toolResults: { result?: string; error?: string }[];
    costReported: boolean;
  };
}

export function isAgentTurnResult(result: ChatResult): result is AgentTurnResult {
  return typeof (result as Partial<AgentTurnResult>).agent === 'object';
}

/** A ChatModel whose every chat() is one call of the agent, for one attempt. */
export function agentChatModel(id: string, model: string, agent: ExternalAgent, binding: AttemptBinding): ChatModel {
  const policy = { ...DEFAULT_RETRY_POLICY, retries: agent.retries, timeoutMs: agent.timeoutMs ?? DEFAULT_RETRY_POLICY.timeoutMs };
  const chat = async (request: ChatRequest): Promise<ChatResult> => {
    const agentRequest = requestFor(request.messages, binding);
    const done = await withRetry(
      agent.kind,
      policyFor(policy, request),
      request.signal,
      (signal) => agent.call(agentRequest, { signal, traceparent: binding.traceparent, ...(binding.otlpEndpoint ? { otlpEndpoint: binding.otlpEndpoint } : {}) }),
      (error) => classify(agent.kind, error),
    );
    return turnResult(done.value, done.latencyMs, done.attempts);
  };
  return { id, provider: agent.kind, model, chat, stream: (request) => streamFromChat(() => chat(request), request) };
}

function requestFor(messages: readonly Message[], binding: AttemptBinding): AgentRequest {
  const last = [...messages].reverse().find((m) => m.role === 'user');
  return {
    input: last?.content ?? '',
    messages: [...messages],
    sessionId: binding.sessionId,
    vars: binding.vars,
    traceparent: binding.traceparent,
    ...(binding.mcpUrl ? { mcpUrl: binding.mcpUrl } : {}),
  };
}

function turnResult(response: AgentResponse, latencyMs: number, attempts: number): AgentTurnResult {
  const calls = response.toolCalls ?? [];
  const toolCalls: ToolCall[] = calls.map((c, i) => ({ id: `call_${i + 1}`, name: c.name, arguments: c.arguments }));
  return {
    text: response.text,
    toolCalls,
    usage: response.usage ?? { inputTokens: 0, outputTokens: 0 },
    finishReason: 'stop',
    latencyMs,
    costUsd: response.costUsd ?? 0,
    attempts,
    agent: {
      toolCallsReported: response.toolCalls !== undefined,
      toolResults: calls.map((c) => ({ ...(c.result !== undefined ? { result: c.result } : {}), ...(c.error !== undefined ? { error: c.error } : {}) })),
      costReported: response.costUsd !== undefined,
    },
  };
}

/** A failure that is not already typed: a bad response or the agent's own error, not worth calling again. */
function classify(kind: ExternalKind, error: unknown): ProviderError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof AgentResponseError) return new ProviderError(kind, 'bad_request', message, { cause: error });
  return new ProviderError(kind, 'bad_request', message.startsWith(`${kind}`) ? message : `${kind}: ${message}`, { cause: error });
}
