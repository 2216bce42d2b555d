import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenAiFake, TEST_KEY } from '../../test/fakes/openai-server.ts';
import { BaselineModel } from '../baseline/model.ts';
import { openaiProvider } from '../providers/openai.ts';
import type { Message } from '../providers/types.ts';
import { ToolRegistry } from '../tools/tool.ts';
import type { MemoryOpRecord } from '../trace.ts';
import { SUMMARY_PREFIX } from './context.ts';
import { openSession, type Session } from './session.ts';
import { MemoryStore } from './store.ts';
import { memoryToolDeclarations } from './tools.ts';
import { runTurn } from './turn.ts';

// The figures of context.test.ts: ten-word messages cost 14 tokens, the system prompt 8.
const TEN = 'one two three four five six seven eight nine ten';
const SYSTEM = 'You are helpful.';
const NEXT = 'ten nine eight seven six five four three two one';
const AT = new Date('2026-01-05T09:00:00Z');
const now = () => AT;

let home: string;
let session: Session;
beforeEach(async () => {
  home = await fs.mkdtemp(join(tmpdir(), 'lunar-turn-'));
  session = await openSession(home, 'chat-1', { now });
  for (let i = 0; i < 3; i++) await session.appendTurn([{ role: 'user', content: TEN }, { role: 'assistant', content: TEN }]);
});
afterEach(() => fs.rm(home, { recursive: true, force: true }));

const transcriptTypes = async () => (await fs.readFile(session.path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l).type);

describe('runTurn compacting by summary (OpenAI SDK against a fake server)', () => {
  let fake: OpenAiFake;
  beforeEach(async () => {
    fake = await new OpenAiFake().start();
  });
  afterEach(() => fake.close());

  it('asks the model for a summary of the turns that leave, sends it in their place, and records the call, the cost and the compaction', async () => {
    const model = openaiProvider.create('gpt-4o-mini', { baseUrl: `${fake.url}/v1`, apiKey: TEST_KEY, env: {}, retries: 0, backoffBaseMs: 1 });
    fake.say({ text: "The user's cat is Miso.", usage: { input: 90, output: 8 } }, { text: 'Miso.', usage: { input: 50, output: 2 } });
    const trace = await runTurn({ session, input: NEXT, model, tools: new ToolRegistry(), system: SYSTEM, workspaceRoot: home, now, context: { maxTokens: 100, summaryTokens: 10 } });

    const chats = fake.requests.filter((r) => /chat\/completions$/.test(r.path)).map((r) => r.body);
    expect(chats).toHaveLength(2);
    // The summary call: its own instruction, the four oldest messages as a transcript, no tools, temperature 0.
    expect(chats[0].messages[0].content).toMatch(/^You compact conversations\. .* in at most 7 words\.$/);
    expect(chats[0].messages[1]).toEqual({ role: 'user', content: [`user: ${TEN}`, `assistant: ${TEN}`, `user: ${TEN}`, `assistant: ${TEN}`].join('\n\n') });
    expect(chats[0].tools).toBeUndefined();
    expect(chats[0].temperature).toBe(0);
    // The turn: system prompt, the summary, the one turn kept, the new message.
    expect(chats[1].messages).toEqual([
      { role: 'system', content: SYSTEM },
      { role: 'system', content: `${SUMMARY_PREFIX}The user's cat is Miso.` },
      { role: 'user', content: TEN },
      { role: 'assistant', content: TEN },
      { role: 'user', content: NEXT },
    ]);

    expect(trace.finalAnswer).toBe('Miso.');
    expect(trace.compactions).toEqual([
      { at: '2026-01-05T09:00:00.000Z', method: 'summary', messageIndex: 4, droppedMessages: 4, summaryTokens: 8, tokensBefore: 106, tokensAfter: 81, budget: 100 },
    ]);
    expect(trace.messages[4]).toEqual({ role: 'user', content: NEXT });
    expect(trace.modelCalls.map((c) => [c.step, c.purpose])).toEqual([[0, 'compaction'], [1, undefined]]);
    expect(trace.usage).toEqual({ inputTokens: 140, outputTokens: 10 });
    // gpt-4o-mini at $0.15 in and $0.60 out per million: (140 × 0.15 + 10 × 0.6) / 1e6.
    expect(trace.costUsd).toBeCloseTo(27e-6, 12);
    expect(trace.memory).toBeUndefined();

    // Saved: the compaction, then the turn; a resumed session sends the same summary without asking again.
    expect(await transcriptTypes()).toEqual(['session', 'turn', 'turn', 'turn', 'compaction', 'turn']);
    const resumed = await openSession(home, 'chat-1');
    expect(resumed.compaction()).toEqual({ from: 4, method: 'summary', summary: "The user's cat is Miso." });
    fake.say({ text: 'Still Miso.' });
    const next = await runTurn({ session: resumed, input: 'And now?', model, tools: new ToolRegistry(), system: SYSTEM, workspaceRoot: home, now, context: { maxTokens: 200, summaryTokens: 10 } });
    expect(next.compactions).toEqual([]);
    const third = fake.requests.filter((r) => /chat\/completions$/.test(r.path)).map((r) => r.body)[2];
    expect(third.messages.slice(0, 2).map((m: Message) => m.content)).toEqual([SYSTEM, `${SUMMARY_PREFIX}The user's cat is Miso.`]);
    expect(third.messages).toHaveLength(2 + 4 + 1);
  });
});

describe('runTurn with the baseline', () => {
  it('drops the oldest turns instead of summarising (the baseline cannot write a summary) and records it', async () => {
    const trace = await runTurn({ session, input: NEXT, model: new BaselineModel(), tools: new ToolRegistry(), system: SYSTEM, workspaceRoot: home, now, context: { maxTokens: 80 } });
    expect(trace.compactions).toEqual([
      { at: '2026-01-05T09:00:00.000Z', method: 'drop', messageIndex: 5, droppedMessages: 2, summaryTokens: 0, tokensBefore: 106, tokensAfter: 78, budget: 80 },
    ]);
    expect(trace.messages.slice(0, 6)).toEqual([{ role: 'system', content: SYSTEM }, ...session.messages().slice(2, 6), { role: 'user', content: NEXT }]);
    expect(trace.modelCalls.every((c) => c.purpose === undefined)).toBe(true);
    expect(session.compaction()).toEqual({ from: 2, method: 'drop' });
  });

  it('binds the memory tools to the memory store, records each use, and saves the turn when it ends', async () => {
    const memory = new MemoryStore(join(home, 'memory-root'));
    const seen: MemoryOpRecord[] = [];
    try {
      const trace = await runTurn({
        session,
        input: 'Remember that my cat is called Miso.',
        model: new BaselineModel(),
        tools: new ToolRegistry(memoryToolDeclarations()),
        memory,
        workspaceRoot: home,
        now,
        onMemoryOp: (op) => seen.push(op),
      });
      const op = { op: 'write', at: '2026-01-05T09:00:00.000Z', path: 'memory/2026-01-05.md', text: 'Remember that my cat is called Miso.', lines: [4, 4] };
      expect(trace.memory).toEqual([op]);
      expect(seen).toEqual([op]);
      expect(trace.finalAnswer).toBe('memory_write says: Saved to memory/2026-01-05.md (lines 4-4).');
      expect(session.messages().slice(6)).toEqual(trace.messages.slice(6));
      expect(session.turns()).toBe(4);
    } finally {
      memory.close();
    }
  });
});
