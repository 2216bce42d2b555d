// What the remote embedders share: their options, usage accounting, unit-length Float32 vectors,
// and running batches in order with bounded concurrency. Retries, timeouts and error kinds are the
// chat providers' own (withRetry and each provider's classify); nothing here retries.

import { ProviderError } from '../../providers/errors.ts';
import type { ProviderOptions } from '../../providers/types.ts';
import type { EmbedUsage } from '../types.ts';

export interface EmbedderOptions extends ProviderOptions {
  /**
   * Vector length. The hash embedder's size (default 384); for OpenAI text-embedding-3 and
   * Gemini embedding models, the reduced size to ask for (`dimensions` / `outputDimensionality`).
   * Part of the id when set for a remote model (`openai:text-embedding-3-small:512`).
   */
  dimensions?: number;
  /** Most texts in one request (defaults: OpenAI 2048, its limit; Gemini 100, its limit; Ollama 64). */
  batchSize?: number;
  /** OpenAI only: most tokens (cl100k_base) summed over one request (default 250 000; the API allows 300 000). */
  maxBatchTokens?: number;
  /** Requests in flight at once (defaults: OpenAI 4, Gemini 2, Ollama 1: a local server runs one at a time anyway). */
  concurrency?: number;
}

export type { EmbedUsage } from '../types.ts';

export function emptyUsage(tokensEstimated = false): EmbedUsage {
  return { requests: 0, retries: 0, inputTokens: 0, tokensEstimated, costUsd: 0 };
}

/** Adds one successful request (made in `attempts` tries) to every usage record given. */
export function recordRequest(records: readonly (EmbedUsage | undefined)[], attempts: number, inputTokens: number, costUsd: number, tokensEstimated = false): void {
  for (const usage of records) {
    if (!usage) continue;
    usage.requests++;
    usage.retries += attempts - 1;
    usage.inputTokens += inputTokens;
    usage.costUsd += costUsd;
    if (tokensEstimated) usage.tokensEstimated = true;
  }
}

/**
 * A unit-length Float32Array. All embedders return unit vectors, so cosine, dot product and L2
 * distance rank alike (Gemini's reduced-dimension vectors come unnormalised; others are already
 * unit and pass through unchanged up to rounding). A zero vector cannot stay zero — its cosine
 * with anything is undefined, and sqlite-vec answers NaN, which leaves the ranking arbitrary — so
 * it becomes the unit vector along dimension 0, as the hash embedder does for text without words.
 */
export function unitVector(values: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * values[i]!;
  const out = new Float32Array(values.length);
  if (sum === 0) {
    if (out.length > 0) out[0] = 1;
    return out;
  }
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! * scale;
  return out;
}

/** Splits texts into consecutive batches of at most `size`. */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Positive integer option, or the default; anything else is a programming error. */
export function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`embedder option ${name} must be a positive integer, not ${value}`);
  return value;
}

/**
 * Runs `run` over every batch, at most `concurrency` at a time, and returns the vectors in batch
 * order. Batches are drawn from the iterable as workers free up, so a lazily made batch (OpenAI's,
 * whose tokens are counted) is made while earlier ones are on the wire. The first failure stops
 * the batches not yet started, aborts those in flight and is the error thrown. A caller's abort
 * surfaces as ProviderError 'aborted' even when it lands during a backoff wait (where withRetry
 * lets the signal's own reason through).
 */
export async function runBatches<T>(
  provider: string,
  batches: Iterable<T>,
  concurrency: number,
  signal: AbortSignal | undefined,
  run: (batch: T, signal: AbortSignal) => Promise<Float32Array[]>,
): Promise<Float32Array[]> {
  const stop = new AbortController();
  const shared = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  const source = batches[Symbol.iterator]();
  const results: Float32Array[][] = [];
  let taken = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined) {
      let step: IteratorResult<T>;
      try {
        step = source.next();
      } catch (error) {
        failure ??= error;
        stop.abort();
        break;
      }
      if (step.done) break;
      const i = taken++;
      try {
        results[i] = await run(step.value, shared);
      } catch (error) {
        if (failure === undefined) failure = error;
        stop.abort();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  if (failure !== undefined) {
    if (signal?.aborted && !(failure instanceof ProviderError && failure.kind === 'aborted')) {
      throw new ProviderError(provider, 'aborted', `${provider}: call aborted`, { cause: failure });
    }
    throw failure;
  }
  return results.flat();
}

/**
 * Checks a reply has one vector per text, all of one length (and the length seen before, if any),
 * each finite and not all zeros (a zero vector has no direction: its cosine is NaN in sqlite-vec).
 */
export function checkVectors(provider: string, vectors: readonly Float32Array[], expected: number, dimensions: number | undefined): void {
  if (vectors.length !== expected) {
    throw new ProviderError(provider, 'bad_response', `${provider}: asked for ${expected} embeddings, got ${vectors.length}`);
  }
  const size = dimensions ?? vectors[0]?.length;
  vectors.forEach((v, i) => {
    if (!v || v.length !== size || v.length === 0) {
      throw new ProviderError(provider, 'bad_response', `${provider}: embedding of length ${v?.length ?? 0} where ${size} was expected`);
    }
    let zero = true;
    for (let d = 0; d < v.length; d++) {
      const x = v[d]!;
      if (!Number.isFinite(x)) throw new ProviderError(provider, 'bad_response', `${provider}: embedding ${i} holds ${x}`);
      if (x !== 0) zero = false;
    }
    if (zero) throw new ProviderError(provider, 'bad_response', `${provider}: embedding ${i} is all zeros (it has no direction to compare)`);
  });
}
