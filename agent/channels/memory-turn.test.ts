import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScriptedModel } from '../providers/scripted.ts';
import { builtinRegistry } from '../tools/builtin.ts';
import { MemoryChatSessions } from './memory-sessions.ts';
import { memoryTurnRunner, withMemoryTools, withoutMemoryTools } from './memory-turn.ts';

const NOW = new Date('2026-01-05T09:00:00.000Z');
let home: string;
let store: MemoryChatSessions;
beforeEach(async () => {
  home = await fs.mkdtemp(join(tmpdir(), 'lunar-memory-turn-'));
  store = new MemoryChatSessions({ home, now: () => NOW });
});
afterEach(async () => {
  store.close();
  await fs.rm(home, { recursive: true, force: true });
});

const tools = withMemoryTools(builtinRegistry());
const turnTypes = async (id: string) => (await fs.readFile(join(home, 'sessions', `${id}.jsonl`), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).type);

describe('memoryTurnRunner', () => {
  it("runs the turn on the chat's session with the memory tools on the chat's memory, and saves it", async () => {
    const model = new ScriptedModel([{ tool_calls: [{ name: 'memory_write', arguments: { text: 'The cat is called Miso.' } }] }, { text: 'Noted.' }]);
    const run = memoryTurnRunner(store);
    const result = await run({ sessions: store, key: 'telegram-11', text: 'My cat is Miso.', agent: { model, tools, workspaceRoot: '.', system: 'Remember.' } });
    expect(result).toMatchObject({ sessionId: 'telegram-11', saved: true, trace: { stopReason: 'final', finalAnswer: 'Noted.' } });
    expect(result.trace.memory).toEqual([{ op: 'write', at: '2026-01-05T09:00:00.000Z', path: 'memory/2026-01-05.md', text: 'The cat is called Miso.', lines: [4, 4] }]);
    expect(await fs.readFile(join(home, 'memory', 'telegram-11', 'memory', '2026-01-05.md'), 'utf8')).toBe('# 2026-01-05\n\n## 09:00\nThe cat is called Miso.\n');
    expect(await turnTypes('telegram-11')).toEqual(['session', 'turn']);
    // The transcript holds the turn without the system prompt: user, the tool call, its result, the answer.
    expect((await store.load('telegram-11')).messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
  });

  it('does not save a turn the model failed, so a retry does not follow an unanswered message', async () => {
    const run = memoryTurnRunner(store);
    const result = await run({ sessions: store, key: 'telegram-11', text: 'hello', agent: { model: new ScriptedModel([]), tools, workspaceRoot: '.' } });
    expect(result).toMatchObject({ saved: false, trace: { stopReason: 'error' } });
    expect(await turnTypes('telegram-11')).toEqual(['session']);
    expect((await store.load('telegram-11')).messages).toEqual([]);
  });
});

describe('the memory tools of a channel', () => {
  it('are added to the tools once, after the others, and taken out for a run with no conversation', () => {
    expect(tools.names()).toEqual(['read_file', 'list_files', 'calculator', 'current_time', 'memory_write', 'memory_search', 'memory_get']);
    expect(withMemoryTools(tools).names()).toEqual(tools.names());
    expect(withoutMemoryTools(tools).names()).toEqual(['read_file', 'list_files', 'calculator', 'current_time']);
  });
});
