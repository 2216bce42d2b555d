// The model-call cache: every chat and embedding call content-addressed in one SQLite file
// (<home>/cache.db), so a re-run with the cache gives the same report, and a recording exported
// as JSONL (runners/cache-commands.ts) replays in CI with no keys. Keys: cache-keys.ts; what is
// stored: cache-entries.ts; the chat model and embedder behind it: cached-models.ts. Writes are
// queued and flushed in one transaction on a short timer, when enough are queued, on close, and at
// process exit.

import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { EmbedKind } from '../rag/types.ts';
import { CacheEntry, splitId, type ChatEntry } from './cache-entries.ts';
import { canonicalJson, embeddingKey } from './cache-keys.ts';
import { scrubJson } from '../../core/secrets.ts';
import { checkIsOurs, damaged, identify, openSqliteFile } from '../../core/sqlite-file.ts';

export const CACHE_MODES = ['on', 'off', 'refresh', 'replay'] as const;
/** on: read, call and write on a miss · off: no reads, no writes · refresh: always call, overwrite · replay: cached answers only. */
export type CacheMode = (typeof CACHE_MODES)[number];

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
    this.db = openSqliteFile(path, 'model-call cache', () => new Database(path), (db) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      migrate(db, path);
    });
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
    const text = pending ? pending.result : this.reading(() => this.lookup().chatResult.get(key));
    return text === undefined ? undefined : (JSON.parse(text) as object);
  }

  /** A stored embedding (a fresh copy each time), queued writes included. */
  getEmbedding(key: string): Float32Array | undefined {
    const row = this.pendingEmbeddings.get(key) ?? this.reading(() => this.lookup().embedding.get(key));
    return row && floatsOf(row.vector);
  }

  /** Runs a read; a file damaged past its first pages is found only here, and is bad input like one damaged at the start. */
  private reading<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      throw damaged(this.path, 'model-call cache', error);
    }
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
    return this.reading(() => this.db
      .prepare(
        `SELECT 'chat' AS kind, provider, model, count(*) AS entries FROM chat_calls GROUP BY provider, model
         UNION ALL
         SELECT 'embedding' AS kind, provider, model, count(*) AS entries FROM embeddings GROUP BY provider, model
         ORDER BY kind, provider, model`,
      )
      .all()) as CacheStat[];
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

function migrate(db: Database.Database, path: string): void {
  const identity = identify(db);
  checkIsOurs(path, 'model-call cache', identity, MIGRATIONS.length, 'chat_calls');
  const { version } = identity;
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
  // Secrets scrubbed: a recording is committed and shared, and an answer echoing a key is replayed scrubbed.
  const result = { text: r.text, toolCalls: r.toolCalls, usage: r.usage, finishReason: r.finishReason, latencyMs: r.latencyMs, costUsd: r.costUsd, attempts: r.attempts };
  return { key: entry.key, provider: entry.provider, model: entry.model, request: scrubJson(canonicalJson(entry.request)), result: scrubJson(canonicalJson(result)) };
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
