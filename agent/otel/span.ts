// One OpenTelemetry span as Lunar reads it, whichever wire it came over (OTLP JSON, OTLP protobuf,
// a Jaeger export): ids as lowercase hex, times in milliseconds since the epoch, attribute values
// as plain JSON. The conversion to a trajectory (spans-to-trajectory.ts) reads only this shape.

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

export interface SpanEvent {
  name: string;
  timeMs: number;
  attributes: Record<string, AttributeValue>;
}

export interface OtelSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, AttributeValue>;
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  status: { code: 0 | 1 | 2; message?: string };
  events: SpanEvent[];
  /** The resource's attributes (service.name and the like). */
  resource: Record<string, AttributeValue>;
}

/** Nanoseconds since the epoch (a fixed64, often sent as a decimal string) as milliseconds. */
export function nanosToMs(nanos: bigint | string | number): number {
  const n = typeof nanos === 'bigint' ? nanos : BigInt(typeof nanos === 'number' ? Math.trunc(nanos) : nanos);
  // Split before converting: 1.7e18 ns is past 2^53, a plain Number() would round the microseconds away.
  return Number(n / 1_000_000n) + Number(n % 1_000_000n) / 1_000_000;
}

export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
