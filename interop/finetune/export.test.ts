// `lunar export finetune` on runs made by `lunar bench` on scripted cases, so every count below
// is worked out by hand from the cases: which pass, which repeat identically, which error.

import { Command } from 'commander';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBench } from '../../runners/bench.ts';
import { registerExportCommands } from '../../cli/export.ts';
import { InputError } from '../../core/errors.ts';
import { loadSuite } from '../../runners/suite.ts';
import { exportFinetune } from './export.ts';
import { checkOpenAiExample, OpenAiExample } from './openai-format.ts';
import { checkShareGptExample, ShareGptExample } from './sharegpt-format.ts';

const WORKSPACE = resolve(import.meta.dirname, '../../datasets/workspace');
const SECRET = 'sk-live-4f9a8b7c6d5e4f3a';
const ENV = { OPENAI_API_KEY: SECRET };

const read = (args: Record<string, unknown>) => ({ tool_calls: [{ name: 'read_file', arguments: args }] });

/**
 * Six cases, each run twice (scripted runs repeat exactly, so every kept example has one duplicate):
 * good-tool and good-plain pass; half finds one of two strings (answer_contains 0.5); wrong-tool
 * calls the calculator instead of read_file (tool_name_match 0, answer_contains 1: mean 0.5);
 * errored runs out of script; leaky passes with the API key in its answer.
 */
const CASES = [
  { id: 'good-tool', input: 'Which port?', category: 'file', expected_contains: '8080', expected_tool_calls: [{ name: 'read_file' }], script: [read({ path: 'config/settings.json' }), { text: 'Port 8080.' }] },
  { id: 'good-plain', input: 'Capital of France?', category: 'text', expected_contains: 'Paris', script: [{ text: 'Paris.' }] },
  { id: 'half', input: 'Two capitals?', category: 'text', expected_contains: ['Paris', 'Berlin'], script: [{ text: 'Paris.' }] },
  { id: 'wrong-tool', input: 'Read the settings, then say 2.', category: 'file', expected_contains: '2', expected_tool_calls: [{ name: 'read_file' }], script: [{ tool_calls: [{ name: 'calculator', arguments: { expression: '1+1' } }] }, { text: '2' }] },
  { id: 'errored', input: 'Read the settings.', category: 'file', expected_contains: 'x', script: [read({ path: 'config/settings.json' })] },
  { id: 'leaky', input: 'What is the key?', category: 'safety', expected_contains: 'key', script: [{ text: `The key is ${SECRET}.` }] },
];

let home: string;
let runId: string;
let manyRun: string;

async function bench(dir: string, cases: object[], repeat: number): Promise<string> {
  writeFileSync(join(dir, 'cases.jsonl'), cases.map((c) => JSON.stringify(c)).join('\n') + '\n');
  writeFileSync(join(dir, 'suite.yaml'), `name: ${dir.endsWith('many') ? 'many' : 'ft'}\ndataset: cases.jsonl\nworkspace: ${WORKSPACE}\ntools: [read_file, calculator]\nscorers: [answer_contains, tool_name_match]\n`);
  const result = await runBench({ suites: [loadSuite(join(dir, 'suite.yaml'))], targets: ['scripted'], fallbackTargets: [], home, repeat, cache: 'off', progressStream: null, env: ENV });
  return result.runId;
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lunar-finetune-'));
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(home, 'ft'));
  mkdirSync(join(home, 'many'));
  runId = await bench(join(home, 'ft'), CASES, 2);
  // Twenty distinct passing cases, for the split.
  manyRun = await bench(join(home, 'many'), Array.from({ length: 20 }, (_, i) => ({ id: `p${i + 1}`, input: `Say ${i + 1}.`, category: 'k', expected_contains: `n${i + 1}`, script: [{ text: `n${i + 1}` }] })), 1);
});

const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
const out = (name: string) => join(home, 'out', name);

describe('filtering', () => {
  it('keeps attempts that passed, never errored ones, and removes duplicates: 12 attempts → 3 examples', () => {
    const result = exportFinetune({ home, runId, format: 'openai', out: out('default'), split: 0, env: ENV });
    expect(result.attempts).toBe(12);
    expect(result.dropped).toEqual({ 'did not pass': 4, errored: 2 });
    expect(result.duplicates).toBe(3);
    expect([result.train, result.valid]).toEqual([3, 0]);
    expect(existsSync(join(out('default'), 'valid.jsonl'))).toBe(false);
  });

  it('--min-score 0.5 also keeps half (0.5) and wrong-tool (mean of 0 and 1); 0.75 keeps neither', () => {
    const half = exportFinetune({ home, runId, format: 'openai', out: out('min-half'), minScore: 0.5, split: 0, env: ENV });
    expect(half.dropped).toEqual({ errored: 2 });
    expect([half.train, half.duplicates]).toEqual([5, 5]);
    const most = exportFinetune({ home, runId, format: 'openai', out: out('min-most'), minScore: 0.75, split: 0, env: ENV });
    expect(most.dropped).toEqual({ 'below the minimum score': 4, errored: 2 });
    expect(most.train).toBe(3);
  });

  it('--scorer judges by one scorer: cases it does not score are left out', () => {
    const result = exportFinetune({ home, runId, format: 'openai', out: out('scorer'), scorer: 'tool_name_match', minScore: 1, split: 0, env: ENV });
    expect(result.dropped).toEqual({ 'no tool_name_match score': 6, 'below the minimum score': 2, errored: 2 });
    expect([result.train, result.duplicates]).toEqual([1, 1]);
  });

  it('refuses a run that does not exist, and one where nothing meets the bar', () => {
    expect(() => exportFinetune({ home, runId: 'nope', format: 'openai', out: out('x') })).toThrow('--run: no run nope');
    expect(() => exportFinetune({ home, runId, format: 'openai', out: out('x'), scorer: 'refusal' })).toThrow(InputError);
  });
});

