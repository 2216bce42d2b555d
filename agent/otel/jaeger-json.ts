// Jaeger's JSON export (the UI's "Download JSON", the query API's /api/traces): `{ data: [{
// traceID, spans: [{ spanID, operationName, references, startTime (µs), duration (µs), tags:
// [{ key, type, value }], logs }], processes }] }`. OpenTelemetry's span status reaches Jaeger as
// the tags otel.status_code / otel.status_description (or error=true); array attributes arrive as
// JSON text, which the span conversion reads as such.

import { z } from 'zod';
import type { AttributeValue, OtelSpan } from './span.ts';

const Tag = z.object({ key: z.string(), type: z.string().optional(), value: z.unknown() });

const JaegerSpan = z.object({
  traceID: z.string().regex(/^[0-9a-fA-F]{1,32}$/, 'expected a hex trace id'),
  spanID: z.string().regex(/^[0-9a-fA-F]{1,16}$/, 'expected a hex span id'),
  operationName: z.string(),
  references: z.array(z.object({ refType: z.string(), traceID: z.string().optional(), spanID: z.string() })).nullish(),
  startTime: z.number(),
  duration: z.number(),
  tags: z.array(Tag).nullish(),
  logs: z.array(z.object({ timestamp: z.number(), fields: z.array(Tag).nullish() })).nullish(),
  processID: z.string().optional(),
});

export const JaegerExport = z.object({
  data: z.array(
    z.object({
      traceID: z.string().optional(),
      spans: z.array(JaegerSpan),
      processes: z.record(z.string(), z.object({ serviceName: z.string().optional(), tags: z.array(Tag).nullish() })).nullish(),
    }),
  ),
});
export type JaegerExport = z.infer<typeof JaegerExport>;

function tagValue(tag: z.infer<typeof Tag>): AttributeValue {
  const v = tag.value;
  if (tag.type === 'int64' || tag.type === 'float64') return typeof v === 'number' ? v : Number(v);
  if (tag.type === 'bool') return v === true || v === 'true';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return v === null || v === undefined ? null : JSON.stringify(v);
}

function attributesOf(tags: readonly z.infer<typeof Tag>[] | null | undefined): Record<string, AttributeValue> {
  return Object.fromEntries((tags ?? []).map((t) => [t.key, tagValue(t)]));
}

const pad = (id: string, bytes: number) => id.toLowerCase().padStart(bytes * 2, '0');

export function spansOfJaeger(doc: JaegerExport): OtelSpan[] {
  const spans: OtelSpan[] = [];
  for (const t of doc.data) {
    for (const s of t.spans) {
      const attributes = attributesOf(s.tags);
      const process = s.processID ? t.processes?.[s.processID] : undefined;
      const resource = { ...attributesOf(process?.tags), ...(process?.serviceName ? { 'service.name': process.serviceName } : {}) };
      const parent = (s.references ?? []).find((r) => r.refType === 'CHILD_OF') ?? s.references?.[0];
      const statusCode = String(attributes['otel.status_code'] ?? '').toUpperCase();
      const failed = statusCode === 'ERROR' || attributes.error === true;
      const message = typeof attributes['otel.status_description'] === 'string' ? attributes['otel.status_description'] : undefined;
      spans.push({
        traceId: pad(s.traceID, 16),
        spanId: pad(s.spanID, 8),
        ...(parent ? { parentSpanId: pad(parent.spanID, 8) } : {}),
        name: s.operationName,
        startMs: s.startTime / 1000,
        endMs: (s.startTime + s.duration) / 1000,
        attributes,
        status: { code: failed ? 2 : statusCode === 'OK' ? 1 : 0, ...(failed && message ? { message } : {}) },
        events: (s.logs ?? []).map((log) => {
          const fields = attributesOf(log.fields);
          const { event, ...rest } = fields;
          return { name: typeof event === 'string' ? event : 'log', timeMs: log.timestamp / 1000, attributes: rest };
        }),
        resource,
      });
    }
  }
  return spans;
}
