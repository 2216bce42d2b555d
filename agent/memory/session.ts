// Sessions: one append-only JSONL transcript per conversation, `<home>/sessions/<id>.jsonl`. The
// first line names the session; then one line per turn (the messages the turn added: the user's,
// the assistant's, tool results) written when the turn ends, and one line per context compaction
// (context.ts) so a resumed session keeps its summary instead of asking the model again.
//
//   {"type":"session","v":1,"id":"20260105-090000-a1b2c3","created":"2026-01-05T09:00:00.000Z"}
//   {"type":"turn","at":"…","messages":[{"role":"user","content":"My cat is called Miso"},…]}
//   {"type":"compaction","at":"…","from":12,"method":"summary","summary":"…"}
//
// Crashes. A line is written with one append and flushed to disk before the turn counts as saved;
// a crash can still leave the last line torn. Loading skips a last line that does not parse and
// says so in `warnings` (returned, never printed: the caller decides where warnings go); the next
// append cuts the torn bytes off first, so the file is whole again. A bad line anywhere else is
// not a crash but a damaged file: SessionError names the file and line.

import { scrubJson } from '../../core/secrets.ts';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Message } from '../providers/types.ts';
import { Message as MessageRecord } from '../trace.ts';
import { Serial } from './serial.ts';

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const HeaderLine = z.object({ type: z.literal('session'), v: z.literal(1), id: z.string(), created: z.string() }).strict();
const TurnLine = z.object({ type: z.literal('turn'), at: z.string(), messages: z.array(MessageRecord).min(1) }).strict();
const CompactionLine = z
  .object({
    type: z.literal('compaction'),
    at: z.string(),
    /** Messages before this index (in the whole transcript) are summarised or dropped in prompts. */
    from: z.number().int().nonnegative(),
    method: z.enum(['summary', 'drop']),
    /** What stands in for messages[0..from) in prompts; absent when they were dropped. */
    summary: z.string().optional(),
  })
  .strict();
const Line = z.discriminatedUnion('type', [HeaderLine, TurnLine, CompactionLine]);

/** Where a conversation's prompt starts: the summary of what came before `from`, if any. */
export type CompactionState = Omit<z.infer<typeof CompactionLine>, 'type' | 'at'>;

export class SessionError extends Error {
  override name = 'SessionError';
}

export interface Session {
  readonly id: string;
  readonly path: string;
  /** What loading had to skip (a torn last line), one sentence each. */
  readonly warnings: readonly string[];
  /** Every message of every turn, in order. */
  messages(): Message[];
  /** Turns saved so far. */
  turns(): number;
  /** The latest compaction, if the conversation has outgrown its budget before. */
  compaction(): CompactionState | undefined;
  /** Saves one turn: the messages it added, in order. Resolves once they are on disk. */
  appendTurn(messages: readonly Message[]): Promise<void>;
  appendCompaction(state: CompactionState): Promise<void>;
}

export interface OpenSessionOptions {
  /** Refuse an id with no transcript (resuming), rather than start one under that id. */
  mustExist?: boolean;
  /** Clock for the times written (default: now). */
  now?: () => Date;
}

export interface SessionInfo {
  id: string;
  path: string;
  /** Last write (ISO). */
  updatedAt: string;
  bytes: number;
}

export function sessionsDir(home: string): string {
  return join(home, 'sessions');
}

/**
 * Opens the session `id` under `home` (resuming its transcript), or starts one: under `id` when
 * given and unused, else under a new id. Throws SessionError for a bad id, a missing transcript
 * with `mustExist`, or a damaged one.
 */
export async function openSession(home: string, id?: string, options: OpenSessionOptions = {}): Promise<Session> {
  const now = options.now ?? (() => new Date());
  if (id !== undefined && !ID.test(id)) {
    throw new SessionError(`session id "${id}": use 1 to 128 letters, digits, ".", "_" or "-", not starting with "." or "-"`);
  }
  const sessionId = id ?? newSessionId(now());
  const path = join(sessionsDir(home), `${sessionId}.jsonl`);
  const text = await fs.readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) {
    if (options.mustExist) throw new SessionError(`no session "${sessionId}": ${path} does not exist`);
    await fs.mkdir(sessionsDir(home), { recursive: true });
    const header = JSON.stringify({ type: 'session', v: 1, id: sessionId, created: now().toISOString() });
    try {
      await fs.writeFile(path, `${header}\n`, { flag: 'wx' });
    } catch (error) {
      // Started meanwhile under the same id (two messages of a new chat at once): resume it instead.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return openSession(home, sessionId, options);
      throw error;
    }
    return new FileSession(sessionId, path, { messages: [], turns: 0, compaction: undefined, warnings: [], goodBytes: Buffer.byteLength(header) + 1, torn: false, missingNewline: false, hasHeader: true }, now);
  }
  return new FileSession(sessionId, path, parseTranscript(path, text), now);
}

