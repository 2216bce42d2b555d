// Each of OpenAI's format rules (openai-format.ts) broken once, by hand, and the message that names it.

import { describe, expect, it } from 'vitest';
import { checkOpenAiExample } from './openai-format.ts';

const tools = [{ type: 'function', function: { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } }];
const call = (id: string, name = 'read_file', args = '{"path":"a.md"}') => ({ id, type: 'function', function: { name, arguments: args } });
const good = {
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'What is in a.md?' },
    { role: 'assistant', tool_calls: [call('call_1')], weight: 1 },
    { role: 'tool', tool_call_id: 'call_1', content: 'hello' },
    { role: 'assistant', content: 'It says hello.', weight: 1 },
  ],
  tools,
};
const withMessages = (messages: unknown[]) => ({ ...good, messages });

describe('checkOpenAiExample', () => {
  it('accepts a conversation with a tool call answered and defined', () => {
    expect(checkOpenAiExample(good)).toEqual([]);
  });

  it('refuses unknown roles and keys a role does not take', () => {
    expect(checkOpenAiExample(withMessages([{ role: 'function', content: 'x' }, good.messages[4]]))[0]).toMatch(/^messages\.0\.role: /);
    expect(checkOpenAiExample(withMessages([{ role: 'user', content: 'q', weight: 1 }, good.messages[4]]))).toEqual(['messages.0: Unrecognized key: "weight"']);
    expect(checkOpenAiExample({ ...good, extra: true })).toEqual(['(example): Unrecognized key: "extra"']);
  });

  it('refuses empty user text, an assistant message with neither text nor calls, and a weight other than 0 or 1', () => {
    expect(checkOpenAiExample(withMessages([{ role: 'user', content: '' }, good.messages[4]]))[0]).toMatch(/^messages\.0\.content: /);
    expect(checkOpenAiExample(withMessages([good.messages[1], { role: 'assistant', weight: 1 }]))).toEqual(['messages.1: an assistant message needs content or tool_calls']);
    expect(checkOpenAiExample(withMessages([good.messages[1], { role: 'assistant', content: 'x', weight: 2 }]))[0]).toMatch(/^messages\.1\.weight: /);
  });

  it('needs an assistant message trained on, last', () => {
    expect(checkOpenAiExample(withMessages([good.messages[1], { role: 'assistant', content: 'x', weight: 0 }]))).toEqual(['no assistant message is trained on (every one has weight 0)']);
    expect(checkOpenAiExample(withMessages([good.messages[1], good.messages[4], { role: 'user', content: 'thanks' }]))).toEqual(["the last message is the user's, not the assistant's"]);
  });

  it('matches tool messages to open tool calls by id, and every call to an answer', () => {
    const unanswered = withMessages([good.messages[1], { role: 'assistant', tool_calls: [call('call_1')] }, good.messages[4]]);
    expect(checkOpenAiExample(unanswered)).toEqual(['messages.2: tool call(s) call_1 not answered before the assistant message']);
    const stray = withMessages([good.messages[1], { role: 'tool', tool_call_id: 'call_9', content: 'x' }, good.messages[4]]);
    expect(checkOpenAiExample(stray)).toEqual(['messages.1: tool_call_id call_9 answers no open tool call']);
    const twice = withMessages([good.messages[1], good.messages[2], good.messages[3], { role: 'assistant', tool_calls: [call('call_1')] }, good.messages[3], good.messages[4]]);
    expect(checkOpenAiExample(twice)).toEqual(['messages.3: tool call id call_1 is used twice']);
  });

  it('needs JSON-object arguments and every function defined', () => {
    const text = withMessages([good.messages[1], { role: 'assistant', tool_calls: [call('call_1', 'read_file', '"a.md"')] }, good.messages[3], good.messages[4]]);
    expect(checkOpenAiExample(text)).toEqual(['messages.1: the arguments of read_file are not a JSON object']);
    const undefinedTool = withMessages([good.messages[1], { role: 'assistant', tool_calls: [call('call_1', 'delete_file')] }, good.messages[3], good.messages[4]]);
    expect(checkOpenAiExample(undefinedTool)).toEqual(['messages.1: delete_file is called but not defined in tools']);
    expect(checkOpenAiExample({ ...good, tools: [...tools, ...tools] })).toEqual(['tools: read_file is defined twice']);
    expect(checkOpenAiExample({ ...good, tools: [{ type: 'function', function: { name: 'read file' } }] })[0]).toMatch(/^tools\.0\.function\.name: /);
  });
});
