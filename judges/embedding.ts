// Embedding texts for a scorer: the embedder named by the scorer's `embedder` option (any id
// agent/rag/embedders/registry.ts knows; `hash` offline), checked when the suite is read, and the
// cosine of two vectors floored at 0 so a score stays in 0..1 (real embedders rarely go below).

import { ProviderError } from '../agent/providers/errors.ts';
import { cosine } from '../agent/rag/index-store.ts';
import { createEmbedder, UnknownEmbedderError } from '../agent/rag/embedders/registry.ts';
import type { EmbedKind, Embedder, EmbedUsage } from '../agent/rag/types.ts';
import { emptyUsage } from '../agent/rag/embedders/common.ts';
import { ScorerOptionsError } from '../metrics/score.ts';

/** The embedder for an option value; an unknown id is bad suite input (exit 2). */
export function embedderOption(scorer: string, id: string): Embedder {
  try {
    return createEmbedder(id);
  } catch (error) {
    if (error instanceof UnknownEmbedderError) throw new ScorerOptionsError(`${scorer}: options: embedder: ${error.message}`);
    throw error;
  }
}

export type Embedded = { ok: true; vectors: Float32Array[]; usage: EmbedUsage } | { ok: false; reason: string };

/** One vector per text, or why the embedder could not give them (a provider failure). */
export async function embedTexts(embedder: Embedder, texts: readonly string[], kind: EmbedKind): Promise<Embedded> {
  const usage = emptyUsage();
  try {
    return { ok: true, vectors: await embedder.embed(texts, kind, undefined, usage), usage };
  } catch (error) {
    if (error instanceof ProviderError) return { ok: false, reason: `embedder ${embedder.id} could not embed (${error.kind}): ${error.message}` };
    throw error;
  }
}

/** Cosine similarity floored at 0. */
export function similarity(a: Float32Array, b: Float32Array): number {
  return Math.max(0, Math.min(1, cosine(a, b)));
}

/** What embedding cost, for a score's details. */
export function embedderDetails(embedder: Embedder, usage: EmbedUsage): Record<string, unknown> {
  return { id: embedder.id, requests: usage.requests, input_tokens: usage.inputTokens, cost_usd: usage.costUsd };
}