/** The sessions under `home`, most recently written first. */
export async function listSessions(home: string): Promise<SessionInfo[]> {
  let names: string[];
  try {
    names = await fs.readdir(sessionsDir(home));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const infos: SessionInfo[] = [];
  for (const name of names) {
    const id = name.replace(/\.jsonl$/, '');
    if (id === name || !ID.test(id)) continue;
    const path = join(sessionsDir(home), name);
    const stat = await fs.stat(path);
    infos.push({ id, path, updatedAt: stat.mtime.toISOString(), bytes: stat.size });
  }
  return infos.sort((a, b) => (a.updatedAt === b.updatedAt ? (a.id < b.id ? -1 : 1) : a.updatedAt < b.updatedAt ? 1 : -1));
}

export function newSessionId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

interface Loaded {
  messages: Message[];
  turns: number;
  compaction: CompactionState | undefined;
  warnings: string[];
  /** Bytes of the file up to the end of its last good line: where the next append goes. */
  goodBytes: number;
  /** Bytes after goodBytes are a torn line, to cut off before the next append. */
  torn: boolean;
  /** The last good line was saved without its newline: the next append starts a line of its own. */
  missingNewline: boolean;
  /** False when even the first line was torn: the next append writes it again. */
  hasHeader: boolean;
}

function parseTranscript(path: string, text: string): Loaded {
  const loaded: Loaded = { messages: [], turns: 0, compaction: undefined, warnings: [], goodBytes: 0, torn: false, missingNewline: false, hasHeader: false };
  const lines = text.split('\n');
  // The text after the last "\n": empty when the file ends with a newline, else an unfinished line.
  const lastIndex = lines[lines.length - 1] === '' ? lines.length - 2 : lines.length - 1;
  let offset = 0;
  for (let i = 0; i <= lastIndex; i++) {
    const raw = lines[i]!;
    const bytes = Buffer.byteLength(raw) + (i < lines.length - 1 ? 1 : 0);
    const line = parseLine(raw);
    if (!line.ok) {
      if (i === lastIndex) {
        loaded.torn = true;
        loaded.warnings.push(`${path}:${i + 1}: skipped the last line, cut short (probably by a crash): ${line.problem}; it is removed on the next write`);
        break;
      }
      throw new SessionError(`${path}:${i + 1}: not a transcript line: ${line.problem}; the file is damaged (edited, or not a Lunar transcript)`);
    }
    if (i === 0 && line.value.type !== 'session') throw new SessionError(`${path}:1: the first line must name the session ({"type":"session",...})`);
    if (line.value.type === 'session') loaded.hasHeader = true;
    if (line.value.type === 'turn') {
      loaded.messages.push(...(line.value.messages as Message[]));
      loaded.turns++;
    } else if (line.value.type === 'compaction') {
      const { type: _type, at: _at, ...state } = line.value;
      loaded.compaction = state;
    }
    offset += bytes;
    loaded.goodBytes = offset;
  }
  loaded.missingNewline = !loaded.torn && text !== '' && !text.endsWith('\n');
  return loaded;
}

function parseLine(raw: string): { ok: true; value: z.infer<typeof Line> } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return { ok: false, problem: `not JSON (${(error as Error).message})` };
  }
  const parsed = Line.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { ok: false, problem: `${issue.path.join('.') || '(line)'}: ${issue.message}` };
}

class FileSession implements Session {
  private readonly serial = new Serial();
  private readonly history: Message[];
  private turnCount: number;
  private latest: CompactionState | undefined;
  private readonly goodBytes: number;
  private torn: boolean;
  private missingNewline: boolean;
  private hasHeader: boolean;
  readonly warnings: readonly string[];

  constructor(
    readonly id: string,
    readonly path: string,
    loaded: Loaded,
    private readonly now: () => Date,
  ) {
    this.history = loaded.messages;
    this.turnCount = loaded.turns;
    this.latest = loaded.compaction;
    this.goodBytes = loaded.goodBytes;
    this.torn = loaded.torn;
    this.missingNewline = loaded.missingNewline;
    this.hasHeader = loaded.hasHeader;
    this.warnings = loaded.warnings;
  }

  messages(): Message[] {
    return [...this.history];
  }

  turns(): number {
    return this.turnCount;
  }

  compaction(): CompactionState | undefined {
    return this.latest && { ...this.latest };
  }

  appendTurn(messages: readonly Message[]): Promise<void> {
    const line = TurnLine.parse({ type: 'turn', at: this.now().toISOString(), messages });
    return this.serial.run(async () => {
      await this.append(JSON.stringify(line));
      this.history.push(...(line.messages as Message[]));
      this.turnCount++;
    });
  }

  appendCompaction(state: CompactionState): Promise<void> {
    const line = CompactionLine.parse({ type: 'compaction', at: this.now().toISOString(), ...state });
    return this.serial.run(async () => {
      await this.append(JSON.stringify(line));
      const { type: _type, at: _at, ...saved } = line;
      this.latest = saved;
    });
  }

  /** One append of one line, flushed to disk; a torn tail from a crash is cut off first. */
  private async append(json: string): Promise<void> {
    if (this.torn) {
      await fs.truncate(this.path, this.goodBytes);
      this.torn = false;
    }
    const header = this.hasHeader ? '' : `${JSON.stringify({ type: 'session', v: 1, id: this.id, created: this.now().toISOString() })}\n`;
    const handle = await fs.open(this.path, 'a');
    try {
      // A key the model echoed never reaches the transcript (core/secrets.ts).
      await handle.appendFile(`${this.missingNewline ? '\n' : ''}${header}${scrubJson(json)}\n`);
      await handle.datasync();
      this.missingNewline = false;
      this.hasHeader = true;
    } finally {
      await handle.close();
    }
  }
}
