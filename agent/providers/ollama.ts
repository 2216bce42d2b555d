// Ollama through ollama-js, its own SDK, against the native /api/chat. Local and free: no key,
// cost 0. ollama-js has no per-request signal and no retries, so every attempt gets a fresh client
// whose `fetch` carries the attempt's signal (and records Retry-After, which its errors drop).

import type {
  Ollama,
  ChatRequest as OllamaRequest,
  ChatResponse,
  Message as OllamaMessage,
  Options,
  Tool,
  ToolCall as OllamaToolCall,
} from 'ollama';
import { packages as sdks } from '../../core/packages.ts';
import { ProviderError, connectionFailure, kindForStatus, malformed, oneLine, streamFailed, unreadable } from './errors.ts';
import { costOf, priceOf } from './pricing.ts';
import { recordingFetch } from './recording-fetch.ts';
import { openStream, policyFor, retryPolicyFrom, withRetry, type StreamShape } from './retry.ts';
import { toolCallIds } from './tool-call-ids.ts';
import { finishReasonOf, parseArguments } from './tool-calls.ts';
import { usageOrEstimate } from './usage.ts';
import { type ChatModel, type ChatRequest, type ChatResult, type FinishReason, type Message, type ProviderDefinition, type ProviderOptions, type StreamEvent, type ToolCall, type Usage } from './types.ts';

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
  // Every reply of /api/chat carries a message, the last line of a stream included; one without
  // is not Ollama's protocol, and would otherwise read as an empty answer.
  const answers = (chunk: ChatResponse) => typeof chunk?.message === 'object' && chunk.message !== null;
  const shape: StreamShape<ChatResponse> = {
    answers,
    empty: (chunks) => malformed(NAME, host, chunks ? `ended a stream of ${chunks} lines without a message` : 'ended the stream without sending a line'),
  };

  async function chat(request: ChatRequest): Promise<ChatResult> {
    const body = toOllamaRequest(model, request);
    const one = async (signal: AbortSignal) => {
      // ollama-js rewrites `stream` on the object it is given, so each attempt gets its own copy.
      const response = await attempt(signal, (client) => client.chat({ ...body, stream: false }));
      if (!answers(response)) throw malformed(NAME, host, 'answered with no message');
      return response;
    };
    const done = await withRetry(NAME, policyFor(policy, request), request.signal, one, fallback);
    const parts = fromResponse(done.value, toolCallIds(request.messages), request);
    return { ...parts, latencyMs: done.latencyMs, costUsd: cost(parts.usage), attempts: done.attempts };
  }

  async function* stream(request: ChatRequest): AsyncGenerator<StreamEvent> {
    const started = performance.now();
    const body = toOllamaRequest(model, request);
    const open = (signal: AbortSignal) => attempt(signal, (client) => client.chat({ ...body, stream: true }));
    const opened = await openStream(NAME, policyFor(policy, request), request.signal, open, fallback, shape);
    const nextId = toolCallIds(request.messages);
    let text = '';
    const toolCalls: ToolCall[] = [];
    let last: ChatResponse | undefined;
    for await (const chunk of opened.chunks) {
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
    const usage = toUsage(last, request, { text, toolCalls });
    const result: ChatResult = {
      text,
      toolCalls,
      usage,
      finishReason: finishReasonOf(toolCalls, toFinishReason(last?.done_reason)),
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
    return await run(new sdks.ollama.Ollama({ host, fetch: recorder.fetch }));
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

export function fromResponse(response: ChatResponse, nextId: () => string, request: ChatRequest): Parts {
  const toolCalls = (response.message?.tool_calls ?? []).map((c) => toToolCall(c, nextId));
  const text = response.message?.content ?? '';
  return {
    text,
    toolCalls,
    usage: toUsage(response, request, { text, toolCalls }),
    finishReason: finishReasonOf(toolCalls, toFinishReason(response.done_reason)),
  };
}

function toToolCall(call: OllamaToolCall, nextId: () => string): ToolCall {
  // Newer servers may send an id; ollama-js's types do not know it yet.
  const given = (call as { id?: unknown }).id;
  const id = typeof given === 'string' && given ? given : nextId();
  // Arguments come as an object; some model templates emit them as JSON text instead.
  return { id, name: call.function.name, ...parseArguments(call.function.arguments) };
}

/**
 * prompt_eval_count is left out when the whole prompt came from the cache: that figure is then
 * estimated.
 */
function toUsage(response: Partial<ChatResponse> | undefined, request: ChatRequest, output: Pick<Parts, 'text' | 'toolCalls'>): Usage {
  const reported = { inputTokens: response?.prompt_eval_count, outputTokens: response?.eval_count };
  return usageOrEstimate(reported, request, output).usage;
}

function toFinishReason(reason: string | undefined): FinishReason {
  if (reason === 'stop') return 'stop';
  if (reason === 'length') return 'length';
  return 'other';
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
  const network = connectionFailure(NAME, host, error, 'Start it with `ollama serve`.');
  if (network) return network;
  if (isResponseError(error)) {
    const status = error.status_code;
    const detail = describe(error.error);
    const hint = status === 404 && /not found/i.test(detail) ? ` Pull it with \`ollama pull ${model}\`.` : '';
    return new ProviderError(NAME, kindForStatus(status), oneLine(`${NAME}: HTTP ${status}: ${detail}${hint}`), {
      status,
      retryAfterMs,
      cause: error,
    });
  }
  if (isErrorEvent(error)) return streamFailed(NAME, error.message, undefined, error);
  return unreadable(NAME, host, error);
}

/** ollama-js's own complaints, which are plain Errors like the error events it rethrows. */
const SDK_COMPLAINTS = new Set(['Did not receive done or success response in stream.', 'Missing body']);

/** An `{"error": "…"}` line in the stream: ollama-js throws it as a plain Error with that text. */
function isErrorEvent(error: unknown): error is Error {
  return error instanceof Error && Object.getPrototypeOf(error) === Error.prototype && !SDK_COMPLAINTS.has(error.message);
}

/** Ollama's error body is {"error": "text"}; proxies in front of it send other shapes. */
function describe(body: unknown): string {
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : JSON.stringify(body);
}
