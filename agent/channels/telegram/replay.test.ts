import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Case } from '../../../datasets/case.ts';
import { ScriptedModel } from '../../providers/scripted.ts';
import type { ChatModel, ChatRequest } from '../../providers/types.ts';
import { runSessions } from '../../memory/run-sessions.ts';
import { memoryToolDeclarations } from '../../memory/tools.ts';
import { builtinRegistry } from '../../tools/builtin.ts';
import { ToolRegistry } from '../../tools/tool.ts';
import type { Trace } from '../../trace.ts';
import { replayThroughTelegram } from './replay.ts';
import { SimulatedBotApi } from './simulator/bot-api.ts';

const tools = builtinRegistry();
const aCase = (fields: Record<string, unknown>) => Case.parse({ id: 'c1', category: 'test', expected_contains: 'x', ...fields });

/** A scripted model that keeps the messages of every request. */
function recording(steps: ConstructorParameters<typeof ScriptedModel>[0]): ChatModel & { requests: ChatRequest[] } {
  const inner = new ScriptedModel(steps);
  const requests: ChatRequest[] = [];
  return {
    id: inner.id,
    provider: inner.provider,
    model: inner.model,
    requests,
    chat: (request) => (requests.push(request), inner.chat(request)),
    stream: (request) => inner.stream(request),
  };
}

describe('replayThroughTelegram', () => {
  it("returns the agent's trace with the text the user received as the final answer, and the channel's calls", async () => {
    const model = new ScriptedModel([{ tool_calls: [{ name: 'calculator', arguments: { expression: '6*7' } }] }, { text: 'It is **42**.' }]);
    const trace = await replayThroughTelegram(aCase({ input: 'What is six times seven?' }), { model, tools, workspaceRoot: '.' });
    expect(trace.stopReason).toBe('final');
    expect(trace.finalAnswer).toBe('It is 42.');
    expect(trace.channel).toMatchObject({
      name: 'telegram',
      agentAnswer: 'It is **42**.',
      outgoing: [
        { method: 'sendChatAction', action: 'typing', ok: true },
        { method: 'sendMessage', text: 'It is <b>42</b>.', parseMode: 'HTML', ok: true },
      ],
      delivered: [{ text: 'It is 42.', parseMode: 'HTML' }],
    });
    expect(trace.toolCalls.map((c) => [c.name, c.result])).toEqual([['calculator', '42']]);
    expect(trace.latencyMs).toBeGreaterThanOrEqual(trace.channel.agentLatencyMs);
  });

  it("makes a multi-turn case's earlier turns the chat's history when its last message arrives", async () => {
    const model = recording([{ text: 'Seven months cost $84.00.' }]);
    const c = aCase({
      messages: [
        { role: 'user', content: 'What does Pro cost?' },
        { role: 'assistant', content: '$12.00 a month.' },
        { role: 'user', content: 'And 7 months?' },
      ],
    });
    const trace = await replayThroughTelegram(c, { model, tools, workspaceRoot: '.', system: 'Be brief.' });
    expect(model.requests[0]!.messages.map((m) => `${m.role}: ${m.content}`)).toEqual(['system: Be brief.', 'user: What does Pro cost?', 'assistant: $12.00 a month.', 'user: And 7 months?']);
    expect(trace.finalAnswer).toBe('Seven months cost $84.00.');
  });

  it('joins the parts of a split answer with the paragraph break they were cut at', async () => {
    const [a, b] = ['a'.repeat(3000), 'b'.repeat(3000)];
    const trace = await replayThroughTelegram(aCase({ input: 'long' }), { model: new ScriptedModel([{ text: `${a}\n\n${b}` }]), tools, workspaceRoot: '.' });
    expect(trace.channel.delivered.map((m) => m.text.length)).toEqual([3000, 3000]);
    expect(trace.finalAnswer).toBe(`${a}\n\n${b}`);
  });

  it("keeps a model failure an error, with the apology the user was sent as what they saw", async () => {
    const trace = await replayThroughTelegram(aCase({ input: 'hello' }), { model: new ScriptedModel([]), tools, workspaceRoot: '.' });
    expect(trace.stopReason).toBe('error');
    expect(trace.error).toBe('scripted: the script has 0 step(s); step 1 was asked for');
    expect(trace.finalAnswer).toBe('Sorry, I could not get an answer: scripted: the script has 0 step(s); step 1 was asked for');
  });

  it("keeps the agent's trace and makes the attempt an error when the reply cannot be delivered", async () => {
    const telegram = new SimulatedBotApi({ token: '1000000001:simulated-replay-token' });
    telegram.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was blocked by the user' }).failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    const model = new ScriptedModel([{ tool_calls: [{ name: 'calculator', arguments: { expression: '1+1' } }] }, { text: '2' }]);
    const trace = await replayThroughTelegram(aCase({ input: '1+1?' }), { model, tools, workspaceRoot: '.', telegram });
    expect(trace.stopReason).toBe('error');
    expect(trace.error).toBe("telegram: the reply was not delivered: Call to 'sendMessage' failed! (403: Forbidden: bot was blocked by the user)");
    expect(trace.toolCalls.map((c) => c.name)).toEqual(['calculator']);
    expect(trace.channel.agentAnswer).toBe('2');
    expect(trace.finalAnswer).toBeNull();
  });

  it('stops the bot and the agent when the attempt is abandoned', async () => {
    const controller = new AbortController();
    const slow: ChatModel = {
      id: 'slow',
      provider: 'scripted',
      model: 'slow',
      chat: (request) =>
        new Promise((_, reject) => {
          request.signal?.addEventListener('abort', () => reject(new Error('aborted by the caller')), { once: true });
          setTimeout(() => controller.abort(), 20);
        }),
      stream: () => {
        throw new Error('not used');
      },
    };
    const trace = await replayThroughTelegram(aCase({ input: 'hello' }), { model: slow, tools, workspaceRoot: '.', signal: controller.signal });
    expect(trace.stopReason).toBe('aborted');
    expect(trace.finalAnswer).toBeNull();
  });
});

