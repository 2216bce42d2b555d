import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../runners/input-error.ts';
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

  it('refuses an empty dataset and a missing file', () => {
    expect(errorOf(file('empty.jsonl', ['', ''])).message).toMatch(/has no cases/);
    expect(errorOf(join(dir, 'nope.jsonl')).message).toMatch(/cannot read dataset \(ENOENT\)/);
  });
});
