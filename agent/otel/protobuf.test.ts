import { describe, expect, it } from 'vitest';
import { decodeExportTraceRequest, ProtobufError, readFields } from './protobuf.ts';

// A tiny writer for the test's own messages (the receiver's tests use the real exporter's bytes).
const varint = (n: bigint): number[] => {
  const out: number[] = [];
  let v = BigInt.asUintN(64, n);
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
};
const field = (no: number, wire: number) => varint(BigInt((no << 3) | wire));
const bytes = (no: number, body: number[] | Uint8Array) => [...field(no, 2), ...varint(BigInt(body.length)), ...body];
const str = (no: number, s: string) => bytes(no, [...Buffer.from(s, 'utf8')]);
const fixed64 = (no: number, n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return [...field(no, 1), ...b];
};
const double = (no: number, x: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return [...field(no, 1), ...b];
};
/** A KeyValue as field `no`: 9 on a Span, 1 on a Resource. */
const kv = (key: string, value: number[], no = 9) => bytes(no, [...str(1, key), ...bytes(2, value)]);

describe('decodeExportTraceRequest', () => {
  it('reads every AnyValue kind, times as fixed64 nanoseconds, the status, and skips fields it does not know', () => {
    const span = [
      ...bytes(1, [...Buffer.from('4bf92f3577b34da6a3ce929d0e0e4736', 'hex')]),
      ...bytes(2, [...Buffer.from('00f067aa0ba902b7', 'hex')]),
      ...str(5, 'chat'),
      ...field(6, 0), ...varint(3n), // kind: unknown to Lunar, skipped
      ...fixed64(7, 1_767_600_000_123_456_789n),
      ...fixed64(8, 1_767_600_000_623_456_789n),
      ...kv('s', str(1, 'text')),
      ...kv('b', [...field(2, 0), ...varint(1n)]),
      ...kv('i', [...field(3, 0), ...varint(-5n)]),
      ...kv('d', double(4, 0.25)),
      ...kv('a', bytes(5, [...bytes(1, str(1, 'x')), ...bytes(1, [...field(3, 0), ...varint(2n)])])),
      ...kv('m', bytes(6, bytes(1, [...str(1, 'k'), ...bytes(2, str(1, 'v'))]))),
      ...kv('y', bytes(7, [1, 2, 3])),
      ...bytes(15, [...str(2, 'boom'), ...field(3, 0), ...varint(2n)]),
      ...field(16, 5), 1, 0, 0, 0, // flags: fixed32, skipped
    ];
    const request = bytes(1, [...bytes(1, kv('service.name', str(1, 'svc'), 1)), ...bytes(2, bytes(2, span))]);
    const [s] = decodeExportTraceRequest(new Uint8Array(request));
    expect(s).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      name: 'chat',
      startMs: 1_767_600_000_123.456789,
      endMs: 1_767_600_000_623.456789,
      attributes: { s: 'text', b: true, i: -5, d: 0.25, a: ['x', 2], m: { k: 'v' }, y: 'AQID' },
      status: { code: 2, message: 'boom' },
      events: [],
      resource: { 'service.name': 'svc' },
    });
    expect(s!.endMs - s!.startMs).toBeCloseTo(500, 6);
  });

  it('refuses a truncated message, a bad wire type and an id of the wrong length', () => {
    expect(() => readFields(new Uint8Array([0x0a, 5, 1]))).toThrow(ProtobufError);
    expect(() => readFields(new Uint8Array([0x0b]))).toThrow(/unsupported wire type 3/);
    expect(() => readFields(new Uint8Array([0x08, 0x80]))).toThrow(/truncated varint/);
    const shortId = bytes(1, bytes(2, bytes(2, [...bytes(1, [1, 2]), ...bytes(2, [...Buffer.alloc(8, 1)])])));
    expect(() => decodeExportTraceRequest(new Uint8Array(shortId))).toThrow(/trace_id is not 16 bytes/);
  });
});
