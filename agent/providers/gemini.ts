// Gemini (Developer API) through @google/genai. The SDK makes exactly one request per call when
// httpOptions.retryOptions is unset, and automaticContinuation is turned off because it would
// silently resend a stream that closed early: withRetry stays the only retry loop.

import type {
  GoogleGenAI,
  Content,
  GenerateContentConfig,
  GenerateContentParameters,
  GenerateContentResponse,
  GenerateContentResponseUsageMetadata,
  Part,
  ToolConfig,
} from '@google/genai';
import { packages as sdks } from '../../core/packages.ts';
import { ProviderError, connectionFailure, kindForStatus, malformed, missingKey, oneLine, unreadable } from './errors.ts';
import { costOf, priceOf } from './pricing.ts';
import { recordingFetch, type Recorded } from './recording-fetch.ts';
import { openStream, policyFor, retryPolicyFrom, withRetry, type StreamShape } from './retry.ts';
import { isGeneratedCallId, toolCallIds } from './tool-call-ids.ts';
import { finishReasonOf } from './tool-calls.ts';
import { type ChatModel, type ChatRequest, type ChatResult, type FinishReason, type Message, type ProviderDefinition } from './types.ts';
import type { ProviderOptions, StreamEvent, ToolCall, ToolChoice, Usage } from './types.ts';
import { usageOrEstimate } from './usage.ts';

const NAME = 'gemini';
const KEY_VARIABLE = 'GEMINI_API_KEY';
const DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

export const geminiProvider: ProviderDefinition = {
  name: NAME,
  keyVariable: KEY_VARIABLE,
  create: (model, options) => geminiModel(model, options),
};

type Parts = Pick<ChatResult, 'text' | 'toolCalls' | 'usage' | 'finishReason'>;

// Gemini 2.5+ puts a thoughtSignature on function-call parts and Gemini 3 rejects a history
// that drops it: it travels in ToolCall.providerData and is sent back with the call.

function geminiModel(model: string, options: ProviderOptions): ChatModel {
  const env = options.env ?? process.env;
  const { apiKey, address } = geminiConnection(options);
  const policy = retryPolicyFrom(options);
  const cost = (usage: Usage) => costOf(priceOf(NAME, model, options.prices, env), usage);
  const fallback = (error: unknown) => classify(error, address, apiKey);
  let client: GoogleGenAI | undefined;

  // Built on first call, so a target without a key can be listed and fails only when used.
  function sdk(): GoogleGenAI {
    client ??= geminiClient(apiKey, address);
    return client;
  }

  /**
   * One attempt: the signal goes in config.abortSignal; the fetch records Retry-After, which
   * ApiError drops, and the content type, which `run` may check.
   */
  async function attempt<T>(signal: AbortSignal, params: GenerateContentParameters, run: (p: GenerateContentParameters, recorded: Recorded) => Promise<T>): Promise<T> {
    const recorder = recordingFetch();
    const config: GenerateContentConfig = { ...params.config, abortSignal: signal, httpOptions: { fetch: recorder.fetch } };
    try {
      return await run({ ...params, config }, recorder);
    } catch (error) {
      throw classify(error, address, apiKey, recorder.retryAfterMs());
    }
  }

  // An answer has a candidate, or says why there is none (a blocked prompt); a reply with neither
  // is not one Gemini's protocol allows, and would otherwise read as an empty answer.
  const answers = (chunk: GenerateContentResponse) => Boolean(chunk.candidates?.length || chunk.promptFeedback?.blockReason);
  const noCandidates = (what: string) => malformed(NAME, address, what, [apiKey]);
  const shape: StreamShape<GenerateContentResponse> = {
    answers,
    empty: (chunks) => noCandidates(chunks ? `ended a stream of ${chunks} chunks without a candidate` : 'ended the stream without sending a chunk'),
  };

  async function chat(request: ChatRequest): Promise<ChatResult> {
    const ai = sdk();
    const params = toGeminiParams(model, request);
    const one = async (signal: AbortSignal) => {
      const response = await attempt(signal, params, (p) => ai.models.generateContent(p));
      if (!answers(response)) throw noCandidates('answered with no candidates');
      return response;
    };
    const done = await withRetry(NAME, policyFor(policy, request), request.signal, one, fallback);
    const collector = new Collector(toolCallIds(request.messages));
    collector.add(done.value);
    const parts = collector.parts(request);
    return { ...parts, latencyMs: done.latencyMs, costUsd: cost(parts.usage), attempts: done.attempts };
  }

  async function* stream(request: ChatRequest): AsyncGenerator<StreamEvent> {
    const started = performance.now();
    const ai = sdk();
    const params = toGeminiParams(model, request);
    const open = (signal: AbortSignal) =>
      attempt(signal, params, async (p, recorded) => {
        const chunks = await ai.models.generateContentStream(p);
        // The SDK would read a plain JSON body as a broken stream ("Incomplete JSON segment"): say what came instead.
        if (/json/i.test(recorded.contentType() ?? '')) throw malformed(NAME, address, 'answered a stream request with a plain JSON body, not an event stream', [apiKey]);
        return chunks;
      });
    const opened = await openStream(NAME, policyFor(policy, request), request.signal, open, fallback, shape);
    const collector = new Collector(toolCallIds(request.messages));
    for await (const chunk of opened.chunks) {
      const { delta, calls } = collector.add(chunk);
      if (delta) yield { type: 'text', delta };
      for (const call of calls) yield { type: 'tool_call', call };
    }
    const parts = collector.parts(request);
    const result: ChatResult = { ...parts, latencyMs: performance.now() - started, costUsd: cost(parts.usage), attempts: opened.attempts };
    yield { type: 'done', result };
  }

  return { id: `${NAME}:${model}`, provider: NAME, model, chat, stream };
}

