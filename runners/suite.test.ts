import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuite } from './suite.ts';

const dir = mkdtempSync(join(tmpdir(), 'lunar-suite-'));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const messageOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
};

describe('loadSuite', () => {
  it('resolves paths against the suite file and reads scorer options', () => {
    const path = write('ok.yaml', 'dataset: data/x.jsonl\nworkspace: ws\nscorers: [answer_contains, { tool_args_match: { strict: true } }]\n');
    const suite = loadSuite(path);
    expect(suite).toMatchObject({ name: 'ok', datasetPath: join(dir, 'data/x.jsonl'), workspaceRoot: join(dir, 'ws') });
    expect(suite.scorers).toEqual([{ name: 'answer_contains', options: {} }, { name: 'tool_args_match', options: { strict: true } }]);
  });

  it('names the file and field of a schema error', () => {
    const path = write('bad.yaml', 'dataset: x.jsonl\nscorers: []\n');
    expect(messageOf(() => loadSuite(path))).toBe(`${path}: scorers: Too small: expected array to have >=1 items`);
  });

  it('names an unknown field', () => {
    const path = write('typo.yaml', 'dataset: x.jsonl\nscorer: [a]\nscorers: [a]\n');
    expect(messageOf(() => loadSuite(path))).toMatch(/typo\.yaml: \(suite\): Unrecognized key: "scorer"/);
  });

  it('names the line of broken YAML', () => {
    const path = write('yaml.yaml', 'dataset: x.jsonl\nscorers: [a\nb: c\n');
    expect(messageOf(() => loadSuite(path))).toMatch(/yaml\.yaml:\d+: \(yaml\): /);
  });
});
