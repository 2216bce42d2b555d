// Ollama through ollama-js, its own SDK, against the native /api/chat. Local and free: no key,
// cost 0. ollama-js has no per-request signal and no retries, so every attempt gets a fresh client
// whose `fetch` carries the attempt's signal (and records Retry-After, which its errors drop).

import {
  Ollama,
  type ChatRequest as OllamaRequest,
  type ChatResponse,
  type Message as OllamaMessage,
  type Options,
  type Tool,
  type ToolCall as OllamaToolCall,
} from 'ollama';
import { ProviderError, kindForStatus, networkFailure, redact } from './errors.ts';
import { recordingFetch } from './recording-fetch.ts';
import { toolCallIds } from './tool-call-ids.ts';
import { costOf, priceOf } from './pricing.ts';
import { retryPolicyFrom, withRetry } from './retry.ts';
import type {
  ChatModel,
  ChatRequest,
  ChatResult,
  FinishReason,
  Message,
  ProviderDefinition,
  ProviderOptions,
  StreamEvent,
  ToolCall,
  Usage,
} from './types.ts';

const NAME = 'ollama';
const DEFAULT_PORT = '11434';

export const ollamaProvider: ProviderDefinition = {
  name: NAME,
  create: (model, options) => ollamaModel(model, options),
};

type Parts = Pick<ChatResult, 'text' | 'toolCalls' | 'usage' | 'finishReason'>;

function ollamaModel(model: string, options: ProviderOptions): ChatModel {
  const env = options.env ?? process.env;
  const host = ollamaHost(options.baseUrl ?? env.OLLAMA_HOST);
  const policy = retryPolicyFrom(options);
  const cost = (usage: Usage) => costOf(priceOf(NAME, model, options.prices, env), usage);
  const fallback = (error: unknown) => classify(error, host, model);

  const attempt = <T>(signal: AbortSignal, run: (client: Ollama) => Promise<T>): Promise<T> => ollamaAttempt(host, model, signal, run);

  async function chat(request: ChatRequest): Promise<ChatResult> {
    const body = toOllamaRequest(model, request);
    const done = await withRetry(
      NAME,
      policy,
      request.signal,
      // ollama-js rewrites `stream` on the object it is given, so each attempt gets its own copy.
      (signal) => attempt(signal, (client) => client.chat({ ...body, stream: false })),
      fallback,
    );
    const parts = fromResponse(done.value, toolCallIds(request.messages));
    return { ...parts, latencyMs: done.latencyMs, costUsd: cost(parts.usage), attempts: done.attempts };
  }

  async function* stream(request: ChatRequest): AsyncGenerator<StreamEvent> {
    const started = performance.now();
    const body = toOllamaRequest(model, request);
    const closer = new AbortController(); // ends the connection when the consumer stops early
    // Establishing the stream includes its first line, so a server that accepts and then stalls
    // or drops is retried like any other failed attempt.
    const opened = await withRetry(
      NAME,
      policy,
      request.signal,
      (signal) =>
        attempt(AbortSignal.any([signal, closer.signal]), async (client) => {
          const iterator = (await client.chat({ ...body, stream: true }))[Symbol.asyncIterator]();
          const first = await iterator.next();
          if (signal.aborted) throw signal.reason;
          return { iterator, first };
        }),
      fallback,
    );
    const { iterator } = opened.value;
    const nextId = toolCallIds(request.messages);
    let text = '';
    const toolCalls: ToolCall[] = [];
    let last: ChatResponse | undefined;
    try {
      for (let step = opened.value.first; !step.done; step = await iterator.next()) {
        const chunk = step.value;
        if (chunk.message?.content) {
          text += chunk.message.content;
          yield { type: 'text', delta: chunk.message.content };
        }
        for (const raw of chunk.message?.tool_calls ?? []) {
          const call = toToolCall(raw, nextId);
          toolCalls.push(call);
          yield { type: 'tool_call', call };
        }
        if (chunk.done) last = chunk;
      }
    } catch (error) {
      throw request.signal?.aborted ? aborted(error) : classify(error, host, model);
    } finally {
      closer.abort();
    }
    if (request.signal?.aborted) throw aborted();
    const usage = toUsage(last);
    const result: ChatResult = {
      text,
      toolCalls,
      usage,
      finishReason: toFinishReason(last?.done_reason, toolCalls.length),
      latencyMs: performance.now() - started,
      costUsd: cost(usage),
      attempts: opened.attempts,
    };
    yield { type: 'done', result };
  }

  return { id: `${NAME}:${model}`, provider: NAME, model, chat, stream };
}

