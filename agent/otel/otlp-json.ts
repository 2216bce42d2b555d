// OTLP's JSON encoding of ExportTraceServiceRequest (what OTLP/HTTP JSON exporters post and what
// the collector's file exporter writes, one request per line): resourceSpans → scopeSpans → spans,
// ids as hex (base64 also read: protobuf's canonical JSON mapping of bytes), 64-bit integers as
// decimal strings or numbers, enums as numbers or their names.

import { z } from 'zod';
import { nanosToMs, type AttributeValue, type OtelSpan } from './span.ts';
import { statusCode } from './protobuf.ts';

const Int64 = z.union([z.string().regex(/^-?\d+$/, 'expected an integer'), z.number()]);

type JsonAnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | string;
  bytesValue?: string;
  arrayValue?: { values?: JsonAnyValue[] };
  kvlistValue?: { values?: JsonKeyValue[] };
};
type JsonKeyValue = { key: string; value?: JsonAnyValue };

const AnyValue: z.ZodType<JsonAnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: Int64.optional(),
    // NaN and the infinities come as strings in protobuf's JSON mapping.
    doubleValue: z.union([z.number(), z.string()]).optional(),
    bytesValue: z.string().optional(),
    arrayValue: z.object({ values: z.array(AnyValue).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(KeyValue).optional() }).optional(),
  }),
);
const KeyValue: z.ZodType<JsonKeyValue> = z.lazy(() => z.object({ key: z.string(), value: AnyValue.optional() }));

const Id = (bytes: number) =>
  z.string().transform((s, ctx) => {
    const id = idToHex(s, bytes);
    if (id === undefined) ctx.addIssue({ code: 'custom', message: `expected ${bytes * 2} hex digits (${bytes} bytes), got "${s.slice(0, 40)}"` });
    return id ?? '';
  });

const Span = z.object({
  traceId: Id(16),
  spanId: Id(8),
  parentSpanId: z.string().optional(),
  name: z.string(),
  startTimeUnixNano: Int64,
  endTimeUnixNano: Int64,
  attributes: z.array(KeyValue).optional(),
  events: z.array(z.object({ timeUnixNano: Int64.optional(), name: z.string().default(''), attributes: z.array(KeyValue).optional() })).optional(),
  status: z.object({ code: z.union([z.number().int(), z.string()]).optional(), message: z.string().optional() }).optional(),
});

export const OtlpTraceRequest = z.object({
  resourceSpans: z.array(
    z.object({
      resource: z.object({ attributes: z.array(KeyValue).optional() }).optional(),
      scopeSpans: z.array(z.object({ spans: z.array(Span).optional() })).optional(),
    }),
  ),
});
export type OtlpTraceRequest = z.infer<typeof OtlpTraceRequest>;

/** A hex id (any case), or a base64 one of the right length, as lowercase hex; undefined if neither. */
export function idToHex(s: string, bytes: number): string | undefined {
  if (new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(s)) return s.toLowerCase();
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(s)) {
    const raw = Buffer.from(s, 'base64');
    if (raw.length === bytes) return raw.toString('hex');
  }
  return undefined;
}

export function anyValueOf(v: JsonAnyValue | undefined): AttributeValue {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(anyValueOf);
  if (v.kvlistValue !== undefined) return keyValuesOf(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return v.bytesValue;
  return null;
}

export function keyValuesOf(list: readonly JsonKeyValue[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of list ?? []) out[kv.key] = anyValueOf(kv.value);
  return out;
}

const STATUS_NAMES: Record<string, 0 | 1 | 2> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

/** The spans of a checked request, in the order they were sent. */
export function spansOfRequest(request: OtlpTraceRequest): OtelSpan[] {
  const spans: OtelSpan[] = [];
  for (const rs of request.resourceSpans) {
    const resource = keyValuesOf(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const code = s.status?.code;
        const parent = s.parentSpanId ? idToHex(s.parentSpanId, 8) : undefined;
        spans.push({
          traceId: s.traceId,
          spanId: s.spanId,
          ...(parent ? { parentSpanId: parent } : {}),
          name: s.name,
          startMs: nanosToMs(s.startTimeUnixNano),
          endMs: nanosToMs(s.endTimeUnixNano),
          attributes: keyValuesOf(s.attributes),
          status: {
            code: typeof code === 'string' ? (STATUS_NAMES[code] ?? 0) : statusCode(code ?? 0),
            ...(s.status?.message ? { message: s.status.message } : {}),
          },
          events: (s.events ?? []).map((e) => ({ name: e.name, timeMs: e.timeUnixNano === undefined ? 0 : nanosToMs(e.timeUnixNano), attributes: keyValuesOf(e.attributes) })),
          resource,
        });
      }
    }
  }
  return spans;
}
