// A finished trace's spans as a whole Trace (what `lunar import traces` stores on each case): the
// trajectory (spans-to-trajectory.ts) plus what only the whole trace says: how long it took end to
// end, the final answer, whether it ended in an error.

import type { Message } from '../providers/types.ts';
import type { Trace } from '../trace.ts';
import type { OtelSpan } from './span.ts';
import { spansToTrajectory, type ConvertOptions } from './spans-to-trajectory.ts';

/** The trace, and why its spans tell less than a whole trajectory where they do. */
export function traceFromSpans(spans: readonly OtelSpan[], target: string, options: ConvertOptions = {}): { trace: Trace; note?: string } {
  const t = spansToTrajectory(spans, options);
  const start = Math.min(...spans.map((s) => s.startMs));
  const end = Math.max(...spans.map((s) => s.endMs));
  const ids = new Set(spans.map((s) => s.spanId));
  // The roots: spans whose parent is not in the trace (the agent's own span, or its caller's).
  const failedRoot = spans.find((s) => !(s.parentSpanId && ids.has(s.parentSpanId)) && s.status.code === 2);
  const messages: Message[] = t.messages ?? [];
  const error = failedRoot ? failedRoot.status.message || `${failedRoot.name} ended with an error status` : undefined;
  const trace: Trace = {
    target,
    messages,
    modelCalls: t.modelCalls,
    toolCalls: t.toolCalls,
    retrieved: [],
    finalAnswer: finalAnswerOf(t.modelCalls, messages),
    citations: [],
    stopReason: error ? 'error' : 'final',
    ...(error ? { error } : {}),
    usage: t.usage,
    latencyMs: spans.length ? Math.max(0, end - start) : 0,
    costUsd: t.costUsd ?? 0,
  };
  return { trace, ...(t.note ? { note: t.note } : {}) };
}

/** The text of the last model call that wrote any, else of the conversation's last assistant message. */
function finalAnswerOf(modelCalls: Trace['modelCalls'], messages: readonly Message[]): string | null {
  const last = modelCalls.findLast((c) => c.response?.text)?.response?.text;
  if (last) return last;
  const said = messages.findLast((m) => m.role === 'assistant' && m.content);
  return said ? said.content : null;
}

/** The first thing the user said in the trace, if its spans carry the conversation. */
export function firstUserMessage(trace: Trace): string | undefined {
  const first = trace.messages.find((m) => m.role === 'user' && m.content.trim() !== '');
  return first?.content;
}
