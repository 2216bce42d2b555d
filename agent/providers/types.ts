// The one chat-model interface every provider implements. Provider files translate between
// these shapes and their SDK's; nothing outside agent/providers/ sees an SDK type.

import type { Case } from '../../datasets/case.ts';

export type JsonSchema = Record<string, unknown>;

/** A tool call as the model asked for it, normalised across providers. */
export interface ToolCall {
  /** Provider's id when it gives one (OpenAI, Groq), otherwise generated: `call_<n>`, or `call_<step>_<i>` after the loop renames a repeat. */
  id: string;
  name: string;
  /** Parsed arguments. `{}` when the model sent none or when they did not parse (see invalidArguments). */
  arguments: Record<string, unknown>;
  /** The raw argument text when it was not a JSON object, so the loop can send the model a repairable error. */
  invalidArguments?: string;
  /**
   * The argument text exactly as the model sent it, where the SDK gives text (chat completions):
   * parsed JavaScript cannot tell 250.0 from 250, and an environment that compares states as
   * Python prints them (τ-bench) needs to; and it survives the cache, whose canonical JSON sorts keys.
   */
  rawArguments?: string;
  /**
   * Opaque data the provider needs back when this call is sent again in the history (Gemini's
   * thoughtSignature). Plain JSON, so it survives a Trace stored and replayed.
   */
  providerData?: Record<string, string>;
}

export type Message =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError?: boolean };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object (type: object). */
  parameters: JsonSchema;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json' }
  | { type: 'json_schema'; name: string; schema: JsonSchema };

export interface ChatRequest {
  messages: Message[];
  tools?: ToolSpec[];
  toolChoice?: ToolChoice;
  temperature?: number;
  maxTokens?: number;
  responseFormat?: ResponseFormat;
  seed?: number;
  signal?: AbortSignal;
  /**
   * This call's per-attempt timeout in milliseconds (also the longest wait between two stream
   * chunks), overriding the provider's: a suite's timeout_ms. Not part of what the model sees,
   * so never part of a cache key.
   */
  timeoutMs?: number;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Set when the provider left a figure out and it was counted with cl100k_base instead. */
  estimated?: boolean;
}

export type FinishReason = 'stop' | 'tool_calls' | 'length' | 'content_filter' | 'other';

export interface ChatResult {
  text: string;
  toolCalls: ToolCall[];
  usage: Usage;
  finishReason: FinishReason;
  /** Wall time of the successful attempt plus any retries, in milliseconds. */
  latencyMs: number;
  /** US dollars, from the price table (0 for local models). */
  costUsd: number;
  /** Number of attempts made (1 when the first one succeeded). */
  attempts: number;
}

export type StreamEvent =
  | { type: 'text'; delta: string }
  | { type: 'tool_call'; call: ToolCall }
  | { type: 'done'; result: ChatResult };

export interface ChatModel {
  /** Stable target id, e.g. `openai:gpt-4o-mini`. */
  readonly id: string;
  readonly provider: string;
  readonly model: string;
  chat(request: ChatRequest): Promise<ChatResult>;
  /** Yields text deltas and completed tool calls, then exactly one `done` with the full result. */
  stream(request: ChatRequest): AsyncIterable<StreamEvent>;
}

/** Options every provider accepts; each reads its own defaults from the environment. */
export interface ProviderOptions {
  /** Overrides the provider's default address (OLLAMA_HOST, OPENAI_BASE_URL, ...). */
  baseUrl?: string;
  /** Overrides the key read from the environment. Never logged or stored. */
  apiKey?: string;
  /** Per-attempt timeout in milliseconds (default 60 000). */
  timeoutMs?: number;
  /** Retries after the first attempt on 429, 5xx, network errors and timeouts (default 4). */
  retries?: number;
  /** First backoff delay in milliseconds (default 500); doubles each retry, with jitter. */
  backoffBaseMs?: number;
  /** Longest backoff wait in milliseconds (default 30 000); Retry-After is not held to it. */
  backoffMaxMs?: number;
  /** Longest Retry-After honoured, in milliseconds (default 120 000); a longer one gives up at once. */
  retryAfterMaxMs?: number;
  /** Told of each failure about to be retried (the harness's scheduler slows down on 429s). */
  onRetry?: (failure: import('./errors.ts').ProviderError) => void;
  /** Price overrides, USD per million tokens, keyed `provider:model`. */
  prices?: Record<string, { input: number; output: number }>;
  env?: NodeJS.ProcessEnv;
}

/** What a provider is (agent/providers/capabilities.ts), so callers ask the table instead of comparing provider names. */
export interface ProviderCapabilities {
  /** Runs on the user's machine or in this process: every call is free. */
  free: boolean;
  /** A policy in this process, not a model behind an API: instant and unlimited, so its calls take no scheduler lane and no cache entry. */
  local: boolean;
  /** Writes free text as a language model does, so it can judge, summarise or play a user. */
  generative: boolean;
  /** Streams its answer as it is written (the others stream it in one piece). */
  streams: boolean;
  /** Answers with tool calls when offered tools. */
  tools: boolean;
  /** The id may name no model (`baseline`, `scripted`). */
  modelOptional: boolean;
  /** Replays a script: its bare id reads each case's own script, so it needs the case. */
  perCaseScript: boolean;
  /** An agent outside Lunar (agent/external/): it answers whole turns and runs its own tools, so it replaces the tool loop. */
  externalAgent: boolean;
  /** Runs nothing: an attempt replays the finished trace its case carries (`imported`, agent/otel/imported.ts). */
  replaysTrace: boolean;
}

export interface ProviderDefinition {
  /** The prefix of target ids: `ollama`, `openai`, `gemini`, `groq`, `baseline`, `scripted`. */
  name: string;
  /** The environment variable holding the key, when the provider needs one. */
  keyVariable?: string;
  create(model: string, options: ProviderOptions): ChatModel;
  /**
   * Work done once before a run (a script file read), returning a fresh model per attempt; the
   * case is given for providers that read it (a per-case script). Default: create per attempt.
   */
  prepare?(model: string, options: ProviderOptions): (c?: Case) => ChatModel;
}
