// Embeddings from a local Ollama server through ollama-js's `embed` (POST /api/embed, a list of
// inputs per request). Free, no key. Client, address and error classification are the chat
// provider's (ollamaHost, ollamaAttempt, classify), withRetry is the one retry loop.
//
// nomic-embed-text (v1, v1.5, v2-moe) was trained with task prefixes and its model card requires
// them: "search_document: " before documents, "search_query: " before queries. Other models get
// the text as it is.

import { classify, ollamaAttempt, ollamaHost } from '../../providers/ollama.ts';
import { costOf, priceOf } from '../../providers/pricing.ts';
import { retryPolicyFrom, withRetry, type RetryPolicy } from '../../providers/retry.ts';
import type { EmbedKind, Embedder } from '../types.ts';
import { batchesOf, checkVectors, emptyUsage, positive, recordRequest, runBatches, unitVector, type EmbedUsage, type EmbedderOptions } from './common.ts';

const NAME = 'ollama';
export const DEFAULT_OLLAMA_EMBED_MODEL = 'nomic-embed-text';

/** The task prefix a model needs for a kind of text ('' for models without one). */
export function ollamaTaskPrefix(model: string, kind: EmbedKind): string {
  if (!/nomic-embed-text/i.test(model)) return '';
  return kind === 'query' ? 'search_query: ' : 'search_document: ';
}

export class OllamaEmbedder implements Embedder {
  readonly id: string;
  readonly model: string;
  readonly host: string;
  readonly usage: EmbedUsage = emptyUsage();
  private learnt?: number;
  private readonly policy: RetryPolicy;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly options: EmbedderOptions;

  constructor(model: string = DEFAULT_OLLAMA_EMBED_MODEL, options: EmbedderOptions = {}) {
    if (options.dimensions !== undefined) {
      throw new Error(`ollama:${model}: Ollama embedders give the model's own dimensions; leave out the dimensions option`);
    }
    this.model = model;
    this.id = `${NAME}:${model}`;
    this.options = options;
    this.host = ollamaHost(options.baseUrl ?? (options.env ?? process.env).OLLAMA_HOST);
    this.policy = retryPolicyFrom(options);
    this.batchSize = positive('batchSize', options.batchSize, 64);
    this.concurrency = positive('concurrency', options.concurrency, 1);
  }

  /** Learnt from the first reply. */
  get dimensions(): number | undefined {
    return this.learnt;
  }

  async embed(texts: readonly string[], kind: EmbedKind, signal?: AbortSignal, usage?: EmbedUsage): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const prefix = ollamaTaskPrefix(this.model, kind);
    const inputs = prefix ? texts.map((t) => prefix + t) : [...texts];
    return runBatches(NAME, batchesOf(inputs, this.batchSize), this.concurrency, signal, (batch, s) => this.request(batch, s, usage));
  }

  private async request(input: string[], signal: AbortSignal, usage?: EmbedUsage): Promise<Float32Array[]> {
    const done = await withRetry(
      NAME,
      this.policy,
      signal,
      // truncate: an input longer than the model's context is cut rather than refused (Ollama's default, said out loud).
      (attemptSignal) => ollamaAttempt(this.host, this.model, attemptSignal, (client) => client.embed({ model: this.model, input, truncate: true })),
      (error) => classify(error, this.host, this.model),
    );
    const vectors = (done.value.embeddings ?? []).map(unitVector);
    checkVectors(NAME, vectors, input.length, this.learnt);
    this.learnt ??= vectors[0]!.length;
    const tokens = done.value.prompt_eval_count ?? 0;
    const env = this.options.env ?? process.env;
    const cost = costOf(priceOf(NAME, this.model, this.options.prices, env), { inputTokens: tokens, outputTokens: 0 });
    recordRequest([this.usage, usage], done.attempts, tokens, cost);
    return vectors;
  }
}
