// The OpenAI-compatible server on loopback that the HTTP and cache figures call: POST
// /v1/chat/completions answers the last user message back after `delayMs` (plain JSON, or SSE when
// asked to stream). It runs inside the benchmarking process, so no network or key is needed and
// both tools wait the same delay; it counts the requests that reach it, which is how the cache
// figure shows each tool's misses. Given `answer`, it answers each request with what that decides
// from the request's body instead (text or tool calls; the τ-bench figure's replayed episodes).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChildFigure } from './child-timing.ts';
import type { ReplayTurn } from '../tau-replay-turns.ts';

interface SlowServer {
  url: string;
  delayMs: number;
  requests: number;
  close(): Promise<void>;
}

export async function slowChatServer(delayMs: number, answerWith?: (body: any) => ReplayTurn): Promise<SlowServer> {
  let n = 0;
  const state: SlowServer = { url: '', delayMs, requests: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => void answer(req, res));
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== 'POST' || !/\/chat\/completions$/.test((req.url ?? '').split('?')[0]!)) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route for ${req.method} ${req.url}` } }));
      return;
    }
    state.requests++;
    let body: { model?: string; stream?: boolean; messages?: { role: string; content: unknown }[] } = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      // Answer anyway.
    }
    const last = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user')?.content;
    const echoed = typeof last === 'string' ? last : Array.isArray(last) ? last.map((p: { text?: string }) => p.text ?? '').join('') : '';
    const turn = answerWith?.(body);
    const text = turn ? (turn.text ?? null) : echoed;
    if (state.delayMs > 0) await new Promise((r) => setTimeout(r, state.delayMs));
    const id = `chatcmpl-${++n}`;
    const model = body.model ?? 'fake-model';
    const created = Math.floor(Date.now() / 1000);
    const usage = turn ? { prompt_tokens: turn.usage.input, completion_tokens: turn.usage.output, total_tokens: turn.usage.input + turn.usage.output } : { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 };
    const toolCalls = turn?.toolCalls?.map((c, i) => ({ id: `call_${n}_${i}`, type: 'function', function: { name: c.name, arguments: c.arguments } }));
    const finish = toolCalls?.length ? 'tool_calls' : 'stop';
    if (body.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const chunk = (delta: object, finish: string | null) => ({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] });
      res.write(`data: ${JSON.stringify(chunk({ role: 'assistant', content: text, ...(toolCalls?.length && { tool_calls: toolCalls.map((c, index) => ({ index, ...c })) }) }, null))}\n\n`);
      res.write(`data: ${JSON.stringify(chunk({}, finish))}\n\n`);
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`);
      res.end('data: [DONE]\n\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id, object: 'chat.completion', created, model, choices: [{ index: 0, message: { role: 'assistant', content: text, ...(toolCalls?.length && { tool_calls: toolCalls }) }, finish_reason: finish, logprobs: null }], usage }));
  };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  server.keepAliveTimeout = 30_000;
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}

export async function counted(server: SlowServer, run: () => Promise<ChildFigure>): Promise<ChildFigure> {
  const before = server.requests;
  const figure = await run();
  figure.requests = server.requests - before;
  return figure;
}
