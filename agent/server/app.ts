// The HTTP server: POST /v1/chat runs the agent on a message (in a session the server keeps, or
// a conversation the client sends whole) and answers JSON, or Server-Sent Events when asked
// (text deltas, tool calls, then a done event). GET /health says it is up. Every request must
// name a host the server answers to (host-check.ts, against DNS rebinding); with a token, every
// request — health and unknown routes included — must carry it. GET /openapi.json describes the
// routes, built from the same zod schemas (openapi.ts). Bodies are checked by zod at
// the edge: a bad one is 400 naming the field, an oversized one 413.
//
// A request picks its model only among the targets the operator started the server with, by
// their ids: it never names a file to read or a provider key to spend. What fails inside the
// server is told to the operator's log, never to the client, since a message may quote the file
// it came from (a damaged transcript, say).

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { runAgent, type LoopEvent } from '../loop.ts';
import type { ChatModel } from '../providers/types.ts';
import type { Trace } from '../trace.ts';
import { issuePath } from '../channels/config-file.ts';
import { KeyedQueue } from '../channels/keyed-queue.ts';
import type { ChatSessions } from '../channels/sessions.ts';
import { withoutMemoryTools } from '../channels/memory-turn.ts';
import { runTurn, type AgentSettings, type TurnRunner } from '../channels/turn.ts';
import { bearerMatches } from './auth.ts';
import { ChatBody } from './chat-body.ts';
import { hostCheck } from './host-check.ts';
import { DEFAULT_BODY_LIMIT } from './settings.ts';
import { openApiDocument, type ChatAnswer as ChatAnswerSchema, type Health as HealthSchema } from './openapi.ts';
import { openEventStream } from './sse.ts';
import { traceSummary } from './summary.ts';
import { packages } from '../../core/packages.ts';
import { lunarVersion } from '../../core/package.ts';

type ChatAnswer = z.infer<typeof ChatAnswerSchema>;
type Health = z.infer<typeof HealthSchema>;

export interface ChatServerOptions {
  /** Everything about the agent but its model, which each request may choose. */
  agent: Omit<AgentSettings, 'model'>;
  /** The target ids a request may pick, the first its default: the operator's allowlist. */
  targets: readonly string[];
  /** A fresh model for one of `targets` (each resolved before the server listens). */
  modelFor: (target: string) => ChatModel;
  /** Host names to answer to besides loopback and the bound address (--allowed-host). */
  allowedHosts?: readonly string[];
  sessions: ChatSessions;
  /** Runs a turn of a named session (default: the agent loop over the session's history). */
  turns?: TurnRunner;
  /** When set, every request needs `Authorization: Bearer <token>`. */
  token?: string;
  bodyLimit?: number;
  log?: (line: string) => void;
}

/** All a client learns of a failure inside the server; the operator's log has the rest. */
const INTERNAL_ERROR = 'internal error: the server log says what failed';

interface Outcome {
  trace: Trace;
  session?: string;
}

export function chatServer(options: ChatServerOptions): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = packages.fastify({ logger: false, bodyLimit });
  const sessionQueue = new KeyedQueue();
  const { token, targets } = options;
  const defaultTarget = targets[0];
  if (defaultTarget === undefined) throw new Error('chatServer: no target to serve');
  // With no session, nothing is kept: no memory either, so its tools are not offered.
  const oneOffTools = withoutMemoryTools(options.agent.tools);

  // First: a request for another host is refused before it can learn anything, even whether a token is needed.
  app.addHook('onRequest', hostCheck({ allowedHosts: options.allowedHosts }));
  if (token) {
    app.addHook('onRequest', async (request, reply) => {
      if (!bearerMatches(request.headers.authorization, token)) {
        return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'missing or wrong bearer token' });
      }
    });
  }

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ error: `the request body is over the limit of ${bodyLimit} bytes` });
    // A 4xx carrying its status is Fastify's own verdict on the request (unparsable JSON, a wrong
    // content type) and speaks of the client's bytes only; anything else stays in the log.
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return reply.code(status).send({ error: error.message });
    options.log?.(`serve: ${error.stack ?? error.message}`);
    return reply.code(500).send({ error: INTERNAL_ERROR });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}: the routes are GET /health, POST /v1/chat and GET /openapi.json` }));

  app.get('/health', async () => ({ status: 'ok', target: defaultTarget, targets: [...targets] }) satisfies Health);
  const document = openApiDocument(lunarVersion());
  app.get('/openapi.json', async () => document);

  app.post('/v1/chat', async (request, reply) => {
    const parsed = ChatBody.safeParse(request.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issuePath(issue).join('.') || '(body)';
      return reply.code(400).send({ error: `${field}: ${issue.message}`, field });
    }
    const body = parsed.data;
    const target = body.target ?? defaultTarget;
    if (!targets.includes(target)) return reply.code(400).send({ error: `target ${JSON.stringify(target)} is not served; served: ${targets.join(', ')}`, field: 'target' });
    const agent: AgentSettings = { ...options.agent, model: options.modelFor(target) };
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
    if (body.stream ?? wantsEventStream(request)) return streamed(reply, run, options.log);
    const outcome = await run(undefined);
    return reply.code(outcome.trace.stopReason === 'error' ? 502 : 200).send(answerOf(outcome));
  });

  return app;
}

function wantsEventStream(request: FastifyRequest): boolean {
  const stream = (request.query as Record<string, unknown> | undefined)?.stream;
  return (request.headers.accept ?? '').includes('text/event-stream') || stream === '1' || stream === 'true';
}

function answerOf({ trace, session }: Outcome): ChatAnswer {
  return {
    answer: trace.finalAnswer,
    ...(session !== undefined ? { session } : {}),
    ...(trace.stopReason === 'error' ? { error: `the model failed: ${trace.error ?? 'no reason given'}` } : {}),
    trace: traceSummary(trace),
  };
}

/** The run's events as they happen, then `done` (or `error` when the model failed). */
async function streamed(reply: FastifyReply, run: (signal: AbortSignal, onEvent: (event: LoopEvent) => void) => Promise<Outcome>, log?: (line: string) => void): Promise<void> {
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
    log?.(`serve: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    events.send('error', { error: INTERNAL_ERROR });
  } finally {
    events.end();
  }
}
