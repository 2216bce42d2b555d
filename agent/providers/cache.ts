// The model-call cache: every chat and embedding call content-addressed in one SQLite file
// (<home>/cache.db), so a re-run with the cache gives the same report, and a recording exported
// as JSONL (runners/cache-commands.ts) replays in CI with no keys.
//
// A chat key hashes what the model sees (provider, model, messages, tools, sampling settings)
// plus the repeat index, so `--repeat 5` makes five independent draws the first time and replays
// the same five later, and the occurrence of an identical request within one wrapper (a second
// identical call in the same attempt is a second draw, not the first one again). Never in a key:
// the abort signal, API keys, addresses. Writes are queued and flushed in one transaction on a
// short timer, when enough are queued, on close, and at process exit.

import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { EmbedKind, Embedder } from '../rag/types.ts';
import { ToolCallShape, UsageShape } from '../trace.ts';
import { aborted, ProviderError } from './errors.ts';
import { streamFromChat } from './stream-from-chat.ts';
import type { ChatModel, ChatRequest, ChatResult, Message, StreamEvent } from './types.ts';

export const CACHE_MODES = ['on', 'off', 'refresh', 'replay'] as const;
/** on: read, call and write on a miss · off: no reads, no writes · refresh: always call, overwrite · replay: cached answers only. */
export type CacheMode = (typeof CACHE_MODES)[number];

// ---------------------------------------------------------------------------------------------
// Keys

/** JSON with object keys sorted (by UTF-16 code unit, never by locale) and undefined fields dropped. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sorted(value));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sorted(v)));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sorted(v);
  }
  return out;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export interface ChatKeyInput {
  provider: string;
  model: string;
  request: ChatRequest;
  /** The attempt's repeat index (0-based). */
  repeat: number;
  /** 0 for the first identical request within one wrapper, 1 for the second, ... */
  occurrence?: number;
}

/** The SHA-256 hex key of a chat call. */
export function cacheKey({ provider, model, request: r, repeat, occurrence = 0 }: ChatKeyInput): string {
  return sha256(
    canonicalJson({
      v: 1,
      kind: 'chat',
      provider,
      model,
      messages: r.messages.map(messageForKey),
      tools: r.tools?.length ? r.tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters })) : undefined,
      toolChoice: r.toolChoice,
      temperature: r.temperature,
      maxTokens: r.maxTokens,
      responseFormat: r.responseFormat,
      seed: r.seed,
      repeat,
      occurrence: occurrence || undefined,
    }),
  );
}

/** Only what a provider sends; an empty tool-call list and `isError: false` are the same as none. */
function messageForKey(m: Message): unknown {
  switch (m.role) {
    case 'system':
    case 'user':
      return { role: m.role, content: m.content };
    case 'assistant':
      return {
        role: m.role,
        content: m.content,
        toolCalls: m.toolCalls?.length
          ? m.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments, invalidArguments: c.invalidArguments, providerData: c.providerData }))
          : undefined,
      };
    case 'tool':
      return { role: m.role, toolCallId: m.toolCallId, name: m.name, content: m.content, isError: m.isError || undefined };
  }
}

/** The key of one text's embedding, from the text's SHA-256 (so an export can be checked without the text). */
export function embeddingKey(embedder: string, kind: EmbedKind, textSha256: string): string {
  return sha256(canonicalJson({ v: 1, kind: 'embedding', embedder, embedKind: kind, text: textSha256 }));
}

export const textHash = sha256;

// ---------------------------------------------------------------------------------------------
// What is stored (also the shape of an exported line; runners/cache-commands.ts validates with it)

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits (a SHA-256)');

export const ChatResultShape = z.object({
  text: z.string(),
  toolCalls: z.array(ToolCallShape),
  usage: UsageShape,
  finishReason: z.enum(['stop', 'tool_calls', 'length', 'content_filter', 'other']),
  latencyMs: z.number().nonnegative(),
  costUsd: z.number().nonnegative(),
  attempts: z.number().int().positive(),
});

/** What was asked, for people reading an export (the messages themselves are only in the key). */
export const ChatRequestSummary = z.object({
  label: z.string().optional(),
  repeat: z.number().int().nonnegative(),
  occurrence: z.number().int().positive().optional(),
  messageCount: z.number().int().nonnegative(),
  tools: z.array(z.string()),
  toolChoice: z.union([z.enum(['auto', 'none', 'required']), z.object({ name: z.string() })]).optional(),
  temperature: z.number().optional(),
  maxTokens: z.number().optional(),
  seed: z.number().optional(),
  responseFormat: z.enum(['text', 'json', 'json_schema']).optional(),
});
export type ChatRequestSummary = z.infer<typeof ChatRequestSummary>;

