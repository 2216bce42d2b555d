// A chat model and an embedder behind the model-call cache (cache.ts): looked up first, called
// on a miss and recorded; a replay serves recorded answers only, and a miss names the call.

import type { EmbedKind, Embedder } from '../rag/types.ts';
import type { CallCache, CacheMode } from './cache.ts';
import { splitId, type ChatRequestSummary } from './cache-entries.ts';
import { cacheKey, embeddingKey, textHash } from './cache-keys.ts';
import { aborted, ProviderError } from './errors.ts';
import { streamFromChat } from './stream-from-chat.ts';
import type { ChatModel, ChatRequest, ChatResult, StreamEvent } from './types.ts';

/** A replay found no recorded answer. Kind 'bad_request': calling again cannot help. */
export class CacheMissError extends ProviderError {
  readonly key: string;
  constructor(provider: string, key: string, message: string) {
    super(provider, 'bad_request', message);
    this.name = 'CacheMissError';
    this.key = key;
  }
}

const served = new WeakSet<object>();

/** True when the result came from the cache rather than from the model. */
export function isCachedResult(result: ChatResult): boolean {
  return served.has(result);
}

export interface CachedChatOptions {
  mode: CacheMode;
  /** The attempt's repeat index (0-based): each repeat is its own draw, recorded and replayed. */
  repeat: number;
  /** Names the attempt in messages, e.g. the case id. */
  label?: string;
}

/**
 * `inner` behind the cache. Make one per attempt (case × target × repeat): it counts its calls, so
 * a second identical request within the attempt is a second draw. `off` returns `inner` itself.
 */
export function cachedChatModel(inner: ChatModel, cache: CallCache, options: CachedChatOptions): ChatModel {
  return options.mode === 'off' ? inner : new CachedChatModel(inner, cache, options);
}

interface Call {
  key: string;
  base: string;
  occurrence: number;
  number: number;
  summary: ChatRequestSummary;
}

class CachedChatModel implements ChatModel {
  readonly id: string;
  readonly provider: string;
  readonly model: string;
  private calls = 0;
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly inner: ChatModel,
    private readonly cache: CallCache,
    private readonly options: CachedChatOptions,
  ) {
    this.id = inner.id;
    this.provider = inner.provider;
    this.model = inner.model;
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    const call = this.begin(request);
    let release: (() => void) | undefined;
    try {
      const found = await this.lookup(call);
      if (typeof found !== 'function') return found;
      release = found;
      const result = await this.inner.chat(request);
      this.store(call, result);
      return result;
    } catch (error) {
      this.forget(call);
      throw error;
    } finally {
      release?.();
    }
  }

  async *stream(request: ChatRequest): AsyncGenerator<StreamEvent> {
    const call = this.begin(request);
    let stored = false;
    try {
      const found = await this.lookup(call);
      if (typeof found !== 'function') {
        stored = true;
        yield* streamFromChat(async () => found, request);
        return;
      }
      // A stream does not hold its key while it runs: a consumer may drop it unfinished (its
      // finally never runs), and identical calls must not wait on that forever.
      found();
      for await (const event of this.inner.stream(request)) {
        // Stored before it is passed on, so a consumer that stops at `done` still records it.
        if (event.type === 'done') {
          this.store(call, event.result);
          stored = true;
        }
        yield event;
      }
    } finally {
      if (!stored) this.forget(call);
    }
  }

  private begin(request: ChatRequest): Call {
    if (request.signal?.aborted) throw aborted(this.provider, request.signal.reason);
    const { provider, model } = this.inner;
    const { repeat, label } = this.options;
    const base = cacheKey({ provider, model, request, repeat });
    const occurrence = this.seen.get(base) ?? 0;
    this.seen.set(base, occurrence + 1);
    const key = occurrence === 0 ? base : cacheKey({ provider, model, request, repeat, occurrence });
    const summary: ChatRequestSummary = {
      label,
      repeat,
      occurrence: occurrence || undefined,
      messageCount: request.messages.length,
      tools: (request.tools ?? []).map((t) => t.name),
      toolChoice: request.toolChoice,
      temperature: request.temperature,
      maxTokens: request.maxTokens,
      seed: request.seed,
      responseFormat: request.responseFormat?.type,
    };
    return { key, base, occurrence, number: ++this.calls, summary };
  }

  /** A call that produced nothing frees its occurrence, so the next identical request takes it. */
  private forget(call: Call): void {
    if (this.seen.get(call.base) === call.occurrence + 1) this.seen.set(call.base, call.occurrence);
  }

  /**
   * The recorded answer, marked as served from the cache (after waiting for an identical call on
   * the wire); on a miss, the key claimed for this call (in the same tick as the look-up, so no
   * identical call slips in between) and the function that releases it.
   */
  private async lookup(call: Call): Promise<ChatResult | (() => void)> {
    const { mode } = this.options;
    for (;;) {
      const usable = mode !== 'refresh' || this.cache.refreshedHere(call.key);
      const result = usable ? this.cache.getChatResult(call.key) : undefined;
      if (result) {
        served.add(result);
        return result as ChatResult;
      }
      if (mode === 'replay') throw this.miss(call);
      const running = this.cache.waitFor(call.key);
      if (!running) return this.cache.claim(call.key);
      await running;
    }
  }

  private store(call: Call, result: ChatResult): void {
    this.cache.putChat({ key: call.key, provider: this.inner.provider, model: this.inner.model, request: call.summary, result });
    if (this.options.mode === 'refresh') this.cache.markRefreshed(call.key);
  }

  private miss(call: Call): CacheMissError {
    const { label, repeat } = this.options;
    const what = `${label === undefined ? '' : ` for case ${label}`}${repeat > 0 ? ` (repeat ${repeat + 1})` : ''}`;
    return new CacheMissError(
      this.provider,
      call.key,
      `replay: no cached answer${what} on ${this.id} (call ${call.number}): record it with --cache on and keys set`,
    );
  }
}

