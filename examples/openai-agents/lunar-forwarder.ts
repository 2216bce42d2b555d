// The OpenAI Agents SDK traces its own way (traces and spans sent to OpenAI's dashboard), not with
// OpenTelemetry. This tracing processor forwards what a run did to an OTLP/HTTP collector such as
// Lunar's, as OpenTelemetry GenAI spans: each `generation` span as a `chat` span (model, tokens),
// each `function` span as an `execute_tool` span (tool name, arguments, result). The run's W3C
// traceparent comes from the trace's metadata (`withTrace(name, fn, { metadata: { traceparent } })`),
// so its spans carry the attempt's trace id. Copy this file into your project; it needs nothing but
// fetch.
//
//   import { setTraceProcessors } from '@openai/agents';
//   setTraceProcessors([new OtlpForwarder(process.env.OTEL_EXPORTER_OTLP_ENDPOINT!)]);

import { createHash } from 'node:crypto';
import type { Span, SpanData, Trace, TracingProcessor } from '@openai/agents';

type Attribute = { key: string; value: { stringValue: string } | { intValue: string } };

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attribute[];
  status: { code: number; message?: string };
}

export class OtlpForwarder implements TracingProcessor {
  private readonly pending = new Map<string, OtlpSpan[]>();

  constructor(private readonly endpoint: string) {}

  async onTraceStart(_trace: Trace): Promise<void> {}

  async onTraceEnd(trace: Trace): Promise<void> {
    await this.send(trace.traceId);
  }

  async onSpanStart(_span: Span<SpanData>): Promise<void> {}

  async onSpanEnd(span: Span<SpanData>): Promise<void> {
    const otlp = toOtlp(span);
    if (!otlp) return;
    const list = this.pending.get(span.traceId) ?? [];
    list.push(otlp);
    this.pending.set(span.traceId, list);
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
  }

  async forceFlush(): Promise<void> {
    for (const id of [...this.pending.keys()]) await this.send(id);
  }

  private async send(traceId: string): Promise<void> {
    const spans = this.pending.get(traceId);
    this.pending.delete(traceId);
    if (!spans?.length) return;
    const body = {
      resourceSpans: [{ resource: { attributes: [str('service.name', 'openai-agents')] }, scopeSpans: [{ scope: { name: 'lunar-openai-agents-forwarder' }, spans }] }],
    };
    await fetch(`${this.endpoint.replace(/\/$/, '')}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }
}

function toOtlp(span: Span<SpanData>): OtlpSpan | undefined {
  const parent = parseTraceparent(span.traceMetadata?.traceparent);
  if (!parent) return undefined;
  const data = span.spanData;
  const base = {
    traceId: parent.traceId,
    spanId: hex16(span.spanId),
    parentSpanId: span.parentId ? hex16(span.parentId) : parent.spanId,
    kind: 1,
    startTimeUnixNano: nanos(span.startedAt),
    endTimeUnixNano: nanos(span.endedAt),
    status: span.error ? { code: 2, message: span.error.message } : { code: 0 },
  };
  if (data.type === 'generation') {
    const model = data.model ?? 'unknown';
    const attributes = [str('gen_ai.operation.name', 'chat'), str('gen_ai.system', 'openai'), str('gen_ai.request.model', model)];
    if (typeof data.usage?.input_tokens === 'number') attributes.push(int('gen_ai.usage.input_tokens', data.usage.input_tokens));
    if (typeof data.usage?.output_tokens === 'number') attributes.push(int('gen_ai.usage.output_tokens', data.usage.output_tokens));
    return { ...base, name: `chat ${model}`, attributes };
  }
  if (data.type === 'function') {
    const attributes = [str('gen_ai.operation.name', 'execute_tool'), str('gen_ai.tool.name', data.name), str('gen_ai.tool.call.arguments', data.input ?? ''), str('gen_ai.tool.call.result', data.output ?? '')];
    return { ...base, name: `execute_tool ${data.name}`, attributes };
  }
  if (data.type === 'agent') return { ...base, name: `invoke_agent ${data.name}`, attributes: [str('gen_ai.operation.name', 'invoke_agent'), str('gen_ai.agent.name', data.name)] };
  return undefined;
}

function parseTraceparent(value: unknown): { traceId: string; spanId: string } | undefined {
  const m = typeof value === 'string' ? /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/.exec(value) : null;
  return m ? { traceId: m[1]!, spanId: m[2]! } : undefined;
}

/** The Agents SDK's ids (`span_…`) as OpenTelemetry's 8-byte span ids. */
function hex16(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 16);
}

function nanos(iso: string | null): string {
  const ms = iso ? Date.parse(iso) : Date.now();
  return `${BigInt(Math.round(ms)) * 1_000_000n}`;
}

const str = (key: string, value: string): Attribute => ({ key, value: { stringValue: value } });
const int = (key: string, value: number): Attribute => ({ key, value: { intValue: String(value) } });
