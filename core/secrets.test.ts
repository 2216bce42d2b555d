import { describe, expect, it } from 'vitest';
import { knownSecrets, registerSecret, scrubDeep, scrubJson, scrubSecrets } from './secrets.ts';

describe('secrets', () => {
  it('replaces each known key from the environment by its name, and any other *_API_KEY too', () => {
    const env = { OPENAI_API_KEY: 'sk-aaaaaaaaaa', ANTHROPIC_API_KEY: 'ant-bbbbbbbbbb', HOME: '/home/someone-long' };
    expect(scrubSecrets('a sk-aaaaaaaaaa b ant-bbbbbbbbbb c /home/someone-long', env)).toBe('a [redacted:OPENAI_API_KEY] b [redacted:ANTHROPIC_API_KEY] c /home/someone-long');
  });

  it('leaves values shorter than 8 characters alone: they would match ordinary text', () => {
    expect(scrubSecrets('the key is abc', { GROQ_API_KEY: 'abc' })).toBe('the key is abc');
    expect(knownSecrets({ GROQ_API_KEY: 'abc', GEMINI_API_KEY: '' })).toEqual([]);
  });

  it('replaces a longer secret whole when a shorter one is inside it', () => {
    const env = { GROQ_API_KEY: 'gsk-12345678', GEMINI_API_KEY: 'gsk-12345678-and-more' };
    expect(scrubSecrets('x gsk-12345678-and-more y', env)).toBe('x [redacted:GEMINI_API_KEY] y');
  });

  it('scrubs registered values (an http target header) in nested objects and arrays, keys included', () => {
    registerSecret('Bearer header-value-42', 'x-api-header');
    const value = { a: ['ok', { 'Bearer header-value-42': 'Bearer header-value-42!' }], n: 3, nil: null };
    expect(scrubDeep(value, {})).toEqual({ a: ['ok', { '[redacted:x-api-header]': '[redacted:x-api-header]!' }], n: 3, nil: null });
  });

  it('returns the same object when nothing is found', () => {
    const value = { a: ['ok'], b: { c: 'fine' } };
    expect(scrubDeep(value, { OPENAI_API_KEY: 'sk-zzzzzzzzzz' })).toBe(value);
  });

  it('scrubs serialised JSON, a secret with characters JSON escapes included', () => {
    const env = { OPENAI_API_KEY: 'sk-plain-12345', GROQ_API_KEY: 'gsk"quoted\\slash' };
    const json = JSON.stringify({ text: 'a sk-plain-12345 b gsk"quoted\\slash c' });
    expect(JSON.parse(scrubJson(json, env))).toEqual({ text: 'a [redacted:OPENAI_API_KEY] b [redacted:GROQ_API_KEY] c' });
  });
});
