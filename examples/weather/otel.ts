// OpenTelemetry for an example agent: a tracer that exports each span as soon as it ends, over
// OTLP/HTTP, to the endpoint Lunar gives the attempt (or OTEL_EXPORTER_OTLP_ENDPOINT), and the
// attempt's W3C traceparent as the parent of everything the agent does, so Lunar can tell which
// spans are this attempt's. This is the set-up any agent needs; nothing in it is Lunar's code.

import { context, ROOT_CONTEXT, trace, TraceFlags, type Context, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

// Without a context manager every span is a root of its own trace: the active span must follow the
// agent across awaits for its model and tool spans to share the attempt's trace id.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

const providers = new Map<string, BasicTracerProvider>();

/** One tracer provider per collector endpoint, kept for the process. */
export function tracerProvider(endpoint: string): BasicTracerProvider {
  let provider = providers.get(endpoint);
  if (!provider) {
    const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` });
    provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    providers.set(endpoint, provider);
  }
  return provider;
}

export function tracerFor(endpoint: string, name: string): Tracer {
  return tracerProvider(endpoint).getTracer(name);
}

/** The context whose parent is the remote span a W3C traceparent names (`00-<trace>-<span>-<flags>`). */
export function parentContext(traceparent: string | undefined): Context {
  const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(traceparent ?? '');
  if (!m) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId: m[1]!, spanId: m[2]!, traceFlags: TraceFlags.SAMPLED, isRemote: true });
}

/** Runs `work` as a child of the attempt's traceparent. */
export function underTraceparent<T>(traceparent: string | undefined, work: () => Promise<T>): Promise<T> {
  return context.with(parentContext(traceparent), work);
}
