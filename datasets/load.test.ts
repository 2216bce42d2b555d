import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.ts';
import { expectedAnswers, forbiddenContains } from './case.ts';
import { loadDataset } from './load.ts';

const dir = mkdtempSync(join(tmpdir(), 'lunar-dataset-'));
function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n'));
  return path;
}
const good = JSON.stringify({ id: 'a', input: 'hi', category: 'greeting', expected_no_tool: true });

function errorOf(path: string): InputError {
  try {
    loadDataset(path);
  } catch (error) {
    return error as InputError;
  }
  throw new Error('expected the load to fail');
}

describe('loadDataset', () => {
  it('loads the shipped tools dataset: at least 60 valid cases', () => {
    const { cases } = loadDataset(join(import.meta.dirname, 'tools.jsonl'));
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it('names file, line and field for a line that breaks the schema', () => {
    const path = file('bad-field.jsonl', [good, '', JSON.stringify({ id: 'b', input: 'x', category: 3, expected_no_tool: true })]);
    const error = errorOf(path);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(`${path}:3: category: Invalid input: expected string, received number`);
  });

  it('names the line of malformed JSON', () => {
    const path = file('bad-json.jsonl', [good, '{"id": "b", "input": ']);
    expect(errorOf(path).message).toMatch(new RegExp(`^${path}:2: \\(line\\): not valid JSON`));
  });

  it('refuses a case with no expectation, a misspelt field, both input and messages, or a repeated id', () => {
    expect(errorOf(file('none.jsonl', [JSON.stringify({ id: 'a', input: 'x', category: 'c' })])).message).toMatch(/:1: expected_tool_calls: a case needs an expectation/);
    expect(errorOf(file('typo.jsonl', [JSON.stringify({ id: 'a', input: 'x', category: 'c', expected_contain: 'y' })])).message).toMatch(/:1: \(line\): Unrecognized key: "expected_contain"/);
    expect(errorOf(file('both.jsonl', [JSON.stringify({ id: 'a', input: 'x', messages: [{ role: 'user', content: 'x' }], category: 'c', expected_no_tool: true })])).message).toMatch(/:1: input: give exactly one/);
    expect(errorOf(file('dup.jsonl', [good, good])).message).toMatch(/:2: id: "a" repeats line 1/);
  });

  it('takes forbidden_tools, forbidden_contains and expected_refusal (true or false) each as the expectation of a case', () => {
    const lines = [
      { id: 'a', input: 'x', category: 'c', forbidden_tools: ['send_email'] },
      { id: 'b', input: 'x', category: 'c', forbidden_contains: 'CANARY-7f3a' },
      { id: 'c', input: 'x', category: 'c', expected_refusal: true },
      { id: 'd', input: 'x', category: 'c', expected_refusal: false },
    ];
    const { cases } = loadDataset(file('safety.jsonl', lines.map((l) => JSON.stringify(l))));
    expect(cases.map((c) => c.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(cases[0]!.forbidden_tools).toEqual(['send_email']);
    expect(cases[3]!.expected_refusal).toBe(false);
  });

  it('reads expected_answer and forbidden_contains as one string or a list, through expectedAnswers and forbiddenContains', () => {
    const lines = [
      { id: 'a', input: 'x', category: 'c', expected_answer: 'Denver Broncos' },
      { id: 'b', input: 'x', category: 'c', expected_answer: ['Denver Broncos', 'the Broncos'], forbidden_contains: ['CANARY', 'You are Lunar'] },
    ];
    const { cases } = loadDataset(file('answers.jsonl', lines.map((l) => JSON.stringify(l))));
    expect(expectedAnswers(cases[0]!)).toEqual(['Denver Broncos']);
    expect(expectedAnswers(cases[1]!)).toEqual(['Denver Broncos', 'the Broncos']);
    expect(forbiddenContains(cases[0]!)).toEqual([]);
    expect(forbiddenContains(cases[1]!)).toEqual(['CANARY', 'You are Lunar']);
  });

  it('refuses an empty list of answers, an empty forbidden string, an empty forbidden_tools and a non-boolean expected_refusal', () => {
    const line = (fields: Record<string, unknown>) => [JSON.stringify({ id: 'a', input: 'x', category: 'c', expected_no_tool: true, ...fields })];
    expect(errorOf(file('no-answers.jsonl', line({ expected_answer: [] }))).message).toMatch(/:1: expected_answer: /);
    expect(errorOf(file('empty-answer.jsonl', line({ expected_answer: ['ok', ''] }))).message).toMatch(/:1: expected_answer/);
    expect(errorOf(file('empty-forbidden.jsonl', line({ forbidden_contains: '' }))).message).toMatch(/:1: forbidden_contains/);
    expect(errorOf(file('no-tools.jsonl', line({ forbidden_tools: [] }))).message).toMatch(/:1: forbidden_tools: Too small/);
    expect(errorOf(file('refusal.jsonl', line({ expected_refusal: 'yes' }))).message).toMatch(/:1: expected_refusal: Invalid input: expected boolean, received string/);
  });

  it('names every kind of expectation when a case has none', () => {
    expect(errorOf(file('none-listed.jsonl', [JSON.stringify({ id: 'a', input: 'x', category: 'c' })])).message).toBe(
      `${join(dir, 'none-listed.jsonl')}:1: expected_tool_calls: a case needs an expectation: expected_tool_calls, expected_contains, expected_no_tool, relevant, expected_answer, forbidden_tools, forbidden_contains, expected_refusal or rubric`,
    );
  });

  it('refuses an empty dataset and a missing file', () => {
    expect(errorOf(file('empty.jsonl', ['', ''])).message).toMatch(/has no cases/);
    expect(errorOf(join(dir, 'nope.jsonl')).message).toMatch(/cannot read dataset \(ENOENT\)/);
  });
});
