// Lunar's OTLP/HTTP trace receiver: what an external agent's OpenTelemetry exporter posts to during
// a run. It answers as a collector does (200 with an empty ExportTraceServiceResponse, `{}` in
// JSON; 400 for a body that does not parse, 413 over the size limit, 415 for other media types or
// encodings), keeps the spans by trace id, and hands an attempt its own trace's spans as a
// trajectory once they stop arriving. Loopback only: spans carry prompts and tool results.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzip, inflate } from 'node:zlib';
import { promisify } from 'node:util';
import type { SpanCollector, SpanTrajectory } from '../external/span-collector.ts';
import { decodeExportTraceRequest, ProtobufError } from './protobuf.ts';
import { OtlpTraceRequest, spansOfRequest } from './otlp-json.ts';
import type { OtelSpan } from './span.ts';
import { spansToTrajectory, type ConvertOptions } from './spans-to-trajectory.ts';

export interface SpanCollectorOptions extends ConvertOptions {
  host?: string;
  /** 0 (the default): an ephemeral port. */
  port?: number;
  /** Largest request body accepted, compressed or inflated (default 20 MiB, the collector's max_request_body_size). */
  maxBodyBytes?: number;
  /** Traces kept waiting for their attempt at once; beyond it the oldest is dropped (default 10 000). */
  maxTraces?: number;
  /** Told of every accepted request's (decompressed) body: tests write the collector's file format from it. */
  onRequest?: (body: Buffer, encoding: 'json' | 'protobuf') => void;
}

/** How long an attempt's spans may go quiet before they are taken as complete, and the longest wait for them. */
export const DEFAULT_SETTLE_MS = 500;
export const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * How long an attempt waits for its first span: an agent that exports none (no OpenTelemetry set
 * up) costs each attempt this much, not the whole timeout. Exporters that batch must flush before
 * the agent answers (the README says so), so a first span later than this is not waited for.
 */
export const DEFAULT_FIRST_SPAN_MS = 2_000;
const DEFAULT_MAX_BODY = 20 * 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Held {
  spans: OtelSpan[];
  lastAt: number;
  /** Wakes the attempts waiting on this trace (a span arrived). */
  wake: Set<() => void>;
}

