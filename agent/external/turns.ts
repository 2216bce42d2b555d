// An external agent's attempt as a Trace: one call per user turn (a direct case is one turn on its
// conversation; a multi-session case one per turn, each session a fresh conversation, one session
// id for the whole attempt), each call recorded as a model call. The tool calls the agent reports
// become the Trace's tool calls; when it reports none, the attempt's OpenTelemetry spans (a
// SpanCollector) supply them; with neither, the Trace says its trajectory is unknown and the tool
// scorers skip, never pass.

import { answeredCall } from '../model-call-record.ts';
import type { ChatModel, ChatResult, Message } from '../providers/types.ts';
import type { ModelCallRecord, SessionRecord, ToolCallRecord, Trace } from '../trace.ts';
import { isAgentTurnResult } from './agent.ts';
import type { SpanCollector } from './span-collector.ts';

/** One attempt of an external agent, as a channel runs it. */
export interface ExternalRun {
  /** The target's id, which the Trace carries. */
  target: string;
  /**
   * The agent bound to this attempt, behind its lane and the cache (forAttempt); with `mcpUrl`,
   * the attempt's tools are served there and the cache is left out (the agent's tool calls change
   * the environment, which a recorded answer would not).
   */
  bind(mcpUrl?: string): ChatModel;
  /** The attempt's sampling seed: what a simulated user of an episode samples with. */
  seed: number;
  /** The attempt's W3C trace id, which its spans carry. */
  traceId: string;
  /** The run's OTLP receiver, when one runs. */
  spans?: SpanCollector;
  signal?: AbortSignal;
  /** Per-call timeout (the suite's timeout_ms, --timeout). */
  callTimeoutMs?: number;
  /** The whole attempt's time budget. */
  maxTimeMs?: number;
}

/** The conversation a run of turns starts from, and the user's turns that follow it. */
export interface Conversation {
  prior: Message[];
  turns: string[];
}

export async function runExternalTurns(conversations: readonly Conversation[], run: ExternalRun): Promise<Trace> {
  const started = performance.now();
  const budget = run.maxTimeMs === undefined ? undefined : AbortSignal.timeout(run.maxTimeMs);
  const signal = budget && run.signal ? AbortSignal.any([budget, run.signal]) : (budget ?? run.signal);
  const messages: Message[] = [];
  const modelCalls: ModelCallRecord[] = [];
  const toolCalls: ToolCallRecord[] = [];
  const sessions: SessionRecord[] = [];
  let reported = false;
  let finalAnswer: string | null = null;
  let failure: { stopReason: Trace['stopReason']; error: string } | undefined;
  let step = 0;
  const model = run.bind();
  outer: for (const [s, conversation] of conversations.entries()) {
    const history: Message[] = [...conversation.prior];
    sessions.push({ id: `session-${s + 1}`, firstMessage: messages.length, turns: conversation.turns.length });
    messages.push(...conversation.prior);
    for (const turn of conversation.turns) {
      const user: Message = { role: 'user', content: turn };
      history.push(user);
      messages.push(user);
      step += 1;
      try {
        const result = await model.chat({ messages: [...history], ...(signal ? { signal } : {}), ...(run.callTimeoutMs ? { timeoutMs: run.callTimeoutMs } : {}) });
        const turn = recordTurn(result, step, history.length);
        reported ||= turn.reported;
        history.push(turn.assistant);
        messages.push(turn.assistant);
        finalAnswer = result.text;
        modelCalls.push(turn.modelCall);
        toolCalls.push(...turn.toolCalls);
      } catch (error) {
        const stopReason = budget?.aborted ? 'max_time' : run.signal?.aborted ? 'aborted' : 'error';
        failure = { stopReason, error: stopReason === 'max_time' ? `the time budget of ${run.maxTimeMs} ms was spent` : error instanceof Error ? error.message : String(error) };
        break outer;
      }
    }
  }
  const sum = (pick: (c: ModelCallRecord) => number) => modelCalls.reduce((n, c) => n + pick(c), 0);
  const trace: Trace = {
    target: run.target,
    messages,
    modelCalls,
    toolCalls,
    retrieved: [],
    citations: [],
    finalAnswer: failure ? null : finalAnswer,
    stopReason: failure?.stopReason ?? 'final',
    ...(failure ? { error: failure.error } : {}),
    usage: { inputTokens: sum((c) => c.usage.inputTokens), outputTokens: sum((c) => c.usage.outputTokens) },
    latencyMs: performance.now() - started,
    costUsd: sum((c) => c.costUsd),
    ...(conversations.length > 1 ? { sessions } : {}),
    trajectory: { source: 'response' },
  };
  if (reported || failure) return trace;
  return withSpans(trace, run);
}

/** One turn's answer as Trace parts: the assistant message, the call, the tool calls it reports. */
export function recordTurn(result: ChatResult, step: number, messageCount: number): { assistant: Message; modelCall: ModelCallRecord; toolCalls: ToolCallRecord[]; reported: boolean } {
  const agent = isAgentTurnResult(result) ? result.agent : undefined;
  return {
    assistant: { role: 'assistant', content: result.text, ...(result.toolCalls.length ? { toolCalls: result.toolCalls } : {}) },
    modelCall: answeredCall({ step, request: { messageCount, tools: [] } }, result, agent?.costReported ?? false),
    toolCalls: result.toolCalls.map((call, i) => ({ step, id: `${step}_${call.id}`, name: call.name, arguments: call.arguments, ...(agent?.toolResults[i] ?? {}), latencyMs: 0 })),
    reported: agent?.toolCallsReported ?? false,
  };
}

/** The agent said nothing of its tool calls: its spans tell them, or the trajectory is unknown. */
async function withSpans(trace: Trace, run: ExternalRun): Promise<Trace> {
  if (!run.spans) return { ...trace, trajectory: { source: 'none', note: 'the agent reported no tool calls and no OpenTelemetry receiver ran: its tool calls are unknown' } };
  const got = await run.spans.trajectory(run.traceId, run.signal ? { signal: run.signal } : {});
  if (got.spans === 0) return { ...trace, trajectory: { source: 'none', note: got.note ?? `no spans arrived for trace ${run.traceId}: the agent's tool calls are unknown` } };
  const usage = got.usage.inputTokens + got.usage.outputTokens > 0 ? got.usage : trace.usage;
  return {
    ...trace,
    modelCalls: got.modelCalls.length ? got.modelCalls : trace.modelCalls,
    toolCalls: got.toolCalls,
    usage,
    costUsd: got.costUsd ?? trace.costUsd,
    trajectory: { source: 'spans', ...(got.note ? { note: got.note } : {}) },
  };
}
