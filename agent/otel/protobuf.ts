// OTLP's protobuf body, read by hand: the protobuf wire format (varints, fixed64/32, length-
// delimited fields) and just the fields of ExportTraceServiceRequest Lunar reads, numbered as in
// opentelemetry-proto's trace/v1/trace.proto, common/v1/common.proto and resource/v1/resource.proto.
// Unknown fields are skipped, as protobuf readers must. A body that does not parse is a
// ProtobufError (the receiver answers 400), never a partial read passed off as whole.

import { bytesToHex, nanosToMs, type AttributeValue, type OtelSpan, type SpanEvent } from './span.ts';

export class ProtobufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufError';
  }
}

type Field =
  | { no: number; wire: 0; varint: bigint }
  | { no: number; wire: 1; bytes: Uint8Array }
  | { no: number; wire: 2; bytes: Uint8Array }
  | { no: number; wire: 5; bytes: Uint8Array };

/** The fields of one message, in order. */
export function readFields(buf: Uint8Array): Field[] {
  const fields: Field[] = [];
  let at = 0;
  const varint = (): bigint => {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (at >= buf.length) throw new ProtobufError('truncated varint');
      const byte = buf[at++]!;
      value |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new ProtobufError('varint longer than 10 bytes');
  };
  const take = (n: number): Uint8Array => {
    if (n < 0 || at + n > buf.length) throw new ProtobufError(`field runs past the end of the message (${n} bytes at offset ${at} of ${buf.length})`);
    const out = buf.subarray(at, at + n);
    at += n;
    return out;
  };
  while (at < buf.length) {
    const key = varint();
    const no = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (no === 0) throw new ProtobufError('field number 0');
    if (wire === 0) fields.push({ no, wire, varint: varint() });
    else if (wire === 1) fields.push({ no, wire, bytes: take(8) });
    else if (wire === 2) fields.push({ no, wire, bytes: take(Number(varint())) });
    else if (wire === 5) fields.push({ no, wire, bytes: take(4) });
    else throw new ProtobufError(`unsupported wire type ${wire} (field ${no})`);
  }
  return fields;
}

const utf8 = new TextDecoder('utf-8');
const text = (f: Field): string => (f.wire === 2 ? utf8.decode(f.bytes) : wrongWire(f, 'a string'));
const bytes = (f: Field): Uint8Array => (f.wire === 2 ? f.bytes : wrongWire(f, 'bytes'));
const message = (f: Field): Field[] => readFields(bytes(f));
const fixed64 = (f: Field): bigint => (f.wire === 1 ? Buffer.from(f.bytes).readBigUInt64LE(0) : wrongWire(f, 'a fixed64'));
const varintOf = (f: Field): bigint => (f.wire === 0 ? f.varint : wrongWire(f, 'a varint'));

function wrongWire(f: Field, expected: string): never {
  throw new ProtobufError(`field ${f.no} should be ${expected}, has wire type ${f.wire}`);
}

/** AnyValue: 1 string, 2 bool, 3 int64, 4 double, 5 ArrayValue, 6 KeyValueList, 7 bytes. */
function anyValue(fields: Field[]): AttributeValue {
  let value: AttributeValue = null;
  for (const f of fields) {
    if (f.no === 1) value = text(f);
    else if (f.no === 2) value = varintOf(f) !== 0n;
    else if (f.no === 3) value = Number(BigInt.asIntN(64, varintOf(f)));
    else if (f.no === 4) value = f.wire === 1 ? Buffer.from(f.bytes).readDoubleLE(0) : wrongWire(f, 'a double');
    else if (f.no === 5) value = message(f).filter((v) => v.no === 1).map((v) => anyValue(message(v)));
    else if (f.no === 6) value = keyValues(message(f).filter((v) => v.no === 1));
    else if (f.no === 7) value = Buffer.from(bytes(f)).toString('base64');
  }
  return value;
}

/** repeated KeyValue (1 key, 2 value) as an object. */
function keyValues(fields: Field[]): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const f of fields) {
    let key = '';
    let value: AttributeValue = null;
    for (const part of message(f)) {
      if (part.no === 1) key = text(part);
      else if (part.no === 2) value = anyValue(message(part));
    }
    out[key] = value;
  }
  return out;
}

/** Span.Event: 1 time_unix_nano, 2 name, 3 attributes. */
function event(fields: Field[]): SpanEvent {
  let timeMs = 0;
  let name = '';
  const attributes: Field[] = [];
  for (const f of fields) {
    if (f.no === 1) timeMs = nanosToMs(fixed64(f));
    else if (f.no === 2) name = text(f);
    else if (f.no === 3) attributes.push(f);
  }
  return { name, timeMs, attributes: keyValues(attributes) };
}

/**
 * Span: 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 7 start, 8 end, 9 attributes, 11 events,
 * 15 status (2 message, 3 code).
 */
function span(fields: Field[], resource: Record<string, AttributeValue>): OtelSpan {
  const out: OtelSpan = { traceId: '', spanId: '', name: '', startMs: 0, endMs: 0, attributes: {}, status: { code: 0 }, events: [], resource };
  const attributes: Field[] = [];
  for (const f of fields) {
    if (f.no === 1) out.traceId = bytesToHex(bytes(f));
    else if (f.no === 2) out.spanId = bytesToHex(bytes(f));
    else if (f.no === 4) {
      const parent = bytesToHex(bytes(f));
      if (parent) out.parentSpanId = parent;
    } else if (f.no === 5) out.name = text(f);
    else if (f.no === 7) out.startMs = nanosToMs(fixed64(f));
    else if (f.no === 8) out.endMs = nanosToMs(fixed64(f));
    else if (f.no === 9) attributes.push(f);
    else if (f.no === 11) out.events.push(event(message(f)));
    else if (f.no === 15) {
      for (const s of message(f)) {
        if (s.no === 2) out.status.message = text(s);
        else if (s.no === 3) out.status.code = statusCode(Number(varintOf(s)));
      }
    }
  }
  out.attributes = keyValues(attributes);
  if (!/^[0-9a-f]{32}$/.test(out.traceId)) throw new ProtobufError(`span "${out.name}": trace_id is not 16 bytes`);
  if (!/^[0-9a-f]{16}$/.test(out.spanId)) throw new ProtobufError(`span "${out.name}": span_id is not 8 bytes`);
  return out;
}

export function statusCode(code: number): 0 | 1 | 2 {
  return code === 1 || code === 2 ? code : 0;
}

/**
 * ExportTraceServiceRequest: 1 resource_spans (ResourceSpans: 1 resource (Resource: 1 attributes),
 * 2 scope_spans (ScopeSpans: 2 spans)).
 */
export function decodeExportTraceRequest(body: Uint8Array): OtelSpan[] {
  const spans: OtelSpan[] = [];
  for (const rs of readFields(body)) {
    if (rs.no !== 1) continue;
    const parts = message(rs);
    let resource: Record<string, AttributeValue> = {};
    for (const p of parts) if (p.no === 1) resource = keyValues(message(p).filter((a) => a.no === 1));
    for (const p of parts) {
      if (p.no !== 2) continue;
      for (const s of message(p)) if (s.no === 2) spans.push(span(message(s), resource));
    }
  }
  return spans;
}
