// `lunar bfcl-check` through the real `lunar` program (main): on the dev verdict file, filtered by
// category, it prints BFCL's verdict and error type for every line, in order; bad input is one
// line naming file, line and field, and exit code 2.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from './main.ts';
import { referenceData } from '../test/reference-data.ts';

const bfcl = referenceData('bfcl');
const questions = (category: string) => bfcl.file(`BFCL_v4_${category}.json`);
const answers = (category: string) => bfcl.file(`possible_answer/BFCL_v4_${category}.json`);
const VERDICT_LINES = bfcl.present ? readFileSync(bfcl.file('checker_verdicts_dev.jsonl'), 'utf8').trim().split('\n') : [];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lunar-bfcl-check-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
});

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function lunar(...args: string[]): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => {
    stderr += `${parts.join(' ')}\n`;
  });
  const code = await main(['node', 'lunar', 'bfcl-check', ...args]);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

function write(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
  return path;
}

const CATEGORIES = [
  ['simple_python', 1803],
  ['multiple', 1246],
  ['parallel', 1440],
  ['irrelevance', 200],
] as const;

describe.skipIf(!bfcl.present)('lunar bfcl-check', () => {
  it.each(CATEGORIES)("%s: prints BFCL's verdict and error type for each of the %i outputs, in order", async (category, count) => {
    const lines = VERDICT_LINES.filter((l) => (JSON.parse(l) as { category: string }).category === category);
    const outputs = write(`${category}.jsonl`, lines);
    const args = ['--category', category, '--questions', questions(category), '--outputs', outputs];
    const ran = await lunar(...(category === 'irrelevance' ? args : [...args, '--answers', answers(category)]));
    expect([ran.code, ran.stderr]).toEqual([0, '']);
    const printed = ran.stdout.trimEnd().split('\n');
    const expected = lines.map((l) => {
      const { id, valid, error_type } = JSON.parse(l) as { id: string; valid: boolean; error_type: string | null };
      return JSON.stringify({ id, valid, error_type });
    });
    expect(printed).toHaveLength(count);
    expect(printed.filter((p, i) => p !== expected[i])).toEqual([]);
  });

  it('takes "simple" as BFCL v3\'s name for simple_python, and underscore_to_dot per line', async () => {
    const call = (name: string, u2d?: boolean) =>
      JSON.stringify({ id: 'simple_python_0', calls: [{ name, arguments: { base: 10, height: 5 } }], ...(u2d === undefined ? {} : { underscore_to_dot: u2d }) });
    const outputs = write('simple.jsonl', [call('calculate_triangle_area'), call('calculate_triangle_area', true), JSON.stringify({ id: 'simple_python_0', calls: [] })]);
    const ran = await lunar('--category', 'simple', '--questions', questions('simple_python'), '--answers', answers('simple_python'), '--outputs', outputs);
    expect(ran.stdout).toBe(
      '{"id":"simple_python_0","valid":true,"error_type":null}\n' +
        '{"id":"simple_python_0","valid":true,"error_type":null}\n' +
        '{"id":"simple_python_0","valid":false,"error_type":"simple_function_checker:wrong_count"}\n',
    );
  });

  it('an output id missing from the question file: exit 2, one line naming file, line and field, nothing on stdout', async () => {
    const good = JSON.stringify({ id: 'multiple_0', calls: [] });
    const outputs = write('unknown-id.jsonl', [good, JSON.stringify({ id: 'multiple_9999', calls: [] })]);
    const ran = await lunar('--category', 'multiple', '--questions', questions('multiple'), '--answers', answers('multiple'), '--outputs', outputs);
    expect(ran).toEqual({ code: 2, stdout: '', stderr: `lunar: ${outputs}:2: id: 'multiple_9999' is not in ${questions('multiple')}\n` });
  });

  it('a line of another category, a malformed line, or a call without arguments: exit 2 naming the line', async () => {
    const other = write('other-category.jsonl', [VERDICT_LINES.find((l) => l.includes('"category": "parallel"'))!]);
    const wrong = await lunar('--category', 'simple_python', '--questions', questions('simple_python'), '--answers', answers('simple_python'), '--outputs', other);
    expect([wrong.code, wrong.stderr]).toEqual([2, `lunar: ${other}:1: category: 'parallel' differs from --category simple_python\n`]);

    const broken = write('broken.jsonl', ['{"id": "irrelevance_0", "calls": []}', '{"id": "irrelevance_0", "calls": [}']);
    const bad = await lunar('--category', 'irrelevance', '--questions', questions('irrelevance'), '--outputs', broken);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(new RegExp(`^lunar: ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: \\(line\\): not valid JSON: .*\\n$`));

    const noArgs = write('no-args.jsonl', ['{"id": "irrelevance_0", "calls": [{"name": "f"}]}']);
    const missing = await lunar('--category', 'irrelevance', '--questions', questions('irrelevance'), '--outputs', noArgs);
    expect([missing.code, missing.stderr]).toEqual([2, `lunar: ${noArgs}:1: calls.0.arguments: Invalid input: expected record, received undefined\n`]);
  });

  it('no --answers for a category that needs them, or an unknown --category: exit 2', async () => {
    const outputs = write('empty-calls.jsonl', ['{"id": "parallel_0", "calls": []}']);
    const noAnswers = await lunar('--category', 'parallel', '--questions', questions('parallel'), '--outputs', outputs);
    expect(noAnswers).toEqual({ code: 2, stdout: '', stderr: 'lunar: --answers: category parallel needs the possible-answer file (possible_answer/BFCL_v4_parallel.json)\n' });
    const unknown = await lunar('--category', 'multi_turn_base', '--questions', questions('parallel'), '--outputs', outputs);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/argument 'multi_turn_base' is invalid\. Allowed choices are simple_python, simple_java, simple_javascript, multiple, parallel, parallel_multiple, irrelevance, live_simple, live_multiple, live_parallel, live_parallel_multiple, live_irrelevance, live_relevance, simple/);
  });
});
