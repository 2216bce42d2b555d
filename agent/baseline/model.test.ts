import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../tools/builtin.ts';
import { fillArguments } from './arguments.ts';
import { BaselineModel, chooseCalls, NO_TOOL_ANSWER } from './model.ts';

const tools = builtinRegistry().specs();
const calls = (question: string) => chooseCalls(question, tools).map((c) => ({ name: c.name, arguments: c.arguments }));

describe('baseline tool choice', () => {
  it('reads a file named in the message', () => {
    expect(calls('Show me the contents of docs/setup.md')).toEqual([{ name: 'read_file', arguments: { path: 'docs/setup.md' } }]);
  });

  it('lists a folder named in words', () => {
    expect(calls('What files are in the docs folder?')).toEqual([{ name: 'list_files', arguments: { path: 'docs' } }]);
  });

  it('hands arithmetic to the calculator with word operators and thousands separators turned into symbols', () => {
    expect(calls('What is 1,234 times 56?')).toEqual([{ name: 'calculator', arguments: { expression: '1234 * 56' } }]);
    expect(calls('Calculate 17.5% of 2480')).toEqual([{ name: 'calculator', arguments: { expression: '17.5% of 2480' } }]);
    expect(calls('What is 2.5 * 4?')).toEqual([{ name: 'calculator', arguments: { expression: '2.5 * 4' } }]);
  });

  it('reads dates and file names in a message as names, not arithmetic', () => {
    expect(calls('Who attended the meeting in notes/meeting-2026-10-02.md?')).toEqual([{ name: 'read_file', arguments: { path: 'notes/meeting-2026-10-02.md' } }]);
  });

  it('makes one current_time call per city named, in the order named', () => {
    expect(calls('What time is it in Tokyo and in New York right now?')).toEqual([
      { name: 'current_time', arguments: { timezone: 'Asia/Tokyo' } },
      { name: 'current_time', arguments: { timezone: 'America/New_York' } },
    ]);
  });

  it('calls no tool when no tool fits or a required argument cannot be filled', () => {
    expect(calls('What is the capital of Japan?')).toEqual([]);
    expect(calls('Hello there!')).toEqual([]);
    expect(calls('Please summarise our conversation so far')).toEqual([]);
  });
});

describe('fillArguments', () => {
  it('gives undefined when a required property finds nothing', () => {
    expect(fillArguments('nothing here', { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] })).toBeUndefined();
  });

  it('matches enum values and leaves optional properties out', () => {
    const schema = { type: 'object', properties: { unit: { type: 'string', enum: ['celsius', 'fahrenheit'] }, path: { type: 'string' } } };
    expect(fillArguments('in Fahrenheit please', schema)).toEqual([{ unit: 'fahrenheit' }]);
  });
});

describe('BaselineModel', () => {
  it('answers from the tool result once it is in', async () => {
    const model = new BaselineModel();
    const result = await model.chat({
      messages: [
        { role: 'user', content: 'what is 2+2' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'calculator', arguments: { expression: '2+2' } }] },
        { role: 'tool', toolCallId: 'call_1', name: 'calculator', content: '4' },
      ],
      tools,
    });
    expect(result).toMatchObject({ text: 'calculator says: 4', toolCalls: [], finishReason: 'stop', costUsd: 0 });
  });

  it('says plainly when it cannot answer', async () => {
    const result = await new BaselineModel().chat({ messages: [{ role: 'user', content: 'Who wrote Hamlet?' }], tools });
    expect(result.text).toBe(NO_TOOL_ANSWER);
  });

  it('calls no tool when tool choice is none', async () => {
    const result = await new BaselineModel().chat({ messages: [{ role: 'user', content: 'read docs/setup.md' }], tools, toolChoice: 'none' });
    expect(result.toolCalls).toEqual([]);
  });

  it('streams what chat answers: the text as one delta, each tool call, then done', async () => {
    const model = new BaselineModel();
    const events = [];
    for await (const event of model.stream({ messages: [{ role: 'user', content: 'Show me docs/setup.md' }], tools })) events.push(event);
    expect(events.map((e) => e.type)).toEqual(['tool_call', 'done']);
    expect(events[1]).toMatchObject({ type: 'done', result: { finishReason: 'tool_calls', toolCalls: [{ name: 'read_file', arguments: { path: 'docs/setup.md' } }] } });
    const answered = [];
    for await (const event of model.stream({ messages: [{ role: 'user', content: 'Who wrote Hamlet?' }], tools })) answered.push(event);
    expect(answered).toEqual([{ type: 'text', delta: NO_TOOL_ANSWER }, { type: 'done', result: expect.objectContaining({ text: NO_TOOL_ANSWER, finishReason: 'stop' }) }]);
  });
});

