import { describe, expect, it } from 'vitest';
import { extractJson } from './json.ts';
import { ScorerOptionsError } from './score.ts';
import { optionsError, runScorer, traceOf } from './test-fixtures.ts';

/** These scorers read the answer alone: any valid case will do. */
const anyCase = { expected_no_tool: true };

describe('extractJson', () => {
  it('reads the whole answer, else the first ```json block', () => {
    expect(extractJson(' {"a": 1} ')).toEqual({ ok: true, value: { a: 1 }, source: 'answer' });
    expect(extractJson('Here it is:\n```json\n{"a": [1, 2]}\n```\nand ```json\n{"b": 2}\n```')).toEqual({ ok: true, value: { a: [1, 2] }, source: 'fence' });
    expect(extractJson('```JSON\n[true]\n```')).toEqual({ ok: true, value: [true], source: 'fence' });
  });

  it('accepts any JSON value, as the JSON grammar does', () => {
    expect(extractJson('42')).toEqual({ ok: true, value: 42, source: 'answer' });
    expect(extractJson('"yes"')).toEqual({ ok: true, value: 'yes', source: 'answer' });
  });

  it('says why nothing parsed: prose without a block, a block that is not JSON, a block without the json tag', () => {
    const prose = extractJson('The answer is {a: 1}');
    expect(prose.ok).toBe(false);
    expect(!prose.ok && prose.error).toMatch(/^not JSON and no ```json block: /);
    const badFence = extractJson('Result:\n```json\n{"a": 1,}\n```');
    expect(!badFence.ok && badFence.error).toMatch(/^the ```json block is not JSON: /);
    expect(extractJson('```\n{"a": 1}\n```').ok).toBe(false);
  });
});

describe('is_json', () => {
  it('passes on JSON or a fenced JSON block and fails on prose or no answer', async () => {
    expect(await runScorer('is_json', anyCase, traceOf('{"ok": true}'))).toMatchObject({ value: 1, pass: true, reason: 'the answer is JSON' });
    expect(await runScorer('is_json', anyCase, traceOf('Sure!\n```json\n{"ok": true}\n```'))).toMatchObject({ value: 1, pass: true, reason: 'the ```json block is JSON' });
    expect(await runScorer('is_json', anyCase, traceOf("{'ok': True}"))).toMatchObject({ value: 0, pass: false });
    expect(await runScorer('is_json', anyCase, traceOf(null))).toMatchObject({ value: 0, pass: false, reason: 'no final answer (max_steps)' });
  });
});

describe('json_schema', () => {
  const schema = {
    type: 'object',
    properties: { city: { type: 'string' }, population: { type: 'integer', minimum: 0 } },
    required: ['city', 'population'],
    additionalProperties: false,
  };

  it('passes an answer that conforms to the schema', async () => {
    expect(await runScorer('json_schema', anyCase, traceOf('```json\n{"city": "Tokyo", "population": 13960000}\n```'), { schema })).toMatchObject({ value: 1, pass: true, reason: 'conforms to the schema', details: { source: 'fence' } });
  });

  it('fails with every violation named', async () => {
    const s = await runScorer('json_schema', anyCase, traceOf('{"city": 5, "population": -1.5, "country": "JP"}'), { schema });
    expect(s).toMatchObject({ value: 0, pass: false });
    expect(s!.details!.errors).toEqual([
      '(root) must NOT have additional properties',
      '/city must be string',
      '/population must be integer',
      '/population must be >= 0',
    ]);
    expect(await runScorer('json_schema', anyCase, traceOf('not json'), { schema })).toMatchObject({ value: 0, pass: false });
  });

  it('refuses, when the suite loads, a schema that is invalid, has an unknown keyword or a format it cannot check', () => {
    const invalid = optionsError('json_schema', { schema: { type: 'objekt' } });
    expect(invalid).toBeInstanceOf(ScorerOptionsError);
    expect(invalid!.message).toMatch(/^json_schema: options: schema: schema is invalid: data\/type must be equal to one of the allowed values/);
    expect(optionsError('json_schema', { schema: { type: 'object', requird: ['a'] } })!.message).toBe('json_schema: options: schema: strict mode: unknown keyword: "requird"');
    expect(optionsError('json_schema', { schema: { type: 'string', format: 'email' } })!.message).toBe('json_schema: options: schema: unknown format "email" ignored in schema at path "#"');
    expect(optionsError('json_schema', {})!.message).toBe('json_schema: options: schema: Invalid input: expected record, received undefined');
  });
});
