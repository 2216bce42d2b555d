// The ChatSessions seam over agent/memory: each conversation a JSONL transcript under
// `<home>/sessions/` (openSession), and a long-term memory root (MemoryStore) behind it.
//
// Session ids. A conversation's first session is its key itself (`telegram-<chatId>`,
// `http-<name>`); each /reset after something was said starts the next one, `<key>.2`, `<key>.3`,
// ... and creates its file at once. The current session of a key is its highest-numbered transcript, so a restarted bot or
// server resumes where each conversation was, with no other state to keep. A key therefore never
// holds a "." (it would read as a session number): the HTTP server's session names leave it out.
//
// Memory roots. Where a conversation's MEMORY.md and memory/ live is the caller's choice
// (`memoryRoot`); by default each conversation has its own, `<home>/memory/<key>/`, so one
// person's notes never surface in another's chat. A /reset keeps the root: the conversation
// forgets, the memory stays. Conversations that share a root share one MemoryStore (its writes
// and re-indexing go one at a time).

import { join } from 'node:path';
import { listSessions, MemoryStore, openSession, SessionError, type MemoryStoreOptions, type Session } from '../memory/index.ts';
import type { Message } from '../providers/types.ts';
import { memoryView } from './memory-view.ts';
import type { ChatSession, ChatSessions } from './sessions.ts';

/** 120 leaves room for ".<n>" within openSession's 128 characters. */
const KEY = /^[A-Za-z0-9][A-Za-z0-9_-]{0,119}$/;

export interface MemoryChatSessionsOptions {
  /** The Lunar home: transcripts go to `<home>/sessions/`. */
  home: string;
  /** The memory root of a conversation (default `<home>/memory/<key>`). */
  memoryRoot?: (key: string) => string;
  /** The clock of transcripts, memory notes and /memory's "today" (default: now). */
  now?: () => Date;
  memory?: MemoryStoreOptions;
  /** Told what loading a transcript had to skip (a line torn by a crash). */
  log?: (line: string) => void;
}

export class MemoryChatSessions implements ChatSessions {
  readonly home: string;
  readonly now: () => Date;
  private readonly rootOf: (key: string) => string;
  private readonly current = new Map<string, Promise<Session>>();
  private readonly stores = new Map<string, MemoryStore>();

  constructor(private readonly options: MemoryChatSessionsOptions) {
    this.home = options.home;
    this.now = options.now ?? (() => new Date());
    this.rootOf = options.memoryRoot ?? ((key) => join(options.home, 'memory', key));
  }

  /** The key's current session (agent/memory's), opened once and kept. */
  session(key: string): Promise<Session> {
    checkKey(key);
    let session = this.current.get(key);
    if (!session) {
      session = this.resume(key);
      this.current.set(key, session);
      // A failed open (a damaged transcript) is not kept: the next message tries again.
      session.catch(() => this.current.get(key) === session && this.current.delete(key));
    }
    return session;
  }

  /** The memory store of the key's conversation. */
  memoryStore(key: string): MemoryStore {
    checkKey(key);
    const root = this.rootOf(key);
    let store = this.stores.get(root);
    if (!store) {
      store = new MemoryStore(root, this.options.memory);
      this.stores.set(root, store);
    }
    return store;
  }

  async load(key: string): Promise<ChatSession> {
    const session = await this.session(key);
    return { id: session.id, messages: session.messages() };
  }

  async append(key: string, messages: readonly Message[]): Promise<void> {
    await (await this.session(key)).appendTurn(messages);
  }

  async reset(key: string): Promise<ChatSession> {
    const previous = await this.session(key);
    // Nothing said yet: the session is as new as the next would be, and no empty file is left behind.
    if (previous.turns() === 0 && previous.compaction() === undefined) return { id: previous.id, messages: [] };
    const next = this.open(sessionId(key, generationOf(key, previous.id) + 1));
    this.current.set(key, next);
    const session = await next;
    return { id: session.id, messages: [] };
  }

  memory(key: string): Promise<string> {
    return memoryView(this.memoryStore(key).root, this.now());
  }

  close(): void {
    for (const store of this.stores.values()) store.close();
    this.stores.clear();
  }

  /** The highest-numbered transcript of the key, or its first session when it has none. */
  private async resume(key: string): Promise<Session> {
    let latest = 1;
    for (const { id } of await listSessions(this.home)) {
      const generation = generationOf(key, id);
      if (generation > latest) latest = generation;
    }
    return this.open(sessionId(key, latest));
  }

  private async open(id: string): Promise<Session> {
    const session = await openSession(this.home, id, { now: this.now });
    for (const warning of session.warnings) this.options.log?.(`sessions: ${warning}`);
    return session;
  }
}

function checkKey(key: string): void {
  if (!KEY.test(key)) throw new SessionError(`conversation "${key}": a key is 1 to 120 letters, digits, "-" or "_", starting with a letter or digit`);
}

export function sessionId(key: string, generation: number): string {
  return generation === 1 ? key : `${key}.${generation}`;
}

/** Which session of `key` the id is (1 for the key itself), or 0 when it is another key's. */
export function generationOf(key: string, id: string): number {
  if (id === key) return 1;
  if (!id.startsWith(`${key}.`)) return 0;
  const rest = id.slice(key.length + 1);
  return /^[1-9]\d{0,8}$/.test(rest) ? Number(rest) : 0;
}