/** The key and the address for a set of options (also read by agent/rag/embedders/gemini.ts). */
export function geminiConnection(options: ProviderOptions): { apiKey?: string; address: string } {
  const env = options.env ?? process.env;
  const apiKey = options.apiKey || env.GEMINI_API_KEY || env.GOOGLE_API_KEY || undefined;
  // Always explicit, so the SDK does not read its own GOOGLE_GEMINI_BASE_URL from process.env.
  const address = options.baseUrl || env.GEMINI_BASE_URL || env.GOOGLE_GEMINI_BASE_URL || DEFAULT_BASE_URL;
  return { apiKey, address };
}

/** A client for the Developer API; throws missing_key without a key. */
export function geminiClient(apiKey: string | undefined, address: string): GoogleGenAI {
  if (!apiKey) throw missingKey(NAME, KEY_VARIABLE);
  // vertexai: false, so GOOGLE_GENAI_USE_VERTEXAI in the environment cannot switch backends.
  return new sdks.genai.GoogleGenAI({ apiKey, vertexai: false, httpOptions: { baseUrl: address } });
}

export function toGeminiParams(model: string, request: ChatRequest): GenerateContentParameters {
  const config: GenerateContentConfig = { automaticContinuation: false };
  // Gemini has one system instruction: every system message joins it, wherever it stood.
  const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content);
  if (system.length) config.systemInstruction = { parts: [{ text: system.join('\n\n') }] };
  if (request.tools?.length) {
    const functionDeclarations = request.tools.map((t) => ({ name: t.name, description: t.description, parametersJsonSchema: t.parameters }));
    config.tools = [{ functionDeclarations }];
    if (request.toolChoice) config.toolConfig = toToolConfig(request.toolChoice);
  }
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.maxTokens !== undefined) config.maxOutputTokens = request.maxTokens;
  if (request.seed !== undefined) config.seed = request.seed;
  if (request.responseFormat && request.responseFormat.type !== 'text') config.responseMimeType = 'application/json';
  if (request.responseFormat?.type === 'json_schema') config.responseJsonSchema = request.responseFormat.schema;
  return { model, contents: toContents(request.messages), config };
}

function toToolConfig(choice: ToolChoice): ToolConfig {
  const FunctionCallingConfigMode = sdks.genai.FunctionCallingConfigMode;
  if (typeof choice === 'object') return { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: [choice.name] } };
  const mode = { auto: FunctionCallingConfigMode.AUTO, none: FunctionCallingConfigMode.NONE, required: FunctionCallingConfigMode.ANY }[choice];
  return { functionCallingConfig: { mode } };
}

/** Consecutive turns of one role are merged, so all results of one step travel in one user turn. */
function toContents(messages: readonly Message[]): Content[] {
  const contents: Content[] = [];
  for (const message of messages) {
    if (message.role === 'system') continue;
    const role = message.role === 'assistant' ? 'model' : 'user';
    const parts = toParts(message);
    const last = contents.at(-1);
    if (last?.role === role) last.parts?.push(...parts);
    else if (parts.length) contents.push({ role, parts });
  }
  return contents;
}

// Ids Lunar made up (isGeneratedCallId) are not sent back: Gemini gave none, and its history
// should read as it wrote it.

function toParts(message: Exclude<Message, { role: 'system' }>): Part[] {
  switch (message.role) {
    case 'user':
      return [{ text: message.content }];
    case 'assistant': {
      const parts: Part[] = message.content ? [{ text: message.content }] : [];
      for (const call of message.toolCalls ?? []) {
        const part: Part = { functionCall: { name: call.name, args: call.arguments, ...(isGeneratedCallId(call.id) ? {} : { id: call.id }) } };
        const signature = call.providerData?.thoughtSignature;
        if (signature) part.thoughtSignature = signature;
        parts.push(part);
      }
      return parts;
    }
    case 'tool': {
      // Gemini's documented convention: the result under "output", a failure under "error".
      const response = message.isError ? { error: message.content } : { output: message.content };
      const id = isGeneratedCallId(message.toolCallId) ? {} : { id: message.toolCallId };
      return [{ functionResponse: { name: message.name, response, ...id } }];
    }
  }
}

