// Shapes shared across retrieval: chunks, embedders, search hits.

/** A piece of a document, small enough to embed and to quote, with what a citation needs. */
export interface Chunk {
  /** Document id: the file's path relative to the indexed folder, with forward slashes. */
  path: string;
  /** 0-based position of the chunk within its document. */
  index: number;
  text: string;
  /** The heading trail above the chunk, outermost first (e.g. ["Billing", "Refunds"]). */
  headings: string[];
  /** 1-based, inclusive line range of the chunk in its file. */
  startLine: number;
  endLine: number;
  /** Token count of `text` under the tokenizer in tokens.ts. */
  tokens: number;
}

export type EmbedKind = 'document' | 'query';

/** What an embedder has spent: over its lifetime (Embedder.usage), or over one call (embed's `usage`). */
export interface EmbedUsage {
  /** Successful requests (retries not counted). */
  requests: number;
  /** Retries made on top of those. */
  retries: number;
  inputTokens: number;
  /** True when the provider reports no token counts (Gemini) and inputTokens is characters / 4. */
  tokensEstimated: boolean;
  costUsd: number;
}

export interface Embedder {
  /** Stable id naming the model and its settings, e.g. `hash:384`, `ollama:nomic-embed-text`. Stored with the index. */
  readonly id: string;
  /** Vector length, when known before the first call (the hash embedder); otherwise learnt from the first reply. */
  readonly dimensions?: number;
  /** What a remote embedder has spent so far, over every call; absent for local ones (hash). */
  readonly usage?: EmbedUsage;
  /**
   * One vector per text, in order. `kind` lets models that embed queries and documents differently
   * (nomic's task prefixes, Gemini's task types) do so. A remote embedder also adds what this call
   * spent to `usage` when given (its own `usage` counts it either way), so one caller's cost can be
   * told apart from another's running at the same time.
   */
  embed(texts: readonly string[], kind: EmbedKind, signal?: AbortSignal, usage?: EmbedUsage): Promise<Float32Array[]>;
}

export type SearchMode = 'bm25' | 'vector' | 'hybrid';
export type FusionMethod = 'weighted' | 'rrf';

export interface SearchHit {
  /** `path#index`. */
  chunkId: string;
  path: string;
  index: number;
  text: string;
  headings: string[];
  startLine: number;
  endLine: number;
  /** The final score the ranking used. */
  score: number;
  /** How the score was made: each component that contributed (bm25, vector, fused, mmr, decay). */
  breakdown: Record<string, number>;
}
