// The HTTP server: POST /v1/chat runs the agent on a message (in a session the server keeps, or
// a conversation the client sends whole) and answers JSON, or Server-Sent Events when asked
// (text deltas, tool calls, then a done event). GET /health says it is up. With a token, every
// request — health and unknown routes included — must carry it. Bodies are checked by zod at
// the edge: a bad one is 400 naming the field, an oversized one 413.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { runAgent, type LoopEvent } from '../loop.ts';
import type { ChatModel } from '../providers/types.ts';
import type { Trace } from '../trace.ts';
import { issuePath } from '../channels/config-file.ts';
import { KeyedQueue } from '../channels/keyed-queue.ts';
import type { ChatSessions } from '../channels/sessions.ts';
import { withoutMemoryTools } from '../channels/memory-turn.ts';
import { runTurn, type AgentSettings, type TurnRunner } from '../channels/turn.ts';
import { InputError } from '../../core/errors.ts';
import { bearerMatches } from './auth.ts';
import { ChatBody } from './chat-body.ts';
import { DEFAULT_BODY_LIMIT } from './settings.ts';
import { openEventStream } from './sse.ts';
import { traceSummary } from './summary.ts';
import { packages } from '../../core/packages.ts';

export interface ChatServerOptions {
  /** Everything about the agent but its model, which each request may choose. */
  agent: Omit<AgentSettings, 'model'>;
  defaultTarget: string;
  /** A model for a target id; throws an InputError for an unknown target or a missing key. */
  modelFor: (target: string) => ChatModel;
  sessions: ChatSessions;
  /** Runs a turn of a named session (default: the agent loop over the session's history). */
  turns?: TurnRunner;
  /** When set, every request needs `Authorization: Bearer <token>`. */
  token?: string;
  bodyLimit?: number;
  log?: (line: string) => void;
}

interface Outcome {
  trace: Trace;
  session?: string;
}

export function chatServer(options: ChatServerOptions): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = packages.fastify({ logger: false, bodyLimit });
  const sessionQueue = new KeyedQueue();
  const { token } = options;
  // With no session, nothing is kept: no memory either, so its tools are not offered.
  const oneOffTools = withoutMemoryTools(options.agent.tools);

  if (token) {
    app.addHook('onRequest', async (request, reply) => {
      if (!bearerMatches(request.headers.authorization, token)) {
        return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'missing or wrong bearer token' });
      }
    });
  }

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ error: `the request body is over the limit of ${bodyLimit} bytes` });
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return reply.code(status).send({ error: error.message });
    options.log?.(`serve: ${error.message}`);
    return reply.code(500).send({ error: `internal error: ${error.message}` });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}: the routes are GET /health and POST /v1/chat` }));

  app.get('/health', async () => ({ status: 'ok', target: options.defaultTarget }));

  app.post('/v1/chat', async (request, reply) => {
    const parsed = ChatBody.safeParse(request.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issuePath(issue).join('.') || '(body)';
      return reply.code(400).send({ error: `${field}: ${issue.message}`, field });
    }
    const body = parsed.data;
    let model: ChatModel;
    try {
      model = options.modelFor(body.target ?? options.defaultTarget);
    } catch (error) {
      if (error instanceof InputError) return reply.code(400).send({ error: error.message, field: 'target' });
      throw error;
    }
    const agent: AgentSettings = { ...options.agent, model };
    const oneOff: AgentSettings = { ...agent, tools: oneOffTools };
    const run = (signal: AbortSignal | undefined, onEvent?: (event: LoopEvent) => void): Promise<Outcome> => {
      const stream = onEvent !== undefined;
      if (body.messages) return runAgent({ ...oneOff, messages: body.messages, stream, onEvent, signal }).then((trace) => ({ trace }));
      if (body.session === undefined) return runAgent({ ...oneOff, messages: [{ role: 'user', content: body.message! }], stream, onEvent, signal }).then((trace) => ({ trace }));
      const session = body.session;
      // Two requests to one session at once would both build on the same history: one at a time.
      return sessionQueue
        .run(session, () => (options.turns ?? runTurn)({ sessions: options.sessions, key: `http-${session}`, text: body.message!, agent, stream, onEvent, signal }))
        .then(({ trace }) => ({ trace, session }));
    };
    if (body.stream ?? wantsEventStream(request)) return streamed(reply, run);
    const outcome = await run(undefined);
    return reply.code(outcome.trace.stopReason === 'error' ? 502 : 200).send(answerOf(outcome));
  });

  return app;
}

function wantsEventStream(request: FastifyRequest): boolean {
  const stream = (request.query as Record<string, unknown> | undefined)?.stream;
  return (request.headers.accept ?? '').includes('text/event-stream') || stream === '1' || stream === 'true';
}

function answerOf({ trace, session }: Outcome): Record<string, unknown> {
  return {
    answer: trace.finalAnswer,
    ...(session !== undefined ? { session } : {}),
    ...(trace.stopReason === 'error' ? { error: `the model failed: ${trace.error ?? 'no reason given'}` } : {}),
    trace: traceSummary(trace),
  };
}

/** The run's events as they happen, then `done` (or `error` when the model failed). */
async function streamed(reply: FastifyReply, run: (signal: AbortSignal, onEvent: (event: LoopEvent) => void) => Promise<Outcome>): Promise<void> {
  reply.hijack();
  const events = openEventStream(reply.raw);
  try {
    const outcome = await run(events.gone, (event) => {
      if (event.type === 'text') events.send('delta', { text: event.delta });
      else if (event.type === 'tool_call') events.send('tool_call', { id: event.call.id, name: event.call.name, arguments: event.call.arguments });
      else events.send('tool_result', { id: event.record.id, name: event.record.name, ...(event.record.error ? { error: event.record.error } : { ok: true }) });
    });
    events.send(outcome.trace.stopReason === 'error' ? 'error' : 'done', answerOf(outcome));
  } catch (error) {
    events.send('error', { error: `internal error: ${error instanceof Error ? error.message : String(error)}` });
  } finally {
    events.end();
  }
}
