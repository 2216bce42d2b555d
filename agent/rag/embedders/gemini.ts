// Embeddings from the Gemini Developer API with @google/genai's models.embedContent. On the
// Developer API the SDK sends every call to {model}:batchEmbedContents, one request entry per
// content, so a list of texts is one HTTP request; the API takes at most 100 entries, hence
// batches of 100. Key, address, client and error classification are the chat provider's
// (geminiConnection, geminiClient, classify); withRetry is the one retry loop.
//
// Documents are embedded with taskType RETRIEVAL_DOCUMENT, queries with RETRIEVAL_QUERY.
// gemini-embedding-001 gives 3072 values, unit length only at full size: vectors asked for at a
// reduced outputDimensionality (768, 1536, ...) come unnormalised, so every vector is normalised here.
//
// The API reports no token counts for embeddings, so usage (and cost) is estimated from the text
// at four characters a token, and says so (tokensEstimated).

import type { Content, EmbedContentParameters, EmbedContentResponse, GoogleGenAI } from '@google/genai';
import { classify, geminiClient, geminiConnection } from '../../providers/gemini.ts';
import { costOf, priceOf } from '../../providers/pricing.ts';
import { recordingFetch } from '../../providers/recording-fetch.ts';
import { retryPolicyFrom, withRetry, type RetryPolicy } from '../../providers/retry.ts';
import type { EmbedKind, Embedder } from '../types.ts';
import { batchesOf, checkVectors, emptyUsage, positive, recordRequest, runBatches, unitVector, type EmbedUsage, type EmbedderOptions } from './common.ts';

const NAME = 'gemini';
export const DEFAULT_GEMINI_EMBED_MODEL = 'gemini-embedding-001';
export const GEMINI_MAX_BATCH = 100;

export const GEMINI_TASK_TYPES: Readonly<Record<EmbedKind, string>> = {
  document: 'RETRIEVAL_DOCUMENT',
  query: 'RETRIEVAL_QUERY',
};

export class GeminiEmbedder implements Embedder {
  readonly id: string;
  readonly model: string;
  readonly usage: EmbedUsage = emptyUsage(true);
  private readonly requested?: number;
  private learnt?: number;
  private readonly apiKey?: string;
  private readonly address: string;
  private client?: GoogleGenAI;
  private readonly policy: RetryPolicy;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly options: EmbedderOptions;

  constructor(model: string = DEFAULT_GEMINI_EMBED_MODEL, options: EmbedderOptions = {}) {
    this.model = model;
    this.options = options;
    this.requested = options.dimensions === undefined ? undefined : positive('dimensions', options.dimensions, 1);
    this.id = this.requested === undefined ? `${NAME}:${model}` : `${NAME}:${model}:${this.requested}`;
    const { apiKey, address } = geminiConnection(options);
    this.apiKey = apiKey;
    this.address = address;
    this.policy = retryPolicyFrom(options);
    this.batchSize = Math.min(positive('batchSize', options.batchSize, GEMINI_MAX_BATCH), GEMINI_MAX_BATCH);
    this.concurrency = positive('concurrency', options.concurrency, 2);
  }

  /** The requested size, else learnt from the first reply. */
  get dimensions(): number | undefined {
    return this.requested ?? this.learnt;
  }

  async embed(texts: readonly string[], kind: EmbedKind, signal?: AbortSignal, usage?: EmbedUsage): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    // Built on first use, so an embedder without a key can be created and fails (missing_key) only when used.
    this.client ??= geminiClient(this.apiKey, this.address);
    const ai = this.client;
    return runBatches(NAME, batchesOf(texts, this.batchSize), this.concurrency, signal, (batch, s) => this.request(ai, batch, kind, s, usage));
  }

  private async request(ai: GoogleGenAI, texts: readonly string[], kind: EmbedKind, signal: AbortSignal, usage?: EmbedUsage): Promise<Float32Array[]> {
    // Whole Content objects, one per text: bare strings would be merged into one content (one
    // vector for all) by models such as gemini-embedding-2.
    const contents: Content[] = texts.map((text) => ({ role: 'user', parts: [{ text }] }));
    const params: EmbedContentParameters = { model: this.model, contents, config: { taskType: GEMINI_TASK_TYPES[kind] } };
    if (this.requested !== undefined) params.config!.outputDimensionality = this.requested;
    const done = await withRetry(
      NAME,
      this.policy,
      signal,
      (attemptSignal) => this.attempt(ai, params, attemptSignal),
      (error) => classify(error, this.address, this.apiKey),
    );
    const vectors = (done.value.embeddings ?? []).map((e) => unitVector(e.values ?? []));
    checkVectors(NAME, vectors, texts.length, this.dimensions);
    this.learnt ??= vectors[0]!.length;
    let characters = 0;
    for (const text of texts) characters += text.length;
    const tokens = Math.ceil(characters / 4);
    const env = this.options.env ?? process.env;
    const cost = costOf(priceOf(NAME, this.model, this.options.prices, env), { inputTokens: tokens, outputTokens: 0 });
    recordRequest([this.usage, usage], done.attempts, tokens, cost, true);
    return vectors;
  }

  /** One attempt: the signal goes in config.abortSignal; the fetch records Retry-After, which ApiError drops. */
  private async attempt(ai: GoogleGenAI, params: EmbedContentParameters, signal: AbortSignal): Promise<EmbedContentResponse> {
    const recorder = recordingFetch();
    try {
      return await ai.models.embedContent({ ...params, config: { ...params.config, abortSignal: signal, httpOptions: { fetch: recorder.fetch } } });
    } catch (error) {
      throw classify(error, this.address, this.apiKey, recorder.retryAfterMs());
    }
  }
}
