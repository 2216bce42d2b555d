import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../providers/types.ts';
import { listSessions, openSession, SessionError } from './session.ts';

const AT = new Date('2026-01-05T09:00:00Z');
const now = () => AT;
const TURN_1: Message[] = [
  { role: 'user', content: 'My cat is called Miso' },
  { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'memory_write', arguments: { text: 'cat: Miso' } }] },
  { role: 'tool', toolCallId: 'call_1', name: 'memory_write', content: 'Saved.' },
  { role: 'assistant', content: 'Noted.' },
];
const TURN_2: Message[] = [
  { role: 'user', content: 'Thanks' },
  { role: 'assistant', content: 'You are welcome.' },
];

let home: string;
beforeEach(async () => {
  home = await fs.mkdtemp(join(tmpdir(), 'lunar-sessions-'));
});
afterEach(() => fs.rm(home, { recursive: true, force: true }));

const file = (id: string) => join(home, 'sessions', `${id}.jsonl`);
const HEADER = '{"type":"session","v":1,"id":"chat-1","created":"2026-01-05T09:00:00.000Z"}\n';
const turnLine = (messages: Message[]) => `${JSON.stringify({ type: 'turn', at: AT.toISOString(), messages })}\n`;

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SessionError);
    return (error as Error).message;
  }
  throw new Error('expected a SessionError');
}

describe('sessions', () => {
  it('writes one line per turn and resumes by id with every message in order', async () => {
    const session = await openSession(home, 'chat-1', { now });
    await session.appendTurn(TURN_1);
    await session.appendTurn(TURN_2);
    expect(await fs.readFile(file('chat-1'), 'utf8')).toBe(HEADER + turnLine(TURN_1) + turnLine(TURN_2));

    const resumed = await openSession(home, 'chat-1', { mustExist: true });
    expect(resumed.messages()).toEqual([...TURN_1, ...TURN_2]);
    expect(resumed.turns()).toBe(2);
    expect(resumed.warnings).toEqual([]);
  });

  it('loads a transcript whose last line was torn by a crash with that line skipped and a warning, and cuts it off on the next write', async () => {
    const torn = turnLine(TURN_2).slice(0, 40);
    await fs.mkdir(join(home, 'sessions'));
    await fs.writeFile(file('chat-1'), HEADER + turnLine(TURN_1) + torn);
    const session = await openSession(home, 'chat-1', { now });
    expect(session.messages()).toEqual(TURN_1);
    expect(session.warnings).toHaveLength(1);
    expect(session.warnings[0]).toMatch(new RegExp(`^${file('chat-1')}:3: skipped the last line, cut short \\(probably by a crash\\): not JSON`));

    await session.appendTurn(TURN_2);
    expect(await fs.readFile(file('chat-1'), 'utf8')).toBe(HEADER + turnLine(TURN_1) + turnLine(TURN_2));
    const again = await openSession(home, 'chat-1');
    expect(again.warnings).toEqual([]);
    expect(again.messages()).toEqual([...TURN_1, ...TURN_2]);
  });

  it('treats a last line that is JSON but not a whole turn as torn too, and a torn header as an empty session', async () => {
    await fs.mkdir(join(home, 'sessions'));
    await fs.writeFile(file('chat-1'), HEADER + '{"type":"turn","at":"2026-01-05T09:00:00.000Z"}');
    const cut = await openSession(home, 'chat-1');
    expect(cut.messages()).toEqual([]);
    expect(cut.warnings[0]).toMatch(/:2: skipped the last line, cut short \(probably by a crash\): messages: /);

    await fs.writeFile(file('chat-2'), HEADER.slice(0, 20));
    const headless = await openSession(home, 'chat-2', { now });
    expect(headless.warnings[0]).toMatch(/:1: skipped the last line/);
    await headless.appendTurn(TURN_2);
    expect(await fs.readFile(file('chat-2'), 'utf8')).toBe(HEADER.replace('chat-1', 'chat-2') + turnLine(TURN_2));
  });

  it('refuses a transcript damaged before its last line, naming file and line', async () => {
    await fs.mkdir(join(home, 'sessions'));
    await fs.writeFile(file('chat-1'), HEADER + 'oops\n' + turnLine(TURN_1));
    expect(await failure(openSession(home, 'chat-1'))).toMatch(new RegExp(`^${file('chat-1')}:2: not a transcript line: not JSON .*; the file is damaged`));
    await fs.writeFile(file('chat-2'), turnLine(TURN_1) + turnLine(TURN_2));
    expect(await failure(openSession(home, 'chat-2'))).toBe(`${file('chat-2')}:1: the first line must name the session ({"type":"session",...})`);
  });

  it('starts a line of its own after a last line saved without its newline', async () => {
    await fs.mkdir(join(home, 'sessions'));
    await fs.writeFile(file('chat-1'), HEADER + turnLine(TURN_1).trimEnd());
    const session = await openSession(home, 'chat-1', { now });
    expect(session.warnings).toEqual([]);
    await session.appendTurn(TURN_2);
    expect(await fs.readFile(file('chat-1'), 'utf8')).toBe(HEADER + turnLine(TURN_1) + turnLine(TURN_2));
  });

  it('keeps the latest compaction, across a resume', async () => {
    const session = await openSession(home, 'chat-1', { now });
    await session.appendTurn(TURN_1);
    await session.appendCompaction({ from: 4, method: 'summary', summary: 'The cat is Miso.' });
    expect(session.compaction()).toEqual({ from: 4, method: 'summary', summary: 'The cat is Miso.' });
    expect((await openSession(home, 'chat-1')).compaction()).toEqual({ from: 4, method: 'summary', summary: 'The cat is Miso.' });
  });

  it('refuses an id that could name a path, and a missing session when resuming', async () => {
    expect(await failure(openSession(home, '../escape'))).toMatch(/^session id "..\/escape": use 1 to 128 letters/);
    expect(await failure(openSession(home, '.hidden'))).toMatch(/^session id ".hidden"/);
    expect(await failure(openSession(home, 'nope', { mustExist: true }))).toBe(`no session "nope": ${file('nope')} does not exist`);
  });

  it('makes a new id from the clock when none is given, and lists sessions newest first', async () => {
    const a = await openSession(home, undefined, { now });
    expect(a.id).toMatch(/^20260105-090000-[0-9a-f]{6}$/);
    const b = await openSession(home, 'chat-b');
    await fs.utimes(file(a.id), new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
    await fs.writeFile(join(home, 'sessions', 'notes.txt'), 'not a transcript');
    const listed = await listSessions(home);
    expect(listed.map((s) => s.id)).toEqual([b.id, a.id]);
    expect(listed[1]).toMatchObject({ path: file(a.id), updatedAt: '2026-01-01T00:00:00.000Z', bytes: (await fs.stat(file(a.id))).size });
    expect(await listSessions(join(home, 'nowhere'))).toEqual([]);
  });
});

describe('sessions opened at once', () => {
  it('gives two openers of a new id the same transcript: one starts it, the other resumes it', async () => {
    const [a, b] = await Promise.all([openSession(home, 'chat-1', { now }), openSession(home, 'chat-1', { now })]);
    await a.appendTurn(TURN_2);
    expect(await fs.readFile(file('chat-1'), 'utf8')).toBe(HEADER + turnLine(TURN_2));
    expect([a.path, b.path]).toEqual([file('chat-1'), file('chat-1')]);
  });
});
