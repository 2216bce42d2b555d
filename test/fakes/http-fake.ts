// A loopback HTTP server for provider fakes. Each fake registers routes that answer in its
// provider's wire protocol; tests queue faults (429 with Retry-After, 500, a slow reply, a hang,
// a dropped connection, a reply cut after N bytes), once or for every try, in front of the routes
// and read back every request the SDK sent.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' }
  /** The request is read and never answered: no status, no byte, the connection left open. */
  | { kind: 'hang' }
  /** The route answers, but only its first `writes` body writes (stream events) get out; then the connection hangs open. */
  | { kind: 'stall'; writes: number }
  /** A 200 with this content type and these body pieces, written as they are (a hand-made stream). */
  | { kind: 'raw'; contentType: string; chunks: string[] }
  /** The route answers, but the connection is destroyed once `bytes` bytes of its body are out (a reply cut mid-way). */
  | { kind: 'cut'; bytes: number };

export type RouteHandler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

export class HttpFake {
  readonly requests: RecordedRequest[] = [];
  private readonly routes: { method: string; pattern: RegExp; handler: RouteHandler }[] = [];
  private readonly faults: Fault[] = [];
  private server?: Server;

  route(method: string, pattern: RegExp, handler: RouteHandler): this {
    this.routes.push({ method, pattern, handler });
    return this;
  }

  /** The next `times` requests meet this fault instead of their route (delay: the route answers late). */
  fault(fault: Fault, times = 1): this {
    for (let i = 0; i < times; i++) this.faults.push(fault);
    return this;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('fake server not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: any = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // Not JSON: keep the text.
    }
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body };
    this.requests.push(recorded);

    const fault = this.faults.shift();
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'hang') return; // close() ends the connection
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(JSON.stringify(fault.body ?? { error: { message: `fake ${fault.status}` } }));
      return;
    }
    if (fault?.kind === 'raw') {
      res.writeHead(200, { 'content-type': fault.contentType });
      for (const chunk of fault.chunks) res.write(chunk);
      res.end();
      return;
    }
    if (fault?.kind === 'stall') stallAfter(res, fault.writes);
    if (fault?.kind === 'cut') cutAfter(res, fault.bytes);
    if (fault?.kind === 'delay') {
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      if (res.destroyed || req.socket.destroyed) return;
    }

    const path = recorded.path.split('?')[0]!;
    const route = this.routes.find((r) => r.method === recorded.method && r.pattern.test(path));
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no fake route for ${recorded.method} ${path}` } }));
      return;
    }
    await route.handler(recorded, res);
  }
}

/** Lets the first `writes` writes through, then swallows the rest and never ends the response. */
function stallAfter(res: ServerResponse, writes: number): void {
  const write = res.write.bind(res) as (chunk: unknown) => boolean;
  let written = 0;
  res.write = ((chunk: unknown) => (++written <= writes ? write(chunk) : true)) as ServerResponse['write'];
  res.end = (() => res) as ServerResponse['end'];
}

/**
 * Lets the first `bytes` bytes of the body out, then destroys the socket once they are flushed:
 * the client has its status, headers and part of the answer, and then a connection that is gone.
 */
function cutAfter(res: ServerResponse, bytes: number): void {
  const write = res.write.bind(res) as (chunk: Buffer, callback?: () => void) => boolean;
  let sent = 0;
  let cut = false;
  const cutNow = () => {
    if (cut) return;
    cut = true;
    // Headers alone when no body byte is to go: flushHeaders puts them on the wire first.
    if (!res.headersSent) res.flushHeaders();
    write(Buffer.alloc(0), () => res.socket?.destroy());
  };
  res.write = ((chunk: string | Buffer) => {
    if (cut) return true;
    const data = Buffer.from(chunk);
    const room = bytes - sent;
    sent += data.length;
    if (room > 0) write(data.subarray(0, room));
    if (sent >= bytes) cutNow();
    return true;
  }) as ServerResponse['write'];
  res.end = ((chunk?: string | Buffer) => {
    if (chunk && typeof chunk !== 'function') res.write(chunk);
    cutNow();
    return res;
  }) as ServerResponse['end'];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Server-Sent Events: each item is written as one `data:` event; strings are sent as they are. */
export function sendSse(res: ServerResponse, events: unknown[], done = '[DONE]'): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  for (const event of events) res.write(`data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`);
  if (done) res.write(`data: ${done}\n\n`);
  res.end();
}

/** Newline-delimited JSON, as Ollama streams. */
export function sendNdjson(res: ServerResponse, lines: unknown[]): void {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  for (const line of lines) res.write(`${JSON.stringify(line)}\n`);
  res.end();
}

/**
 * What a fake model says on its next turn. Provider fakes translate this into their wire format,
 * so the same scripted turn tests every provider.
 */
export interface FakeTurn {
  text?: string;
  toolCalls?: { name: string; arguments: Record<string, unknown> | string }[];
  usage?: { input: number; output: number };
  finish?: 'stop' | 'length';
}

/**
 * The vector the embedding fakes give `text`: deterministic from the text alone (an FNV-1a seed
 * stepped by a xorshift), values in [-1, 1], not normalised (as Gemini's reduced-dimension
 * vectors are not), so tests can check which input each vector belongs to.
 */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  const out: number[] = [];
  for (let i = 0; i < dimensions; i++) {
    h ^= h << 13;
    h ^= h >>> 17;
    h ^= h << 5;
    out.push(Math.round((((h >>> 0) % 2001) - 1000)) / 1000 || 0.001);
  }
  return out;
}

/** A rough token count for fake usage figures: whitespace-separated words. */
export function fakeTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}
