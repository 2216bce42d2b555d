import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuite, withCallTimeout } from './suite.ts';

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
  it('refuses a workspace: that is not a folder, naming the suite and the path', () => {
    const path = write('missing-ws.yaml', 'dataset: data/x.jsonl\nworkspace: nowhere\nscorers: [answer_contains]\n');
    expect(messageOf(() => loadSuite(path))).toBe(`${path}: workspace: ${join(dir, 'nowhere')} is not a folder`);
  });

  it('resolves paths against the suite file and reads scorer options', () => {
    mkdirSync(join(dir, 'ws'), { recursive: true });
    const path = write('ok.yaml', 'dataset: data/x.jsonl\nworkspace: ws\nscorers: [answer_contains, { tool_args_match: { strict: true } }]\n');
    const suite = loadSuite(path);
    expect(suite).toMatchObject({ name: 'ok', datasetPath: join(dir, 'data/x.jsonl') });
    expect(suite.variants).toHaveLength(1);
    expect(suite.variants[0]).toMatchObject({ config: 'default', workspaceRoot: join(dir, 'ws') });
    expect(suite.variants[0]!.scorers).toEqual([{ name: 'answer_contains', options: {} }, { name: 'tool_args_match', options: { strict: true } }]);
  });

  it('crosses matrix axes into named configurations', () => {
    const path = write('axes.yaml', 'dataset: d.jsonl\nscorers: [a]\nknowledge: { corpus: c }\nmatrix:\n  knowledge.search.mode: [bm25, hybrid]\n  temperature: [0, 0.7]\n');
    const variants = loadSuite(path).variants;
    expect(variants.map((v) => v.config)).toEqual(['mode=bm25,temperature=0', 'mode=bm25,temperature=0.7', 'mode=hybrid,temperature=0', 'mode=hybrid,temperature=0.7']);
    expect(variants[3]).toMatchObject({ temperature: 0.7, knowledge: { corpus: { kind: 'folder', path: join(dir, 'c') }, embedder: 'hash', search: { mode: 'hybrid', fusion: 'weighted', k: 5 } } });
  });

  it('takes a list of explicit configurations', () => {
    const path = write('list.yaml', 'dataset: d.jsonl\nscorers: [a]\nknowledge: { corpus: c }\nmatrix:\n  - { knowledge.search.mode: bm25 }\n  - { knowledge.search.mode: hybrid, knowledge.search.fusion: rrf }\n');
    const variants = loadSuite(path).variants;
    expect(variants.map((v) => [v.config, v.knowledge!.search.mode, v.knowledge!.search.fusion])).toEqual([
      ['mode=bm25', 'bm25', 'weighted'],
      ['mode=hybrid,fusion=rrf', 'hybrid', 'rrf'],
    ]);
  });

  it('names the matrix entry whose value breaks the schema', () => {
    const path = write('badmatrix.yaml', 'dataset: d.jsonl\nscorers: [a]\nknowledge: { corpus: c }\nmatrix:\n  knowledge.search.mode: [bm25, fuzzy]\n');
    expect(messageOf(() => loadSuite(path))).toMatch(/badmatrix\.yaml: matrix\[1\] \(mode=fuzzy\): knowledge\.search\.mode: Invalid option/);
  });

  it('reads the per-call timeout, which a matrix may vary and --timeout overrides', () => {
    const path = write('timeout.yaml', 'dataset: d.jsonl\nscorers: [a]\ntimeout_ms: 20000\nmatrix:\n  timeout_ms: [5000, 20000]\n');
    const suite = loadSuite(path);
    expect(suite.variants.map((v) => v.timeoutMs)).toEqual([5000, 20000]);
    expect(withCallTimeout(suite, 800).variants.map((v) => v.timeoutMs)).toEqual([800, 800]);
    expect(loadSuite(write('no-timeout.yaml', 'dataset: d.jsonl\nscorers: [a]\n')).variants[0]).not.toHaveProperty('timeoutMs');
    expect(messageOf(() => loadSuite(write('zero.yaml', 'dataset: d.jsonl\nscorers: [a]\ntimeout_ms: 0\n')))).toMatch(/zero\.yaml: timeout_ms: Too small/);
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

  it('reads the judge, resolving a scripted judge file against the suite like every path', () => {
    const scripted = loadSuite(write('judge-scripted.yaml', 'dataset: d.jsonl\njudge: scripted:judges/j.jsonl\nscorers: [faithfulness]\n'));
    expect(scripted.variants[0]!.judge).toBe(`scripted:${join(dir, 'judges/j.jsonl')}`);
    const hosted = loadSuite(write('judge-hosted.yaml', 'dataset: d.jsonl\njudge: ollama:qwen2.5:7b\nscorers: [faithfulness]\n'));
    expect(hosted.variants[0]!.judge).toBe('ollama:qwen2.5:7b');
    expect(loadSuite(write('judge-none.yaml', 'dataset: d.jsonl\nscorers: [faithfulness]\n')).variants[0]!.judge).toBeUndefined();
  });

  it('lets a matrix compare judges, one configuration each', () => {
    const path = write('judges.yaml', 'dataset: d.jsonl\nscorers: [faithfulness]\nmatrix:\n  judge: [openai:gpt-4o-mini, ollama:qwen2.5:7b]\n');
    expect(loadSuite(path).variants.map((v) => [v.config, v.judge])).toEqual([
      ['judge=openai:gpt-4o-mini', 'openai:gpt-4o-mini'],
      ['judge=ollama:qwen2.5:7b', 'ollama:qwen2.5:7b'],
    ]);
  });

  it('names the judge field when it is not a target id string', () => {
    const path = write('judge-bad.yaml', 'dataset: d.jsonl\njudge: [openai:gpt-4o-mini]\nscorers: [faithfulness]\n');
    expect(messageOf(() => loadSuite(path))).toMatch(/judge-bad\.yaml: judge: Invalid input: expected string, received array/);
  });
});
