// The seam between a channel and wherever its conversations are kept. A channel names each
// conversation by its own key (a Telegram chat id, an HTTP session name); the store decides where
// the turns live. InMemoryChatSessions keeps them for the life of the process; MemoryChatSessions
// (memory-sessions.ts) keeps them in agent/memory's transcripts under <home>/sessions/, with
// long-term memory behind them.

import type { Message } from '../providers/types.ts';

export interface ChatSession {
  /** Names this session in the store (a new one after each reset). */
  id: string;
  /** The conversation so far, system prompt excluded (the agent adds it each turn). */
  messages: Message[];
}

export interface ChatSessions {
  /** The key's current session; a new, empty one when it has none. */
  load(key: string): Promise<ChatSession>;
  /** Adds one turn's new messages (the user's message through the final answer) to the key's current session. */
  append(key: string, messages: readonly Message[]): Promise<void>;
  /** Ends the key's current session; later turns go to the new, empty session returned. */
  reset(key: string): Promise<ChatSession>;
  /**
   * What long-term memory holds that this conversation can reach, as text for a person (the
   * Telegram /memory command). Absent when the store has no long-term memory.
   */
  memory?(key: string): Promise<string>;
  /** Releases what the store holds open (memory indexes); the owner calls it once, when done. */
  close?(): void;
}

export class InMemoryChatSessions implements ChatSessions {
  private readonly current = new Map<string, ChatSession>();
  /** Sessions started per key, so ids stay distinct across resets: `<key>.1`, `<key>.2`, ... */
  private readonly started = new Map<string, number>();

  async load(key: string): Promise<ChatSession> {
    const session = this.current.get(key) ?? this.start(key);
    return { id: session.id, messages: [...session.messages] };
  }

  async append(key: string, messages: readonly Message[]): Promise<void> {
    const session = this.current.get(key) ?? this.start(key);
    session.messages.push(...messages);
  }

  async reset(key: string): Promise<ChatSession> {
    const session = this.start(key);
    return { id: session.id, messages: [] };
  }

  private start(key: string): ChatSession {
    const n = (this.started.get(key) ?? 0) + 1;
    this.started.set(key, n);
    const session: ChatSession = { id: `${key}.${n}`, messages: [] };
    this.current.set(key, session);
    return session;
  }
}