const ChatEntry = z.object({
  kind: z.literal('chat'),
  key: Hex64,
  provider: z.string().min(1),
  model: z.string().min(1),
  request: ChatRequestSummary,
  result: ChatResultShape,
});

const EmbeddingEntry = z.object({
  kind: z.literal('embedding'),
  key: Hex64,
  provider: z.string().min(1),
  model: z.string(),
  request: z.object({ embedder: z.string().min(1), kind: z.enum(['document', 'query']), textSha256: Hex64 }),
  /** `vector`: base64 of little-endian float32s. */
  result: z.object({ dimensions: z.number().int().positive(), vector: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64') }),
});

export const CacheEntry = z.discriminatedUnion('kind', [ChatEntry, EmbeddingEntry]).superRefine((entry, ctx) => {
  if (entry.kind !== 'embedding') return;
  const { embedder, kind, textSha256 } = entry.request;
  if (entry.key !== embeddingKey(embedder, kind, textSha256)) ctx.addIssue({ code: 'custom', path: ['key'], message: 'does not match request.embedder, request.kind and request.textSha256' });
  const bytes = Buffer.from(entry.result.vector, 'base64').length;
  if (bytes !== entry.result.dimensions * 4) ctx.addIssue({ code: 'custom', path: ['result', 'vector'], message: `holds ${bytes / 4} floats, not result.dimensions (${entry.result.dimensions})` });
});
export type CacheEntry = z.infer<typeof CacheEntry>;
export type ChatEntry = z.infer<typeof ChatEntry>;
export type EmbeddingEntry = z.infer<typeof EmbeddingEntry>;

/** `openai:text-embedding-3-small:256` → provider `openai`, model `text-embedding-3-small:256`. */
export function splitId(id: string): { provider: string; model: string } {
  const at = id.indexOf(':');
  return at < 0 ? { provider: id, model: '' } : { provider: id.slice(0, at), model: id.slice(at + 1) };
}

// ---------------------------------------------------------------------------------------------
// The file

const MIGRATIONS: string[] = [
  `CREATE TABLE chat_calls (
     key TEXT PRIMARY KEY,            -- SHA-256 hex, cacheKey()
     provider TEXT NOT NULL,
     model TEXT NOT NULL,
     request TEXT NOT NULL,           -- canonical JSON ChatRequestSummary
     result TEXT NOT NULL,            -- canonical JSON ChatResult
     created_at TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE embeddings (
     key TEXT PRIMARY KEY,            -- SHA-256 hex, embeddingKey()
     embedder TEXT NOT NULL,
     provider TEXT NOT NULL,
     model TEXT NOT NULL,
     kind TEXT NOT NULL,              -- document | query
     text_sha256 TEXT NOT NULL,
     dimensions INTEGER NOT NULL,
     vector BLOB NOT NULL,            -- little-endian float32s
     created_at TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX chat_calls_by_model ON chat_calls(provider, model);
   CREATE INDEX embeddings_by_model ON embeddings(provider, model);`,
];

interface ChatRow { key: string; provider: string; model: string; request: string; result: string }
interface EmbeddingRow { key: string; embedder: string; provider: string; model: string; kind: string; text_sha256: string; dimensions: number; vector: Buffer }

export interface CacheStat { kind: 'chat' | 'embedding'; provider: string; model: string; entries: number }
export interface ImportCounts { added: number; replaced: number; kept: number }

const open = new Set<CallCache>();
let exitHookInstalled = false;

/** Writes what every open cache still holds queued when the process exits (better-sqlite3 is synchronous). */
function flushAllAtExit(): void {
  for (const cache of open) {
    try {
      cache.close();
    } catch (error) {
      process.stderr.write(`lunar: could not write the model-call cache ${cache.path}: ${(error as Error).message}\n`);
    }
  }
}

export interface CallCacheOptions {
  /** Longest a write waits before it is flushed, in milliseconds (default 250). */
  flushMs?: number;
  /** Flush at once when this many writes are queued (default 64). */
  batchSize?: number;
}

export class CallCache {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly flushMs: number;
  private readonly batchSize: number;
  private readonly pendingChats = new Map<string, ChatRow>();
  private readonly pendingEmbeddings = new Map<string, EmbeddingRow>();
  /** Keys refreshed through this cache: `refresh` calls each key once, then serves what it got. */
  private readonly refreshed = new Set<string>();
  /** Calls on the wire by key: an identical call waits for the first instead of paying twice. */
  private readonly running = new Map<string, Promise<void>>();
  private timer?: NodeJS.Timeout;
  private closed = false;
  /** Lookups prepared once: preparing a statement costs more than running it. */
  private lookups?: {
    chatResult: Database.Statement<[string], string>;
    embedding: Database.Statement<[string], Pick<EmbeddingRow, 'vector'>>;
  };

  /** `path` defaults to <home>/cache.db through `CallCache.inHome`; ':memory:' works for tests. */
  constructor(path: string, options: CallCacheOptions = {}) {
    this.path = path;
    this.flushMs = options.flushMs ?? 250;
    this.batchSize = options.batchSize ?? 64;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    open.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', flushAllAtExit);
    }
  }

  static inHome(home: string, options?: CallCacheOptions): CallCache {
    return new CallCache(join(home, 'cache.db'), options);
  }

  /** Only the answer of a stored chat call (a fresh copy each time): what serving a call needs. */
  getChatResult(key: string): object | undefined {
    const pending = this.pendingChats.get(key);
    const text = pending ? pending.result : this.lookup().chatResult.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as object);
  }

  /** A stored embedding (a fresh copy each time), queued writes included. */
  getEmbedding(key: string): Float32Array | undefined {
    const row = this.pendingEmbeddings.get(key) ?? this.lookup().embedding.get(key);
    return row && floatsOf(row.vector);
  }

  private lookup(): NonNullable<CallCache['lookups']> {
    this.lookups ??= {
      chatResult: this.db.prepare<[string], string>('SELECT result FROM chat_calls WHERE key = ?').pluck(),
      embedding: this.db.prepare('SELECT vector FROM embeddings WHERE key = ?'),
    };
    return this.lookups;
  }

  /** Queues a chat call for writing (replacing what the key held). */
  putChat(entry: Omit<ChatEntry, 'kind'>): void {
    this.pendingChats.set(entry.key, chatRowOf(entry));
    this.queued();
  }

  /** Queues an embedding for writing (replacing what the key held). */
  putEmbedding(embedder: string, kind: EmbedKind, textSha256: string, vector: Float32Array): string {
    const key = embeddingKey(embedder, kind, textSha256);
    this.pendingEmbeddings.set(key, embeddingRowOf(key, embedder, kind, textSha256, vector));
    this.queued();
    return key;
  }

  /** Records that `refresh` wrote the key, so a second call for it in this run is served the same answer. */
  markRefreshed(key: string): void {
    this.refreshed.add(key);
  }

  refreshedHere(key: string): boolean {
    return this.refreshed.has(key);
  }

  /**
   * Marks `key` as being called until the returned function is called. While it is, `waitFor`
   * returns a promise that settles when it is done (whether or not the call succeeded).
   */
  claim(key: string): () => void {
    let done!: () => void;
    this.running.set(key, new Promise<void>((resolve) => (done = resolve)));
    return () => {
      this.running.delete(key);
      done();
    };
  }

  waitFor(key: string): Promise<void> | undefined {
    return this.running.get(key);
  }

  /** Writes what is queued in one transaction. If that fails, it all stays queued (and readable) for the next flush. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pendingChats.size === 0 && this.pendingEmbeddings.size === 0) return;
    const chats = [...this.pendingChats.values()];
    const embeddings = [...this.pendingEmbeddings.values()];
    const now = new Date().toISOString();
    const chat = this.db.prepare('INSERT OR REPLACE INTO chat_calls (key, provider, model, request, result, created_at) VALUES (?, ?, ?, ?, ?, ?)');
    const embedding = this.db.prepare(
      'INSERT OR REPLACE INTO embeddings (key, embedder, provider, model, kind, text_sha256, dimensions, vector, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const r of chats) chat.run(r.key, r.provider, r.model, r.request, r.result, now);
      for (const r of embeddings) embedding.run(r.key, r.embedder, r.provider, r.model, r.kind, r.text_sha256, r.dimensions, r.vector, now);
    })();
    // Only now, and only what was not replaced meanwhile.
    for (const r of chats) if (this.pendingChats.get(r.key) === r) this.pendingChats.delete(r.key);
    for (const r of embeddings) if (this.pendingEmbeddings.get(r.key) === r) this.pendingEmbeddings.delete(r.key);
  }

  /** Flushes and closes the file; a write that cannot be made is thrown here. */
  close(): void {
    if (this.closed) return;
    try {
      this.flush();
    } finally {
      this.closed = true;
      open.delete(this);
      this.db.close();
    }
  }

  /** Every entry (or one provider's), chat calls then embeddings, each in key order. */
  *entries(filter: { provider?: string } = {}): Generator<CacheEntry> {
    this.flush();
    const provider = filter.provider ?? null;
    const where = 'WHERE (? IS NULL OR provider = ?) ORDER BY key';
    for (const row of this.db.prepare(`SELECT key, provider, model, request, result FROM chat_calls ${where}`).iterate(provider, provider)) {
      yield chatEntryOf(row as ChatRow);
    }
    for (const row of this.db.prepare(`SELECT * FROM embeddings ${where}`).iterate(provider, provider)) {
      const r = row as EmbeddingRow;
      yield {
        kind: 'embedding',
        key: r.key,
        provider: r.provider,
        model: r.model,
        request: { embedder: r.embedder, kind: r.kind as EmbedKind, textSha256: r.text_sha256 },
        result: { dimensions: r.dimensions, vector: r.vector.toString('base64') },
      };
    }
  }

  /** Writes entries in one transaction; a key already held is replaced only with `overwrite`. */
  importEntries(entries: readonly CacheEntry[], overwrite: boolean): ImportCounts {
    this.flush();
    const counts: ImportCounts = { added: 0, replaced: 0, kept: 0 };
    const now = new Date().toISOString();
    const has = {
      chat: this.db.prepare('SELECT 1 FROM chat_calls WHERE key = ?').pluck(),
      embedding: this.db.prepare('SELECT 1 FROM embeddings WHERE key = ?').pluck(),
    };
    const chat = this.db.prepare('INSERT OR REPLACE INTO chat_calls (key, provider, model, request, result, created_at) VALUES (?, ?, ?, ?, ?, ?)');
    const embedding = this.db.prepare(
      'INSERT OR REPLACE INTO embeddings (key, embedder, provider, model, kind, text_sha256, dimensions, vector, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const entry of entries) {
        const exists = has[entry.kind].get(entry.key) !== undefined;
        if (exists && !overwrite) {
          counts.kept++;
          continue;
        }
        if (entry.kind === 'chat') {
          const r = chatRowOf(entry);
          chat.run(r.key, r.provider, r.model, r.request, r.result, now);
        } else {
          const { embedder, kind, textSha256 } = entry.request;
          const { provider, model } = splitId(embedder);
          embedding.run(entry.key, embedder, provider, model, kind, textSha256, entry.result.dimensions, Buffer.from(entry.result.vector, 'base64'), now);
        }
        if (exists) counts.replaced++;
        else counts.added++;
      }
    })();
    return counts;
  }

  /** Entries per kind, provider and model. */
  stats(): CacheStat[] {
    this.flush();
    return this.db
      .prepare(
        `SELECT 'chat' AS kind, provider, model, count(*) AS entries FROM chat_calls GROUP BY provider, model
         UNION ALL
         SELECT 'embedding' AS kind, provider, model, count(*) AS entries FROM embeddings GROUP BY provider, model
         ORDER BY kind, provider, model`,
      )
      .all() as CacheStat[];
  }

  private queued(): void {
    if (this.closed) throw new Error(`the model-call cache ${this.path} is closed`);
    if (this.pendingChats.size + this.pendingEmbeddings.size >= this.batchSize) return this.flushOnTimer();
    this.timer ??= setTimeout(() => this.flushOnTimer(), this.flushMs);
    this.timer.unref();
  }

  /** A flush nobody awaits: on failure the writes stay queued, and the next flush (close at the latest) tries again and throws. */
  private flushOnTimer(): void {
    try {
      this.flush();
    } catch {
      // Still queued; see above.
    }
  }
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(`${db.name}: the model-call cache was written by a newer Lunar (schema ${version}; this one knows ${MIGRATIONS.length})`);
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

function chatRowOf(entry: Omit<ChatEntry, 'kind'>): ChatRow {
  const r = entry.result;
  // Exactly the ChatResult fields, so a replay returns what the first run returned and nothing else.
  const result = { text: r.text, toolCalls: r.toolCalls, usage: r.usage, finishReason: r.finishReason, latencyMs: r.latencyMs, costUsd: r.costUsd, attempts: r.attempts };
  return { key: entry.key, provider: entry.provider, model: entry.model, request: canonicalJson(entry.request), result: canonicalJson(result) };
}

function chatEntryOf(row: ChatRow): ChatEntry {
  return { kind: 'chat', key: row.key, provider: row.provider, model: row.model, request: JSON.parse(row.request), result: JSON.parse(row.result) };
}

function embeddingRowOf(key: string, embedder: string, kind: EmbedKind, textSha256: string, vector: Float32Array): EmbeddingRow {
  const { provider, model } = splitId(embedder);
  const bytes = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
  return { key, embedder, provider, model, kind, text_sha256: textSha256, dimensions: vector.length, vector: Buffer.from(bytes) };
}

function floatsOf(bytes: Buffer): Float32Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

// ---------------------------------------------------------------------------------------------
// The wrappers

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