/**
 * One attempt with a client of its own, so the signal and the recorded Retry-After are this
 * attempt's; failures come out classified. Also used by the embedder in agent/rag/embedders/ollama.ts.
 */
export async function ollamaAttempt<T>(host: string, model: string, signal: AbortSignal, run: (client: Ollama) => Promise<T>): Promise<T> {
  const recorder = recordingFetch(signal);
  try {
    return await run(new Ollama({ host, fetch: recorder.fetch }));
  } catch (error) {
    throw classify(error, host, model, recorder.retryAfterMs());
  }
}

/**
 * The server address as Ollama itself reads OLLAMA_HOST: the scheme and the port may be left out
 * ("0.0.0.0:11434", "localhost", ":11434"); a bare host gets port 11434, an explicit scheme its own.
 */
export function ollamaHost(raw: string | undefined): string {
  let host = raw?.trim() || `127.0.0.1:${DEFAULT_PORT}`;
  if (host.startsWith(':')) host = `127.0.0.1${host}`;
  const explicitScheme = host.includes('://');
  const url = new URL(explicitScheme ? host : `http://${host}`);
  if (!url.port && !explicitScheme) url.port = DEFAULT_PORT;
  return url.toString().replace(/\/+$/, '');
}

export function toOllamaRequest(model: string, request: ChatRequest): OllamaRequest {
  const body: OllamaRequest = { model, messages: request.messages.map(toOllamaMessage) };
  const tools = offeredTools(request);
  if (tools.length) body.tools = tools;
  const options: Partial<Options> = {};
  if (request.temperature !== undefined) options.temperature = request.temperature;
  if (request.maxTokens !== undefined) options.num_predict = request.maxTokens;
  if (request.seed !== undefined) options.seed = request.seed;
  if (Object.keys(options).length) body.options = options;
  if (request.responseFormat?.type === 'json') body.format = 'json';
  if (request.responseFormat?.type === 'json_schema') body.format = request.responseFormat.schema;
  return body;
}

/**
 * Ollama has no tool_choice: the model always decides. 'none' is honoured by offering no tools,
 * `{name}` by offering only that tool (the closest Ollama gets to forcing it); 'required' cannot
 * be enforced and offers every tool, as 'auto' does.
 */
function offeredTools(request: ChatRequest): Tool[] {
  const choice = request.toolChoice;
  if (!request.tools?.length || choice === 'none') return [];
  const named = typeof choice === 'object' ? request.tools.filter((t) => t.name === choice.name) : [];
  const offered = named.length ? named : request.tools;
  // Tool's parameters type is narrower than JSON Schema; Ollama accepts any schema object.
  return offered.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters as never } }));
}

function toOllamaMessage(message: Message): OllamaMessage {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'assistant': {
      const out: OllamaMessage = { role: 'assistant', content: message.content };
      // Ollama wants arguments as an object: unparseable ones go back as {}.
      if (message.toolCalls?.length) out.tool_calls = message.toolCalls.map((c) => ({ function: { name: c.name, arguments: c.arguments } }));
      return out;
    }
    case 'tool':
      // Ollama matches results to calls by tool name (tool_name, since Ollama 0.7); there are no ids.
      return { role: 'tool', content: message.content, tool_name: message.name };
  }
}

