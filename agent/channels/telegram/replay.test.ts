import { describe, expect, it } from 'vitest';
import { Case } from '../../../datasets/case.ts';
import { ScriptedModel } from '../../providers/scripted.ts';
import type { ChatModel, ChatRequest } from '../../providers/types.ts';
import { builtinRegistry } from '../../tools/builtin.ts';
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

  it('refuses a multi-session case rather than run its sessions as one chat', async () => {
    const c = { ...aCase({ input: 'x' }), input: undefined, sessions: [['Remember: my cat is Miso.'], ['What is my cat called?']] };
    await expect(replayThroughTelegram(c as never, { model: new ScriptedModel([{ text: 'never' }]), tools, workspaceRoot: '.' })).rejects.toThrow(
      "case c1 has several sessions: replaying those through Telegram needs agent/memory's session store behind the channel",
    );
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
