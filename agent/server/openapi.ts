// The OpenAPI 3.1 document of `lunar serve`, served at GET /openapi.json. It is built from the
// zod schemas the routes validate and answer with (chat-body.ts, summary.ts, and the responses
// below), through zod's own JSON Schema output: the document cannot drift from what the server
// checks. Rules across fields (exactly one of message and messages, ...) are refinements JSON
// Schema does not carry: the request schema's description states them.

import { z } from 'zod';
import { ChatBody } from './chat-body.ts';
import { TraceSummary } from './summary.ts';

export const ChatAnswer = z.object({
  /** The final answer; null when the run ended without one. */
  answer: z.string().nullable(),
  /** The session the turn was added to, when the request named one. */
  session: z.string().optional(),
  /** Set when the model failed (status 502). */
  error: z.string().optional(),
  trace: TraceSummary,
});

export const Health = z.object({ status: z.literal('ok'), target: z.string(), targets: z.array(z.string()) });

export const ApiError = z.object({
  error: z.string(),
  /** The request field at fault (400), as a dotted path. */
  field: z.string().optional(),
});

const CROSS_FIELD_RULES =
  'Give exactly one of "message" or "messages"; "session" goes with "message" only; the last of "messages" is from the user. A request that breaks a rule is answered 400 naming the field.';

export function openApiDocument(version: string): Record<string, unknown> {
  const json = (schema: z.ZodType, io: 'input' | 'output' = 'output') => {
    const out = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
    delete out.$schema;
    return out;
  };
  const content = (schema: z.ZodType) => ({ 'application/json': { schema: json(schema) } });
  const error = (description: string) => ({ description, content: content(ApiError) });
  return {
    openapi: '3.1.0',
    info: {
      title: 'lunar serve',
      version,
      description: 'The Lunar agent over HTTP. With a token (LUNAR_SERVER_TOKEN), every request needs Authorization: Bearer <token>.',
    },
    paths: {
      '/v1/chat': {
        post: {
          summary: 'Run the agent on a message',
          description:
            'One message (optionally in a session the server keeps, as http-<session>) or a whole conversation the client keeps. Answers JSON, or Server-Sent Events with Accept: text/event-stream, ?stream=1 or "stream": true: `delta` ({ text }), `tool_call` ({ id, name, arguments }), `tool_result` ({ id, name, ok | error }), then `done` (the JSON answer) or `error`.',
          requestBody: { required: true, content: { 'application/json': { schema: { ...json(ChatBody, 'input'), description: CROSS_FIELD_RULES } } } },
          responses: {
            '200': { description: 'The answer and a summary of the run', content: { ...content(ChatAnswer), 'text/event-stream': { schema: { type: 'string' } } } },
            '400': error('The body is not valid (the field is named) or names a target the server does not serve'),
            '401': error('Missing or wrong bearer token'),
            '413': error('The body is over the size limit'),
            '500': error('Something failed inside the server (the server log says what)'),
            '502': { description: 'The model failed: the answer carries the error', content: content(ChatAnswer) },
          },
        },
      },
      '/health': {
        get: { summary: 'Whether the server is up, and the targets a request may pick', responses: { '200': { description: 'Up', content: content(Health) }, '401': error('Missing or wrong bearer token') } },
      },
      '/openapi.json': {
        get: { summary: 'This document', responses: { '200': { description: 'The OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } } },
      },
    },
  };
}