export interface CachedEmbedderOptions {
  mode: CacheMode;
}

/**
 * `inner` behind the cache, one entry per text: a batch with some texts cached sends only the
 * rest (and a text repeated in a batch once). `off` returns `inner` itself.
 */
export function cachedEmbedder(inner: Embedder, cache: CallCache, options: CachedEmbedderOptions): Embedder {
  return options.mode === 'off' ? inner : new CachedEmbedder(inner, cache, options.mode);
}

class CachedEmbedder implements Embedder {
  readonly id: string;
  private learnt?: number;

  constructor(
    private readonly inner: Embedder,
    private readonly cache: CallCache,
    private readonly mode: Exclude<CacheMode, 'off'>,
  ) {
    this.id = inner.id;
  }

  get dimensions(): number | undefined {
    return this.inner.dimensions ?? this.learnt;
  }

  async embed(texts: readonly string[], kind: EmbedKind, signal?: AbortSignal): Promise<Float32Array[]> {
    if (signal?.aborted) throw aborted(splitId(this.id).provider, signal.reason);
    const out: Float32Array[] = new Array(texts.length);
    const missing = new Map<string, { text: string; hash: string; positions: number[] }>();
    texts.forEach((text, i) => {
      const hash = textHash(text);
      const key = embeddingKey(this.id, kind, hash);
      const usable = this.mode !== 'refresh' || this.cache.refreshedHere(key);
      const vector = usable ? this.cache.getEmbedding(key) : undefined;
      if (vector) out[i] = vector;
      else {
        const entry = missing.get(key) ?? { text, hash, positions: [] };
        entry.positions.push(i);
        missing.set(key, entry);
      }
    });
    if (missing.size > 0) {
      const wanted = [...missing.values()];
      if (this.mode === 'replay') {
        const count = wanted.reduce((n, w) => n + w.positions.length, 0);
        throw new CacheMissError(
          splitId(this.id).provider,
          [...missing.keys()][0]!,
          `replay: no cached embedding for ${count} of ${texts.length} texts (${kind}) on ${this.id}: record it with --cache on and keys set`,
        );
      }
      const vectors = await this.inner.embed(
        wanted.map((w) => w.text),
        kind,
        signal,
      );
      wanted.forEach((w, i) => {
        const vector = vectors[i]!;
        const key = this.cache.putEmbedding(this.id, kind, w.hash, vector);
        if (this.mode === 'refresh') this.cache.markRefreshed(key);
        for (const p of w.positions) out[p] = Float32Array.from(vector);
      });
    }
    this.learnt ??= out[0]?.length;
    return out;
  }
}