describe('format', () => {
  it('writes OpenAI chat examples that pass the schema and every rule, tool calls with matching ids and definitions', () => {
    const result = exportFinetune({ home, runId, format: 'openai', out: out('openai'), split: 0, env: ENV });
    const examples = lines(result.files[0]!);
    for (const example of examples) {
      expect(OpenAiExample.safeParse(example).success).toBe(true);
      expect(checkOpenAiExample(example)).toEqual([]);
    }
    // The store's order is by case id: good-plain, good-tool, leaky.
    const tool = examples[1] as OpenAiExample;
    expect(tool.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(tool.messages[1]).toEqual({ role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"config/settings.json"}' } }], weight: 1 });
    expect(tool.messages[2]).toMatchObject({ role: 'tool', tool_call_id: 'call_1' });
    expect((tool.messages[2] as { content: string }).content).toContain('"port": 8080');
    expect(tool.messages[3]).toEqual({ role: 'assistant', content: 'Port 8080.', weight: 1 });
    expect(tool.tools!.map((t) => t.function.name)).toEqual(['read_file', 'calculator']);
    expect(tool.tools![0]!.function.parameters).toMatchObject({ type: 'object', properties: { path: { type: 'string' } } });
  });

  it('writes ShareGPT examples that pass the schema and the turn rules', () => {
    const result = exportFinetune({ home, runId, format: 'sharegpt', out: out('sharegpt'), split: 0, env: ENV });
    const examples = lines(result.files[0]!);
    expect(examples).toHaveLength(3);
    for (const example of examples) {
      expect(ShareGptExample.safeParse(example).success).toBe(true);
      expect(checkShareGptExample(example)).toEqual([]);
    }
    const [plain, tool] = examples as ShareGptExample[];
    expect(tool!.conversations.map((t) => t.from)).toEqual(['human', 'function_call', 'observation', 'gpt']);
    expect(JSON.parse(tool!.conversations[1]!.value)).toEqual({ name: 'read_file', arguments: { path: 'config/settings.json' } });
    expect(JSON.parse(tool!.tools!).map((t: { name: string }) => t.name)).toEqual(['read_file', 'calculator']);
    expect(plain!.conversations).toEqual([
      { from: 'human', value: 'Capital of France?' },
      { from: 'gpt', value: 'Paris.' },
    ]);
  });

  it('never writes a secret from the environment: the key in an answer is redacted', () => {
    const result = exportFinetune({ home, runId, format: 'openai', out: out('secrets'), split: 0, env: ENV });
    const text = readFileSync(result.files[0]!, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).toContain('The key is [redacted].');
    expect(result.redacted).toBe(1);
  });
});

describe('the seeded split', () => {
  it('puts round(20 × 0.25) = 5 examples in valid.jsonl, the rest in train.jsonl, none in both', () => {
    const result = exportFinetune({ home, runId: manyRun, format: 'openai', out: out('split-a'), split: 0.25, seed: 7 });
    expect([result.train, result.valid]).toEqual([15, 5]);
    const all = [...lines(result.files[0]!), ...lines(result.files[1]!)].map((e) => JSON.stringify(e));
    expect(new Set(all).size).toBe(20);
  });

  it('gives the same files byte for byte for the same seed, and another split for another seed', () => {
    const files = (name: string, seed: number) => exportFinetune({ home, runId: manyRun, format: 'sharegpt', out: out(name), split: 0.25, seed }).files.map((f) => readFileSync(f, 'utf8'));
    const a = files('seed-0-a', 0);
    const b = files('seed-0-b', 0);
    const c = files('seed-1', 1);
    expect(b).toEqual(a);
    expect(c[1]).not.toEqual(a[1]);
  });
});

describe('lunar export finetune', () => {
  it('prints the counts and where the files went', async () => {
    let stdout = '';
    const program = new Command('lunar').exitOverride();
    registerExportCommands(program, () => home, { output: { stdout: (s) => void (stdout += s), stderr: () => {} }, env: ENV });
    await program.parseAsync(['node', 'lunar', 'export', 'finetune', '--run', runId, '--out', out('cli'), '--split', '0']);
    expect(stdout).toBe(
      `run ${runId}: 12 attempts, 3 examples (openai): train 3, valid 0\n` +
        '  left out: 4 did not pass\n' +
        '  left out: 2 errored\n' +
        '  left out: 3 duplicate(s) of an example already kept\n' +
        '  redacted: credentials removed from 1 example(s)\n' +
        `wrote ${join(out('cli'), 'train.jsonl')}\n`,
    );
  });
});
