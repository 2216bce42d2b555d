import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BaselineModel } from '../baseline/model.ts';
import { ScriptedModel } from '../providers/scripted.ts';
import { ToolRegistry } from '../tools/tool.ts';
import { Trace } from '../trace.ts';
import { runSessions } from './run-sessions.ts';
import { listSessions } from './session.ts';
import { memoryToolDeclarations } from './tools.ts';

const tools = new ToolRegistry(memoryToolDeclarations());
const SYSTEM = 'You remember things.';

let home: string;
beforeEach(async () => {
  home = await fs.mkdtemp(join(tmpdir(), 'lunar-run-sessions-'));
});
afterEach(() => fs.rm(home, { recursive: true, force: true }));

function script() {
  return new ScriptedModel([
    { tool_calls: [{ name: 'memory_write', arguments: { text: 'The cat is called Miso.' } }] },
    { text: 'Noted.' },
    { text: 'Hello again.' },
    { tool_calls: [{ name: 'memory_search', arguments: { query: 'cat' } }] },
    { text: 'Your cat is called Miso.' },
  ]);
}

describe('runSessions', () => {
  it('runs each session as a fresh conversation over one memory and returns one Trace for the case', async () => {
    const trace = await runSessions({
      sessions: [['My cat is called Miso.'], ['Hi!', "What's my cat called?"]],
      model: script(),
      tools,
      system: SYSTEM,
      workspaceRoot: home,
      home,
    });
    expect(Trace.parse(trace)).toEqual(trace);
    expect(trace.messages.map((m) => `${m.role}:${m.content}`)).toEqual([
      `system:${SYSTEM}`,
      'user:My cat is called Miso.',
      'assistant:',
      'tool:Saved to memory/2026-01-05.md (lines 4-4).',
      'assistant:Noted.',
      `system:${SYSTEM}`,
      'user:Hi!',
      'assistant:Hello again.',
      "user:What's my cat called?",
      'assistant:',
      'tool:[memory/2026-01-05.md:4-4]\n2026-01-05 > 09:00\n\nThe cat is called Miso.',
      'assistant:Your cat is called Miso.',
    ]);
    expect(trace.sessions).toEqual([
      { id: 'session-1', firstMessage: 0, turns: 1 },
      { id: 'session-2', firstMessage: 5, turns: 2 },
    ]);
    // Steps numbered on across turns: 1-2 in session 1, 3 for "Hi!", 4-5 for the question.
    expect(trace.modelCalls.map((c) => c.step)).toEqual([1, 2, 3, 4, 5]);
    expect(trace.toolCalls.map((c) => [c.step, c.name])).toEqual([[1, 'memory_write'], [4, 'memory_search']]);
    // Session 2 is a day later; its second turn a minute after its first.
    expect(trace.memory).toEqual([
      { op: 'write', at: '2026-01-05T09:00:00.000Z', session: 1, path: 'memory/2026-01-05.md', text: 'The cat is called Miso.', lines: [4, 4] },
      { op: 'search', at: '2026-01-06T09:01:00.000Z', session: 2, query: 'cat', hits: ['memory/2026-01-05.md:4-4'], reindexed: { added: 1, updated: 0, removed: 0, unchanged: 0 } },
    ]);
    expect(trace.retrieved.map((r) => r.id)).toEqual(['memory/2026-01-05.md#0']);
    expect(trace).toMatchObject({ finalAnswer: 'Your cat is called Miso.', stopReason: 'final', compactions: [], target: 'scripted' });
    expect(trace.error).toBeUndefined();
    // The transcripts stay in the given home, one per session.
    expect((await listSessions(home)).map((s) => s.id).sort()).toEqual(['session-1', 'session-2']);
  });

  it('ends the case at a turn that fails, naming the session and turn, with no final answer', async () => {
    const model = new ScriptedModel([{ text: 'Noted.' }]);
    const trace = await runSessions({ sessions: [['One.'], ['Two.', 'Three.']], model, tools, workspaceRoot: home, home });
    expect(trace.stopReason).toBe('error');
    expect(trace.error).toBe('session 2, turn 1: scripted: the script has 1 step(s); step 2 was asked for');
    expect(trace.finalAnswer).toBeNull();
    expect(trace.sessions).toEqual([
      { id: 'session-1', firstMessage: 0, turns: 1 },
      { id: 'session-2', firstMessage: 2, turns: 1 },
    ]);
  });

  it('records a compaction with its session and the index of the user message it made room for', async () => {
    // With no tools the baseline answers "I cannot answer that: …" (19 tokens, 23 as a message) to each message.
    // Session 2's prompts: "third hello" 6 + 23 + 6 = 35 ≤ 40; "fourth hello" 6 + 23 + 6 + 23 + 7 = 65 > 40, and
    // dropping the first turn leaves 6 + 23 + 7 = 36. Session 1 is another conversation: it never counts.
    const trace = await runSessions({
      sessions: [['first hello'], ['second hello', 'third hello', 'fourth hello']],
      model: new BaselineModel(),
      tools: new ToolRegistry(),
      workspaceRoot: home,
      home,
      context: { maxTokens: 40 },
    });
    expect(trace.compactions?.map((c) => [c.session, c.messageIndex, c.method, c.droppedMessages])).toEqual([[2, 6, 'drop', 2]]);
    expect(trace.compactions?.[0]).toMatchObject({ tokensBefore: 65, tokensAfter: 36, budget: 40, summaryTokens: 0 });
    expect(trace.messages[6]).toEqual({ role: 'user', content: 'fourth hello' });
  });

  it('works in a temporary home of its own and removes it afterwards', async () => {
    const before = new Set((await fs.readdir(tmpdir())).filter((n) => n.startsWith('lunar-sessions-')));
    const trace = await runSessions({ sessions: [['My cat is called Miso.'], ['What is my cat called?']], model: script(), tools, workspaceRoot: home });
    expect(trace.memory?.[0]?.path).toBe('memory/2026-01-05.md');
    const after = (await fs.readdir(tmpdir())).filter((n) => n.startsWith('lunar-sessions-') && !before.has(n));
    expect(after).toEqual([]);
  });
});
