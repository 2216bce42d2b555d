import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionError } from '../memory/index.ts';
import { generationOf, MemoryChatSessions, sessionId } from './memory-sessions.ts';

const NOW = new Date('2026-01-05T09:00:00.000Z');
let home: string;
const opened: MemoryChatSessions[] = [];
beforeEach(async () => {
  home = await fs.mkdtemp(join(tmpdir(), 'lunar-chat-sessions-'));
});
afterEach(async () => {
  for (const store of opened.splice(0)) store.close();
  await fs.rm(home, { recursive: true, force: true });
});

function store(options: Partial<ConstructorParameters<typeof MemoryChatSessions>[0]> = {}): MemoryChatSessions {
  const made = new MemoryChatSessions({ home, now: () => NOW, ...options });
  opened.push(made);
  return made;
}

const lines = async (file: string) => (await fs.readFile(join(home, 'sessions', file), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));

describe('MemoryChatSessions', () => {
  it("keeps a conversation in <home>/sessions/<key>.jsonl, and a new store on the same home resumes it", async () => {
    const first = store();
    expect(await first.load('telegram-11')).toEqual({ id: 'telegram-11', messages: [] });
    await first.append('telegram-11', [
      { role: 'user', content: 'My name is Ada.' },
      { role: 'assistant', content: 'Hello, Ada.' },
    ]);
    expect((await lines('telegram-11.jsonl')).map((l) => l.type)).toEqual(['session', 'turn']);
    const restarted = store();
    expect(await restarted.load('telegram-11')).toEqual({
      id: 'telegram-11',
      messages: [
        { role: 'user', content: 'My name is Ada.' },
        { role: 'assistant', content: 'Hello, Ada.' },
      ],
    });
  });

  it('starts <key>.2, <key>.3 on each reset, with its file at once, and a restart resumes the latest', async () => {
    const first = store();
    await first.append('telegram-11', [{ role: 'user', content: 'one' }]);
    expect(await first.reset('telegram-11')).toEqual({ id: 'telegram-11.2', messages: [] });
    await first.append('telegram-11', [{ role: 'user', content: 'two' }]);
    expect(await first.reset('telegram-11')).toEqual({ id: 'telegram-11.3', messages: [] });
    // A reset with nothing said since keeps the empty session: no file for a session that never was.
    expect(await first.reset('telegram-11')).toEqual({ id: 'telegram-11.3', messages: [] });
    await first.append('telegram-11', [{ role: 'user', content: 'three' }]);
    expect((await fs.readdir(join(home, 'sessions'))).sort()).toEqual(['telegram-11.2.jsonl', 'telegram-11.3.jsonl', 'telegram-11.jsonl']);
    // Another chat whose id starts with the same digits is another conversation.
    expect(await store().load('telegram-1')).toEqual({ id: 'telegram-1', messages: [] });
    expect(await store().load('telegram-11')).toEqual({ id: 'telegram-11.3', messages: [{ role: 'user', content: 'three' }] });
  });

  it('refuses a key with a "." or a space, which would not name one conversation', async () => {
    for (const key of ['http-a.2', 'has space', '']) {
      expect(() => store().session(key)).toThrow(SessionError);
    }
    expect(() => store().session('http-a.2')).toThrow('conversation "http-a.2": a key is 1 to 120 letters, digits, "-" or "_", starting with a letter or digit');
  });

  it('gives each conversation its own memory root by default, and one store to conversations sharing a root', () => {
    const perChat = store();
    expect(perChat.memoryStore('telegram-11').root).toBe(join(home, 'memory', 'telegram-11'));
    expect(perChat.memoryStore('telegram-12').root).toBe(join(home, 'memory', 'telegram-12'));
    const shared = store({ memoryRoot: () => join(home, 'memory', 'http') });
    expect(shared.memoryStore('http-a')).toBe(shared.memoryStore('http-b'));
  });

  it('logs what loading a transcript skipped: a last line torn by a crash', async () => {
    await store().append('telegram-11', [{ role: 'user', content: 'kept' }]);
    await fs.appendFile(join(home, 'sessions', 'telegram-11.jsonl'), '{"type":"turn","at":"2026-01-05T09:0');
    const logs: string[] = [];
    expect((await store({ log: (l) => logs.push(l) }).load('telegram-11')).messages).toEqual([{ role: 'user', content: 'kept' }]);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^sessions: .*telegram-11\.jsonl:3: skipped the last line, cut short \(probably by a crash\)/);
  });

  it("shows what the conversation's memory holds (empty: nothing)", async () => {
    const chats = store();
    expect(await chats.memory('telegram-11')).toBe('');
    await chats.memoryStore('telegram-11').write('The cat is called Miso.', 'daily', NOW);
    expect(await chats.memory('telegram-11')).toBe('MEMORY.md:\n(empty)\n\nmemory/2026-01-05.md (today):\n# 2026-01-05\n\n## 09:00\nThe cat is called Miso.');
    expect(await chats.memory('telegram-12')).toBe('');
  });
});

describe('session ids of a conversation', () => {
  it('are the key, then <key>.<n>; another key, a zero, a leading zero or a word is no generation', () => {
    expect([sessionId('telegram-11', 1), sessionId('telegram-11', 2)]).toEqual(['telegram-11', 'telegram-11.2']);
    expect(['telegram-11', 'telegram-11.2', 'telegram-11.17', 'telegram-1', 'telegram-111', 'telegram-11.0', 'telegram-11.02', 'telegram-11.x', 'telegram-11.2.3'].map((id) => generationOf('telegram-11', id))).toEqual([
      1, 2, 17, 0, 0, 0, 0, 0, 0,
    ]);
  });
});
