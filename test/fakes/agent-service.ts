// A stateful agent behind HTTP, as a team's own service would be: it keeps what it is told per
// session id, wants a bearer token, answers JSON in its own shape ({ data: { reply, calls, tokens } })
// or, asked for SSE, the reply in pieces. It answers the second turn of a conversation right only
// when that turn carries the session id the first turn had.

import type { ServerResponse } from 'node:http';
import { HttpFake, type RecordedRequest } from './http-fake.ts';

export interface AgentServiceBody {
  message: string;
  session: string;
  history: { role: string; content: string }[];
  case: string;
}

export async function agentService(token: string): Promise<HttpFake> {
  const facts = new Map<string, string>();
  const answer = (request: RecordedRequest): { reply: string; calls: object[] } => {
    const body = request.body as AgentServiceBody;
    const told = /remember that (.+)/i.exec(body.message);
    if (told) {
      facts.set(body.session, told[1]!);
      return { reply: 'noted', calls: [{ tool: 'memory_write', args: { text: told[1] } }] };
    }
    if (/what did i tell you/i.test(body.message)) return { reply: facts.get(body.session) ?? 'you told me nothing', calls: [] };
    return { reply: `case ${body.case}: ${body.message} (${body.history.length} messages)`, calls: [] };
  };
  const authorised = (request: RecordedRequest, response: ServerResponse): boolean => {
    if (request.headers.authorization === `Bearer ${token}`) return true;
    response.writeHead(401, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: 'wrong token' }));
    return false;
  };
  return new HttpFake()
    .route('POST', /^\/chat$/, (request, response) => {
      if (!authorised(request, response)) return;
      const { reply, calls } = answer(request);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ data: { reply, calls, tokens: { in: 30, out: 7 } } }));
    })
    .route('POST', /^\/stream$/, (request, response) => {
      if (!authorised(request, response)) return;
      const { reply } = answer(request);
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      // Three pieces, then OpenAI's end marker.
      for (const piece of [reply.slice(0, 3), reply.slice(3, 8), reply.slice(8)]) response.write(`data: ${JSON.stringify({ delta: { content: piece } })}\n\n`);
      response.end('data: [DONE]\n\n');
    })
    .start();
}
