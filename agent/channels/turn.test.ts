import { describe, expect, it } from 'vitest';
import { ScriptedModel } from '../providers/scripted.ts';
import { builtinRegistry } from '../tools/builtin.ts';
import { InMemoryChatSessions } from './sessions.ts';
import { runTurn } from './turn.ts';

const agentWith = (model: ScriptedModel, system?: string) => ({ model, tools: builtinRegistry(), workspaceRoot: '.', system });

describe('runTurn', () => {
  it("sends the session's history with the new message and saves the turn's messages, system prompt excluded", async () => {
    const sessions = new InMemoryChatSessions();
    const model = new ScriptedModel([{ text: 'Hello Ada.' }, { tool_calls: [{ name: 'calculator', arguments: { expression: '6*7' } }] }, { text: '42' }]);
    const agent = agentWith(model, 'Be brief.');
    const first = await runTurn({ sessions, key: 'chat', text: 'I am Ada', agent });
    expect(first.saved).toBe(true);
    const second = await runTurn({ sessions, key: 'chat', text: 'six times seven?', agent });
    // The second run saw the system prompt, the first exchange and the new message.
    expect(second.trace.messages.slice(0, 4).map((m) => `${m.role}:${m.content}`)).toEqual(['system:Be brief.', 'user:I am Ada', 'assistant:Hello Ada.', 'user:six times seven?']);
    const { id, messages } = await sessions.load('chat');
    expect(id).toBe('chat.1');
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'tool', 'assistant']);
    expect(messages.at(-1)).toEqual({ role: 'assistant', content: '42' });
  });

  it('saves nothing when the model fails, so a retry does not follow an unanswered message', async () => {
    const sessions = new InMemoryChatSessions();
    const result = await runTurn({ sessions, key: 'chat', text: 'hello', agent: agentWith(new ScriptedModel([])) });
    expect(result.trace.stopReason).toBe('error');
    expect(result.saved).toBe(false);
    expect((await sessions.load('chat')).messages).toEqual([]);
  });

  it('starts an empty session with a new id on reset, keeping other keys apart', async () => {
    const sessions = new InMemoryChatSessions();
    await sessions.append('a', [{ role: 'user', content: 'x' }]);
    await sessions.append('b', [{ role: 'user', content: 'y' }]);
    expect(await sessions.reset('a')).toEqual({ id: 'a.2', messages: [] });
    expect(await sessions.load('a')).toEqual({ id: 'a.2', messages: [] });
    expect(await sessions.load('b')).toEqual({ id: 'b.1', messages: [{ role: 'user', content: 'y' }] });
  });
});
