// Embeddings from OpenAI (or any OpenAI-compatible server reached through a base URL) with the
// openai SDK's embeddings.create. Client, key, address and error classification are the chat
// provider's (openaiClient, classifyError); withRetry is the one retry loop.
//
// Batching: at most `batchSize` inputs per request (2048, the API's limit) and at most
// `maxBatchTokens` tokens summed over them (250 000; the API refuses over 300 000). Tokens are
// counted with cl100k_base, text-embedding-3's tokenizer (countTokens in agent/rag/tokens.ts, the
// chunker's own counter), and only when the batch could reach the budget: a token is at least one
// UTF-8 byte, so texts whose bytes fit are sent without counting.
// Batches are cut lazily, so counting overlaps the requests already on the wire.
//
// Vectors are asked for as base64 (the SDK's own default, a quarter the size of JSON numbers) and
// decoded here: the SDK's decoder would silently turn the JSON number arrays that some compatible
// servers send regardless into garbage.

import type { OpenAI } from 'openai';
import { packages as sdk } from '../../../core/packages.ts';
import { classifyError } from '../../providers/chat-completions.ts';
import { missingKey } from '../../providers/errors.ts';
import { openaiClient } from '../../providers/openai.ts';
import { costOf, priceOf } from '../../providers/pricing.ts';
import { retryPolicyFrom, withRetry, type RetryPolicy } from '../../providers/retry.ts';
import { countTokens } from '../tokens.ts';
import type { EmbedKind, Embedder } from '../types.ts';
import { checkVectors, emptyUsage, positive, recordRequest, runBatches, unitVector, type EmbedUsage, type EmbedderOptions } from './common.ts';

const NAME = 'openai';
export const DEFAULT_OPENAI_EMBED_MODEL = 'text-embedding-3-small';
export const OPENAI_MAX_BATCH_INPUTS = 2048;
export const OPENAI_DEFAULT_BATCH_TOKENS = 250_000;

export class OpenAiEmbedder implements Embedder {
  readonly id: string;
  readonly model: string;
  readonly usage: EmbedUsage = emptyUsage();
  private readonly requested?: number;
  private learnt?: number;
  private readonly client?: OpenAI;
  private readonly address: string;
  private readonly secrets: (string | undefined)[];
  private readonly policy: RetryPolicy;
  private readonly batchSize: number;
  private readonly maxBatchTokens: number;
  private readonly concurrency: number;
  private readonly options: EmbedderOptions;

  constructor(model: string = DEFAULT_OPENAI_EMBED_MODEL, options: EmbedderOptions = {}) {
    this.model = model;
    this.options = options;
    this.requested = options.dimensions === undefined ? undefined : positive('dimensions', options.dimensions, 1);
    this.id = this.requested === undefined ? `${NAME}:${model}` : `${NAME}:${model}:${this.requested}`;
    const { client, baseURL, key } = openaiClient(options);
    this.client = client;
    this.address = baseURL;
    this.secrets = [key];
    this.policy = retryPolicyFrom(options);
    this.batchSize = Math.min(positive('batchSize', options.batchSize, OPENAI_MAX_BATCH_INPUTS), OPENAI_MAX_BATCH_INPUTS);
    this.maxBatchTokens = positive('maxBatchTokens', options.maxBatchTokens, OPENAI_DEFAULT_BATCH_TOKENS);
    this.concurrency = positive('concurrency', options.concurrency, 4);
  }

  /** The requested size, else learnt from the first reply. */
  get dimensions(): number | undefined {
    return this.requested ?? this.learnt;
  }

  async embed(texts: readonly string[], _kind: EmbedKind, signal?: AbortSignal, usage?: EmbedUsage): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    // Checked before any work, so a missing key fails at once, not after counting tokens.
    if (!this.client) throw missingKey(NAME, 'OPENAI_API_KEY');
    const client = this.client;
    // The API refuses an empty string; a single space embeds as near-nothing, as empty text should.
    const inputs = texts.map((t) => (t === '' ? ' ' : t));
    let bytes = 0;
    for (const text of inputs) bytes += Buffer.byteLength(text, 'utf8');
    const tokens = bytes > this.maxBatchTokens ? countTokens : (text: string) => Buffer.byteLength(text, 'utf8');
    return runBatches(NAME, this.batches(inputs, tokens), this.concurrency, signal, (batch, s) => this.request(client, batch, s, usage));
  }

  /** Consecutive batches within the input and token limits; a single text over the token budget travels alone. */
  private *batches(texts: string[], tokens: (text: string) => number): Generator<string[]> {
    let batch: string[] = [];
    let sum = 0;
    for (const text of texts) {
      const n = tokens(text);
      if (batch.length > 0 && (batch.length >= this.batchSize || sum + n > this.maxBatchTokens)) {
        yield batch;
        batch = [];
        sum = 0;
      }
      batch.push(text);
      sum += n;
    }
    if (batch.length > 0) yield batch;
  }

  private async request(client: OpenAI, input: string[], signal: AbortSignal, usage?: EmbedUsage): Promise<Float32Array[]> {
    const params: OpenAI.EmbeddingCreateParams = { model: this.model, input, encoding_format: 'base64' };
    if (this.requested !== undefined) params.dimensions = this.requested;
    const done = await withRetry(
      NAME,
      this.policy,
      signal,
      (attemptSignal) => client.embeddings.create(params, { signal: attemptSignal }),
      (error) => classifyError({ provider: NAME, address: this.address, secrets: this.secrets, errors: sdk.openai.OpenAI }, error),
    );
    // Placed by `index`, not by list order.
    const vectors: Float32Array[] = new Array(input.length);
    for (const [position, item] of (done.value.data ?? []).entries()) {
      const index = typeof item.index === 'number' ? item.index : position;
      if (index >= 0 && index < input.length) vectors[index] = unitVector(decode(item.embedding as unknown));
    }
    checkVectors(NAME, Array.from(vectors, (v) => v ?? new Float32Array(0)), input.length, this.dimensions);
    this.learnt ??= vectors[0]!.length;
    const tokens = done.value.usage?.prompt_tokens ?? 0;
    const env = this.options.env ?? process.env;
    const cost = costOf(priceOf(NAME, this.model, this.options.prices, env), { inputTokens: tokens, outputTokens: 0 });
    recordRequest([this.usage, usage], done.attempts, tokens, cost);
    return vectors;
  }
}

/** A base64 string of little-endian float32s, or a plain number array from servers that ignore encoding_format. */
function decode(embedding: unknown): ArrayLike<number> {
  if (Array.isArray(embedding)) return embedding as number[];
  if (typeof embedding !== 'string') return [];
  const bytes = Buffer.from(embedding, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(Math.floor(bytes.byteLength / 4));
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