export async function startSpanCollector(options: SpanCollectorOptions = {}): Promise<SpanCollector> {
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const maxTraces = options.maxTraces ?? 10_000;
  const traces = new Map<string, Held>();
  const held = (traceId: string): Held => {
    let h = traces.get(traceId);
    if (!h) {
      h = { spans: [], lastAt: 0, wake: new Set() };
      traces.set(traceId, h);
      for (const [oldest, o] of traces) {
        if (traces.size <= maxTraces) break;
        if (o.wake.size === 0) traces.delete(oldest);
      }
    }
    return h;
  };

  const accept = (spans: OtelSpan[]) => {
    const now = Date.now();
    for (const span of spans) {
      const h = held(span.traceId);
      h.spans.push(span);
      h.lastAt = now;
    }
    for (const id of new Set(spans.map((s) => s.traceId))) for (const wake of traces.get(id)?.wake ?? []) wake();
  };

  const server = createServer((req, res) => {
    handle(req, res, maxBody, options.onRequest)
      .then(accept)
      .catch((error: unknown) => {
        const status = error instanceof HttpError ? error.status : 400;
        reply(res, status, req.headers['content-type'], (error as Error).message);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  let closed = false;

  return {
    endpoint: `http://${host}:${port}`,
    async trajectory(traceId, wait = {}): Promise<SpanTrajectory> {
      const id = traceId.toLowerCase();
      const settleMs = wait.settleMs ?? DEFAULT_SETTLE_MS;
      const deadline = Date.now() + (wait.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      const firstSpanBy = Date.now() + (wait.firstSpanMs ?? DEFAULT_FIRST_SPAN_MS);
      const h = held(id);
      await new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        const done = () => {
          clearTimeout(timer);
          h.wake.delete(check);
          wait.signal?.removeEventListener('abort', done);
          resolve();
        };
        // Quiet for settleMs after the last span, or the deadline: whichever is first.
        function check() {
          clearTimeout(timer);
          const now = Date.now();
          const none = h.spans.length === 0;
          if (closed || now >= deadline || (none && now >= firstSpanBy) || (!none && now - h.lastAt >= settleMs)) return done();
          const quietAt = none ? firstSpanBy : h.lastAt + settleMs;
          timer = setTimeout(check, Math.max(1, Math.min(quietAt, deadline) - now));
        }
        if (wait.signal?.aborted) return resolve();
        wait.signal?.addEventListener('abort', done, { once: true });
        h.wake.add(check);
        check();
      });
      // Handed over: the attempt owns these spans now; any that straggle in later start afresh.
      if (h.wake.size === 0) traces.delete(id);
      return spansToTrajectory(h.spans, options);
    },
    async close(): Promise<void> {
      closed = true;
      for (const h of traces.values()) for (const wake of h.wake) wake();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, maxBody: number, onRequest: SpanCollectorOptions['onRequest']): Promise<OtelSpan[]> {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/v1/traces') throw new HttpError(404, `no such endpoint: ${path} (spans go to POST /v1/traces)`);
  if (req.method !== 'POST') throw new HttpError(405, `${req.method} not allowed: POST spans to /v1/traces`);
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const encoding = type === 'application/json' ? 'json' : type === 'application/x-protobuf' ? 'protobuf' : undefined;
  if (!encoding) {
    req.resume();
    throw new HttpError(415, `unsupported content type "${type}": send application/json or application/x-protobuf`);
  }
  const raw = await readBody(req, maxBody);
  const body = await decompress(raw, req.headers['content-encoding'], maxBody);
  const spans = encoding === 'json' ? jsonSpans(body) : protobufSpans(body);
  onRequest?.(body, encoding);
  reply(res, 200, type);
  return spans;
}

function jsonSpans(body: Buffer): OtelSpan[] {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new HttpError(400, `the body is not JSON: ${(error as Error).message}`);
  }
  const parsed = OtlpTraceRequest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HttpError(400, `not an ExportTraceServiceRequest: ${issue.path.join('.') || '(body)'}: ${issue.message}`);
  }
  return spansOfRequest(parsed.data);
}

function protobufSpans(body: Buffer): OtelSpan[] {
  try {
    return decodeExportTraceRequest(body);
  } catch (error) {
    if (error instanceof ProtobufError) throw new HttpError(400, `not an ExportTraceServiceRequest: ${error.message}`);
    throw error;
  }
}

async function readBody(req: IncomingMessage, maxBody: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > maxBody) {
    req.resume();
    throw new HttpError(413, `the body is ${declared} bytes, over the limit of ${maxBody}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBody) {
      req.resume();
      throw new HttpError(413, `the body is over the limit of ${maxBody} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

async function decompress(body: Buffer, encoding: string | undefined, maxBody: number): Promise<Buffer> {
  const e = (encoding ?? 'identity').trim().toLowerCase();
  if (e === 'identity' || e === '') return body;
  if (e !== 'gzip' && e !== 'deflate') throw new HttpError(415, `unsupported content encoding "${e}": send gzip or none`);
  try {
    // The limit holds for what the body inflates to as well: a small gzip can hold gigabytes.
    return await (e === 'gzip' ? gunzipAsync : inflateAsync)(body, { maxOutputLength: maxBody });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw new HttpError(413, `the body inflates to over the limit of ${maxBody} bytes`);
    throw new HttpError(400, `the body is not valid ${e}: ${(error as Error).message}`);
  }
}

/**
 * A collector's answer: success is an empty ExportTraceServiceResponse; a failure is a
 * google.rpc.Status (1 code, 2 message) in the request's encoding.
 */
function reply(res: ServerResponse, status: number, contentType: string | undefined, message?: string): void {
  if (res.headersSent) return;
  const protobuf = (contentType ?? '').toLowerCase().startsWith('application/x-protobuf');
  // gRPC codes: 3 INVALID_ARGUMENT for what the client sent wrong.
  const body = message === undefined ? (protobuf ? Buffer.alloc(0) : Buffer.from('{}')) : protobuf ? rpcStatus(3, message) : Buffer.from(JSON.stringify({ code: 3, message }));
  res.writeHead(status, { 'content-type': protobuf ? 'application/x-protobuf' : 'application/json', 'content-length': body.length });
  res.end(body);
}

function rpcStatus(code: number, message: string): Buffer {
  const text = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from([0x08, code, 0x12]), varint(text.length), text]);
}

function varint(n: number): Buffer {
  const bytes: number[] = [];
  while (n > 0x7f) {
    bytes.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  bytes.push(n);
  return Buffer.from(bytes);
}
