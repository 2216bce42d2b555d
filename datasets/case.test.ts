import { describe, expect, it } from 'vitest';
import { Case, caseMessages, forbiddenInMemory } from './case.ts';

const issue = (fields: Record<string, unknown>) => {
  const parsed = Case.safeParse({ id: 'a', category: 'memory', expected_contains: 'Miso', ...fields });
  return parsed.success ? undefined : `${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`;
};

describe('a multi-session case', () => {
  it('gives the agent its sessions as lists of user turns, the question last', () => {
    const c = Case.parse({ id: 'a', category: 'recall', sessions: [['My cat is called Miso.'], ['Hi', "What's my cat called?"]], expected_contains: 'Miso' });
    expect(c.sessions).toEqual([['My cat is called Miso.'], ['Hi', "What's my cat called?"]]);
    // Everything the agent is told over the case, in order (for estimates and for reading reports).
    expect(caseMessages(c)).toEqual([
      { role: 'user', content: 'My cat is called Miso.' },
      { role: 'user', content: 'Hi' },
      { role: 'user', content: "What's my cat called?" },
    ]);
  });

  it('takes exactly one of input, messages or sessions, and no empty session or turn', () => {
    expect(issue({ sessions: [['x']], input: 'x' })).toBe('input: give exactly one of "input", "messages" or "sessions"');
    expect(issue({})).toBe('input: give exactly one of "input", "messages" or "sessions"');
    expect(issue({ sessions: [] })).toBe('sessions: Too small: expected array to have >=1 items');
    expect(issue({ sessions: [['x'], []] })).toBe('sessions.1: Too small: expected array to have >=1 items');
    expect(issue({ sessions: [['']] })).toBe('sessions.0.0: Too small: expected string to have >=1 characters');
  });

  it('reads forbidden_in_memory as one string or a list, and does not take it as the only expectation', () => {
    const one = Case.parse({ id: 'a', category: 'secret', sessions: [['x']], forbidden_contains: 'pw', forbidden_in_memory: 'pw' });
    const two = Case.parse({ id: 'b', category: 'secret', sessions: [['x']], forbidden_contains: 'pw', forbidden_in_memory: ['pw', 'pin'] });
    expect([forbiddenInMemory(one), forbiddenInMemory(two)]).toEqual([['pw'], ['pw', 'pin']]);
    expect(issue({ expected_contains: undefined, sessions: [['x']], forbidden_in_memory: 'pw' })).toMatch(/^expected_tool_calls: a case needs an expectation/);
  });
});

describe('a case without a category', () => {
  it('is read into the category "default"; an empty one is still refused', () => {
    expect(Case.parse({ id: 'a', input: 'hi', expected_contains: 'hello' }).category).toBe('default');
    expect(Case.parse({ id: 'a', input: 'hi', category: 'greeting', expected_contains: 'hello' }).category).toBe('greeting');
    expect(issue({ input: 'hi', category: '' })).toBe('category: Too small: expected string to have >=1 characters');
  });
});
