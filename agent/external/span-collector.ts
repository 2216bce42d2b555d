// The contract between an external agent's attempt and the OpenTelemetry spans it emits. An
// external agent (http, module, exec) does its own model and tool calls; Lunar learns what it did
// from its spans, sent to an OTLP/HTTP receiver Lunar runs during the run. Each attempt gets its
// own W3C trace id (passed as `traceparent`), so the receiver can hand back exactly that attempt's
// spans as Trace parts the scorers read. Spans that never arrive are a reason, never a pass.

import { randomBytes } from 'node:crypto';
import type { ModelCallRecord, ToolCallRecord } from '../trace.ts';
import type { Message } from '../providers/types.ts';

/** What an attempt's spans say the agent did, as Trace parts. */
export interface SpanTrajectory {
  /** Spans received for the trace id (0: none arrived; the scorers that need them are skipped). */
  spans: number;
  modelCalls: ModelCallRecord[];
  toolCalls: ToolCallRecord[];
  /** The conversation, where the spans carry it (gen_ai input/output messages, ai.prompt). */
  messages?: Message[];
  usage: { inputTokens: number; outputTokens: number };
  costUsd?: number;
  /** Why the spans tell less than a full trajectory (none arrived; no tool spans), for the Trace. */
  note?: string;
}

export interface SpanCollector {
  /** The OTLP/HTTP base URL (`http://127.0.0.1:PORT`): exporters post to `${endpoint}/v1/traces`. */
  readonly endpoint: string;
  /**
   * The spans of one trace id as a trajectory, once they have stopped arriving (quiet for
   * `settleMs`), or none has come within `firstSpanMs`, or `timeoutMs` has passed since the call.
   */
  trajectory(traceId: string, options?: { settleMs?: number; timeoutMs?: number; firstSpanMs?: number; signal?: AbortSignal }): Promise<SpanTrajectory>;
  close(): Promise<void>;
}

/** A fresh W3C trace context for one attempt: `00-<32 hex trace id>-<16 hex parent id>-01`. */
export function newTraceparent(): { traceparent: string; traceId: string } {
  const traceId = randomBytes(16).toString('hex');
  const parentId = randomBytes(8).toString('hex');
  return { traceparent: `00-${traceId}-${parentId}-01`, traceId };
}
