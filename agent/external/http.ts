// The http target: each turn is one HTTP request built from the target's template, its answer read
// by a path or a transform (whole JSON, or Server-Sent Events event by event). Header values and
// the URL are expanded from the environment at call time only, so a token is never in a result,
// a trace, a report or the lock; failures are told without them.

import { McpConfigError, expand } from '../mcp/config.ts';
import { kindForStatus, networkFailure, oneLine, parseRetryAfter, ProviderError, withoutCredentials } from '../providers/errors.ts';
import type { AgentCallContext, ExternalAgent } from './agent.ts';
import type { HttpSettings } from './config.ts';
import { parseAgentResponse, type AgentRequest, type AgentResponse } from './protocol.ts';
import { pathValue, renderBody } from './template.ts';
import { variableValues } from './secrets.ts';

/** Compiles a transform once: `json => json.data.reply`. The suite author's code, run as written. */
export function compileTransform(source: string, where: string): (json: unknown) => unknown {
  let made: unknown;
  try {
    made = new Function(`"use strict"; return (${source});`)();
  } catch (error) {
    throw new Error(`${where}: transform: not a JavaScript expression: ${(error as Error).message}`);
  }
  if (typeof made !== 'function') throw new Error(`${where}: transform: expected a function such as json => json.data.reply`);
  return made as (json: unknown) => unknown;
}

export function httpAgent(settings: HttpSettings, where: string, env: NodeJS.ProcessEnv = process.env): ExternalAgent {
  const transform = settings.transform ? compileTransform(settings.transform, where) : undefined;
  const paths = { answer: settings.answer ?? 'text', toolCalls: settings.tool_calls ?? 'toolCalls', usage: settings.usage ?? 'usage', cost: settings.cost ?? 'costUsd' };
  return {
    kind: 'http',
    ...(settings.timeout_ms ? { timeoutMs: settings.timeout_ms } : {}),
    retries: settings.retries ?? 4,
    async call(request: AgentRequest, context: AgentCallContext): Promise<AgentResponse> {
      const at = (field: string) => () => `${where}: ${field}`;
      let url: string;
      let headers: Record<string, string>;
      try {
        url = expand(settings.url, env, at('url'));
        headers = Object.fromEntries(Object.entries(settings.headers).map(([name, value]) => [name, expand(value, env, at(`headers.${name}`))]));
      } catch (error) {
        if (error instanceof McpConfigError) throw new ProviderError('http', 'bad_request', error.message);
        throw error;
      }
      const secrets = [...Object.values(headers), ...variableValues([settings.url, ...Object.values(settings.headers)], env)];
      const address = withoutCredentials(url);
      const body = settings.method === 'GET' ? undefined : bodyFor(settings.body, request);
      let response: Response;
      try {
        response = await fetch(url, {
          method: settings.method,
          headers: { 'content-type': 'application/json', accept: settings.stream ? 'text/event-stream' : 'application/json', traceparent: context.traceparent, ...headers },
          body,
          signal: context.signal,
        });
      } catch (error) {
        if (context.signal.aborted) throw error;
        const failure = networkFailure(error);
        throw new ProviderError('http', failure === 'connect' ? 'unreachable' : 'server', oneLine(`http: ${address}: ${failure === 'connect' ? 'cannot connect' : 'the connection failed'}: ${(error as Error).message}`, secrets), { cause: error });
      }
      const text = await response.text();
      if (!response.ok) {
        throw new ProviderError('http', kindForStatus(response.status), oneLine(`http: ${address} answered ${response.status}: ${text.slice(0, 300)}`, secrets), {
          status: response.status,
          retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
        });
      }
      const read = (json: unknown) => readAnswer(json, transform, paths, `http: ${address}`);
      if (settings.stream) return parseAgentResponse(mergeEvents(sseEvents(text).map(read)), `http: ${address}`);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new ProviderError('http', 'bad_request', oneLine(`http: ${address}: the response is not JSON: ${text.slice(0, 200)}`, secrets));
      }
      return parseAgentResponse(read(json), `http: ${address}`);
    },
  };
}

/** The request itself by default; a mapping as JSON; a string as written, its placeholders replaced by their text. */
function bodyFor(template: HttpSettings['body'], request: AgentRequest): string {
  if (template === undefined) return JSON.stringify(request);
  const rendered = renderBody(template, request);
  return typeof template === 'string' && typeof rendered === 'string' ? rendered : JSON.stringify(rendered);
}

/** The response (or one event of it) as a partial AgentResponse: by transform, else by the paths. */
function readAnswer(json: unknown, transform: ((json: unknown) => unknown) | undefined, paths: { answer: string; toolCalls: string; usage: string; cost: string }, source: string): Record<string, unknown> {
  if (transform) {
    let out: unknown;
    try {
      out = transform(json);
    } catch (error) {
      throw new Error(`${source}: transform threw: ${(error as Error).message}`);
    }
    return typeof out === 'string' ? { text: out } : out === undefined || out === null ? {} : (out as Record<string, unknown>);
  }
  // An event that is not JSON is a piece of the text.
  if (typeof json === 'string') return { text: json };
  const text = pathValue(json, paths.answer);
  const toolCalls = pathValue(json, paths.toolCalls);
  const usage = pathValue(json, paths.usage);
  const cost = pathValue(json, paths.cost);
  return {
    ...(text !== undefined && text !== null ? { text } : {}),
    ...(toolCalls !== undefined ? { toolCalls } : {}),
    ...(usage !== undefined ? { usage } : {}),
    ...(cost !== undefined ? { costUsd: cost } : {}),
  };
}

/** The `data:` payloads of an SSE body, each parsed as JSON where it is JSON; `[DONE]` dropped. */
export function sseEvents(body: string): unknown[] {
  const events: unknown[] = [];
  for (const block of body.replace(/\r\n?/g, '\n').split('\n\n')) {
    const data = block
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''))
      .join('\n');
    if (data === '' || data === '[DONE]') continue;
    try {
      events.push(JSON.parse(data));
    } catch {
      events.push(data);
    }
  }
  return events;
}

/** Events' texts concatenated; their tool calls appended in order; the last usage and cost given. */
function mergeEvents(parts: Record<string, unknown>[]): Record<string, unknown> {
  let text = '';
  let toolCalls: unknown[] | undefined;
  let usage: unknown;
  let cost: unknown;
  for (const part of parts) {
    if (typeof part.text === 'string') text += part.text;
    if (Array.isArray(part.toolCalls)) toolCalls = [...(toolCalls ?? []), ...part.toolCalls];
    if (part.usage !== undefined) usage = part.usage;
    if (part.costUsd !== undefined) cost = part.costUsd;
  }
  return { text, ...(toolCalls ? { toolCalls } : {}), ...(usage !== undefined ? { usage } : {}), ...(cost !== undefined ? { costUsd: cost } : {}) };
}