describe('replayThroughTelegram, a multi-session case', () => {
  const memoryTools = new ToolRegistry(memoryToolDeclarations());
  const SYSTEM = 'You remember things.';
  const sessions = [['My cat is called Miso.'], ['Hi!', "What's my cat called?"]];
  const multi = () => Case.parse({ id: 'm1', category: 'recall', sessions, expected_contains: 'Miso' });
  const script = () =>
    new ScriptedModel([
      { tool_calls: [{ name: 'memory_write', arguments: { text: 'The cat is called Miso.' } }] },
      { text: 'Noted.' },
      { text: 'Hello again.' },
      { tool_calls: [{ name: 'memory_search', arguments: { query: 'cat' } }] },
      { text: 'Your cat is called **Miso**.' },
    ]);
  /** What a scorer can read, less what differs by nature (session ids, latencies, what the channel adds). */
  const comparable = (trace: Trace) => ({
    messages: trace.messages,
    modelCalls: trace.modelCalls.map((c) => [c.step, c.request, c.response]),
    toolCalls: trace.toolCalls.map((c) => [c.step, c.name, c.arguments, c.result, c.error]),
    retrieved: trace.retrieved,
    memory: trace.memory,
    compactions: trace.compactions,
    sessions: trace.sessions?.map((s) => [s.firstMessage, s.turns]),
    stopReason: trace.stopReason,
    usage: trace.usage,
  });

  it('gives the Trace runSessions gives for the same case, with what the user read as the final answer', async () => {
    const direct = await runSessions({ sessions, model: script(), tools: memoryTools, system: SYSTEM, workspaceRoot: '.' });
    const replayed = await replayThroughTelegram(multi(), { model: script(), tools: memoryTools, system: SYSTEM, workspaceRoot: '.' });
    expect(comparable(replayed)).toEqual(comparable(direct));
    expect(direct.finalAnswer).toBe('Your cat is called **Miso**.');
    expect(replayed.finalAnswer).toBe('Your cat is called Miso.');
    expect(replayed.sessions!.map((s) => s.id)).toEqual(['telegram-424242', 'telegram-424242.2']);
    // The note written on day 1 at 09:00 was found on day 2 at 09:01: the same clock as runSessions.
    expect(replayed.memory!.map((op) => [op.op, op.at, op.session])).toEqual([
      ['write', '2026-01-05T09:00:00.000Z', 1],
      ['search', '2026-01-06T09:01:00.000Z', 2],
    ]);
    expect(replayed.channel).toMatchObject({
      agentAnswer: 'Your cat is called **Miso**.',
      delivered: [
        { text: 'Noted.', parseMode: 'HTML' },
        { text: 'Started a new conversation. What I saved to long-term memory stays: /memory shows it.' },
        { text: 'Hello again.', parseMode: 'HTML' },
        { text: 'Your cat is called Miso.', parseMode: 'HTML' },
      ],
    });
    expect(replayed.channel.outgoing.map((o) => o.action ?? o.text)).toEqual([
      'typing',
      'Noted.',
      'Started a new conversation. What I saved to long-term memory stays: /memory shows it.',
      'typing',
      'Hello again.',
      'typing',
      'Your cat is called <b>Miso</b>.',
    ]);
  });

  it("keeps each session's transcript and the case's one memory root in the home given", async () => {
    const home = await fs.mkdtemp(join(tmpdir(), 'lunar-replay-home-'));
    try {
      await replayThroughTelegram(multi(), { model: script(), tools: memoryTools, system: SYSTEM, workspaceRoot: '.', home });
      expect((await fs.readdir(join(home, 'sessions'))).sort()).toEqual(['telegram-424242.2.jsonl', 'telegram-424242.jsonl']);
      expect(await fs.readFile(join(home, 'memory', 'telegram-424242', 'memory', '2026-01-05.md'), 'utf8')).toBe('# 2026-01-05\n\n## 09:00\nThe cat is called Miso.\n');
      const second = (await fs.readFile(join(home, 'sessions', 'telegram-424242.2.jsonl'), 'utf8')).trim().split('\n');
      expect(second.map((line) => JSON.parse(line).type)).toEqual(['session', 'turn', 'turn']);
    } finally {
      await fs.rm(home, { recursive: true, force: true });
    }
  });

  it('ends the case at a turn the model failed, naming the session and turn, with the apology the user read', async () => {
    const model = new ScriptedModel([{ text: 'Noted.' }]);
    const trace = await replayThroughTelegram(multi(), { model, tools: memoryTools, workspaceRoot: '.' });
    expect(trace.stopReason).toBe('error');
    expect(trace.error).toBe('session 2, turn 1: scripted: the script has 1 step(s); step 2 was asked for');
    expect(trace.finalAnswer).toBe('Sorry, I could not get an answer: scripted: the script has 1 step(s); step 2 was asked for');
    expect(trace.sessions!.map((s) => s.turns)).toEqual([1, 1]);
    expect(trace.channel.delivered.map((m) => m.text)).toHaveLength(3);
  });
});
