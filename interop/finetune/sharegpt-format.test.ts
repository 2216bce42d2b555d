// Each ShareGPT turn rule (sharegpt-format.ts) broken once, by hand.

import { describe, expect, it } from 'vitest';
import { checkShareGptExample } from './sharegpt-format.ts';

const tools = JSON.stringify([{ name: 'read_file', description: 'Read a file', parameters: { type: 'object' } }]);
const callTurn = { from: 'function_call', value: JSON.stringify({ name: 'read_file', arguments: { path: 'a.md' } }) };
const good = {
  system: 'Be brief.',
  tools,
  conversations: [{ from: 'human', value: 'What is in a.md?' }, callTurn, { from: 'observation', value: 'hello' }, { from: 'gpt', value: 'It says hello.' }],
};
const turns = (conversations: unknown[]) => ({ ...good, conversations });

describe('checkShareGptExample', () => {
  it('accepts human, function_call, observation, gpt with the tool defined', () => {
    expect(checkShareGptExample(good)).toEqual([]);
  });

  it('refuses unknown roles and keys', () => {
    expect(checkShareGptExample(turns([{ from: 'user', value: 'q' }, { from: 'gpt', value: 'a' }]))[0]).toMatch(/^conversations\.0\.from: /);
    expect(checkShareGptExample({ ...good, id: 1 })).toEqual(['(example): Unrecognized key: "id"']);
  });

  it('needs turns to alternate, starting with human and ending with gpt', () => {
    expect(checkShareGptExample(turns([{ from: 'gpt', value: 'a' }, { from: 'human', value: 'q' }]))).toEqual([
      'conversations.0: gpt where a human or observation turn belongs',
      'conversations.1: human where a gpt or function_call turn belongs',
      'the first turn is not human',
      'the last turn is human, not gpt',
    ]);
  });

  it('pairs every function_call with an observation and checks the call against tools', () => {
    expect(checkShareGptExample(turns([{ from: 'human', value: 'q' }, callTurn, { from: 'human', value: 'again' }, { from: 'gpt', value: 'a' }]))).toEqual([
      'conversations.1: a function_call must be followed by an observation',
    ]);
    const unknown = { from: 'function_call', value: JSON.stringify({ name: 'delete_file', arguments: {} }) };
    expect(checkShareGptExample(turns([{ from: 'human', value: 'q' }, unknown, { from: 'observation', value: 'x' }, { from: 'gpt', value: 'a' }]))).toEqual([
      'conversations.1: delete_file is called but not defined in tools',
    ]);
    const notJson = { from: 'function_call', value: 'read_file(a.md)' };
    expect(checkShareGptExample(turns([{ from: 'human', value: 'q' }, notJson, { from: 'observation', value: 'x' }, { from: 'gpt', value: 'a' }]))).toEqual([
      'conversations.1: the function_call is not JSON { name, arguments } (or a list of them)',
    ]);
    expect(checkShareGptExample({ ...good, tools: '{"name": "read_file"}' })[0]).toBe('tools: not a JSON list of { name, description, parameters }');
  });
});