/** Reads response chunks (one for chat, many for a stream): text, function calls, the last usage and finish. */
class Collector {
  private text = '';
  private readonly calls: ToolCall[] = [];
  private usage: GenerateContentResponseUsageMetadata | undefined;
  private finish: string | undefined;
  private blocked = false;

  constructor(private readonly nextId: () => string) {}

  add(chunk: GenerateContentResponse): { delta: string; calls: ToolCall[] } {
    // Each chunk's usageMetadata is a running total, so the last one is the call's usage.
    if (chunk.usageMetadata) this.usage = chunk.usageMetadata;
    if (chunk.promptFeedback?.blockReason) this.blocked = true;
    const candidate = chunk.candidates?.[0];
    if (candidate?.finishReason) this.finish = candidate.finishReason;
    let delta = '';
    const calls: ToolCall[] = [];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.thought) continue; // a thought summary, not the answer
      if (part.text) delta += part.text;
      if (part.functionCall) calls.push(this.toolCall(part));
    }
    this.text += delta;
    this.calls.push(...calls);
    return { delta, calls };
  }

  /** The request is for estimating what Gemini did not report. */
  parts(request: ChatRequest): Parts {
    const usage = toUsage(this.usage, request, { text: this.text, toolCalls: this.calls });
    return { text: this.text, toolCalls: this.calls, usage, finishReason: this.finishReason() };
  }

  private toolCall(part: Part): ToolCall {
    const fc = part.functionCall!;
    const call: ToolCall = { id: fc.id || this.nextId(), name: fc.name ?? '', arguments: fc.args ?? {} };
    if (part.thoughtSignature) call.providerData = { thoughtSignature: part.thoughtSignature };
    return call;
  }

  private finishReason(): FinishReason {
    // Gemini says STOP even when the turn is function calls.
    return finishReasonOf(this.calls, this.blocked ? 'content_filter' : toFinishReason(this.finish));
  }
}

/** SAFETY, RECITATION, BLOCKLIST, PROHIBITED_CONTENT, SPII and their IMAGE_ variants. */
const FILTERED = /SAFETY|RECITATION|BLOCKLIST|PROHIBITED|SPII/;

function toFinishReason(reason: string | undefined): FinishReason {
  if (reason === 'STOP') return 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  return reason && FILTERED.test(reason) ? 'content_filter' : 'other';
}

/**
 * Thinking tokens are billed as output, and 2.5 models think by default. A figure Gemini left out
 * is estimated.
 */
function toUsage(metadata: GenerateContentResponseUsageMetadata | undefined, request: ChatRequest, output: Pick<Parts, 'text' | 'toolCalls'>): Usage {
  const candidates = metadata?.candidatesTokenCount;
  const thoughts = metadata?.thoughtsTokenCount;
  const outputTokens = candidates === undefined && thoughts === undefined ? undefined : (candidates ?? 0) + (thoughts ?? 0);
  return usageOrEstimate({ inputTokens: metadata?.promptTokenCount, outputTokens }, request, output).usage;
}

interface ErrorBody {
  error?: { message?: string; status?: string; details?: { '@type'?: string; retryDelay?: string; reason?: string }[] };
}

export function classify(error: unknown, address: string, apiKey: string | undefined, retryAfterMs?: number): ProviderError {
  if (error instanceof ProviderError) return error;
  const network = connectionFailure(NAME, address, error);
  if (network) return network;
  // Also an error event in a stream (the SDK throws those with a code as ApiErrors and drops the
  // rest with the fields it does not know): the kind of its status, as for any stream.
  if (error instanceof sdks.genai.ApiError) {
    const body = errorBody(error.message);
    const details = body?.error?.details ?? [];
    // A wrong key is a 400 INVALID_ARGUMENT with reason API_KEY_INVALID, not a 401.
    const kind = details.some((d) => d.reason === 'API_KEY_INVALID') ? 'auth' : kindForStatus(error.status);
    const label = [error.status, body?.error?.status].filter(Boolean).join(' ');
    return new ProviderError(NAME, kind, oneLine(`${NAME}: HTTP ${label}: ${body?.error?.message ?? error.message}`, [apiKey]), {
      status: error.status,
      retryAfterMs: retryAfterMs ?? retryDelay(details),
      cause: error,
    });
  }
  return unreadable(NAME, address, error, [apiKey]);
}

/** ApiError's message is the JSON error body (after "got status: …. " for errors inside a stream). */
function errorBody(message: string): ErrorBody | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  try {
    return JSON.parse(message.slice(start)) as ErrorBody;
  } catch {
    return undefined;
  }
}

/** Google sends no Retry-After header on 429; the wait is in the RetryInfo detail, e.g. "37s". */
function retryDelay(details: NonNullable<NonNullable<ErrorBody['error']>['details']>): number | undefined {
  const delay = details.find((d) => d['@type']?.endsWith('google.rpc.RetryInfo'))?.retryDelay;
  const seconds = delay ? /^(\d+(?:\.\d+)?)s$/.exec(delay)?.[1] : undefined;
  return seconds === undefined ? undefined : Number(seconds) * 1000;
}