export function fromResponse(response: ChatResponse, nextId: () => string): Parts {
  const toolCalls = (response.message?.tool_calls ?? []).map((c) => toToolCall(c, nextId));
  return {
    text: response.message?.content ?? '',
    toolCalls,
    usage: toUsage(response),
    finishReason: toFinishReason(response.done_reason, toolCalls.length),
  };
}

function toToolCall(call: OllamaToolCall, nextId: () => string): ToolCall {
  // Newer servers may send an id; ollama-js's types do not know it yet.
  const given = (call as { id?: unknown }).id;
  const id = typeof given === 'string' && given ? given : nextId();
  const args: unknown = call.function.arguments;
  if (args != null && typeof args === 'object' && !Array.isArray(args)) {
    return { id, name: call.function.name, arguments: args as Record<string, unknown> };
  }
  // Not an object: some model templates emit the arguments as JSON text.
  const raw = typeof args === 'string' ? args : JSON.stringify(args ?? null);
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return { id, name: call.function.name, arguments: parsed as Record<string, unknown> };
    }
  } catch {
    // Kept raw below.
  }
  return { id, name: call.function.name, arguments: {}, invalidArguments: raw };
}

function toUsage(response: Partial<ChatResponse> | undefined): Usage {
  // prompt_eval_count is left out when the whole prompt came from the cache.
  return { inputTokens: response?.prompt_eval_count ?? 0, outputTokens: response?.eval_count ?? 0 };
}

function toFinishReason(reason: string | undefined, toolCalls: number): FinishReason {
  if (toolCalls > 0) return 'tool_calls'; // Ollama says 'stop' even when the turn is tool calls
  if (reason === 'stop') return 'stop';
  if (reason === 'length') return 'length';
  return 'other';
}

function aborted(cause?: unknown): ProviderError {
  return new ProviderError(NAME, 'aborted', `${NAME}: call aborted`, { cause });
}

/** ollama-js throws a ResponseError (not exported) with `status_code` and the body's `error`. */
interface ResponseErrorShape {
  name: string;
  status_code: number;
  error: unknown;
}

function isResponseError(error: unknown): error is ResponseErrorShape {
  return error instanceof Error && error.name === 'ResponseError' && typeof (error as Partial<ResponseErrorShape>).status_code === 'number';
}

export function classify(error: unknown, host: string, model: string, retryAfterMs?: number): ProviderError {
  if (error instanceof ProviderError) return error;
  const where = withoutCredentials(host);
  const say = (text: string) => redact(text).replace(/\s+/g, ' ').trim();
  const failure = networkFailure(error);
  if (failure === 'connect') {
    const message = `${NAME}: cannot reach ${where}. Is the server running? Start it with \`ollama serve\`.`;
    return new ProviderError(NAME, 'unreachable', message, { cause: error });
  }
  if (failure === 'dropped') {
    return new ProviderError(NAME, 'unreachable', `${NAME}: ${where} closed the connection before answering`, { cause: error });
  }
  if (isResponseError(error)) {
    const status = error.status_code;
    const detail = describe(error.error);
    const hint = status === 404 && /not found/i.test(detail) ? ` Pull it with \`ollama pull ${model}\`.` : '';
    return new ProviderError(NAME, kindForStatus(status), say(`${NAME}: HTTP ${status}: ${detail}${hint}`), {
      status,
      retryAfterMs,
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(NAME, 'bad_response', say(`${NAME}: unreadable answer from ${where}: ${message}`), { cause: error });
}

/** Ollama's error body is {"error": "text"}; proxies in front of it send other shapes. */
function describe(body: unknown): string {
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : JSON.stringify(body);
}

function withoutCredentials(host: string): string {
  const url = new URL(host);
  url.username = '';
  url.password = '';
  return url.toString().replace(/\/+$/, '');
}
