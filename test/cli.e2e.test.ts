// End to end through the real `lunar` command, as a user runs it.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'lunar.js');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function lunar(args: string[], env: Record<string, string> = {}, input?: string): Promise<Ran> {
  // No model is reachable: keys cleared, Ollama pointed at a closed port.
  const cleanEnv = { ...process.env, OPENAI_API_KEY: '', GEMINI_API_KEY: '', GOOGLE_API_KEY: '', GROQ_API_KEY: '', OLLAMA_HOST: 'http://127.0.0.1:9', CI: '', ...env };
  return new Promise((resolve) => {
    const child = execFile('node', [bin, ...args], { cwd: root, env: cleanEnv }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin!.end(input ?? '');
  });
}

describe('lunar bench', () => {
  it('runs the tools suite on the baseline when no model is reachable, says so, prints the table and writes results', async () => {
    const home = mkdtempSync(join(tmpdir(), 'lunar-e2e-'));
    const ran = await lunar(['bench', 'tools', '--home', home]);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('No model is reachable, so this run uses the built-in baseline');
    expect(ran.stdout).toMatch(/suite\s+target\s+cases\s+errors\s+pass rate\s+answer_contains\s+tool_args_match\s+tool_name_match\s+p50 ms\s+p95 ms\s+tokens\s+cost \$/);
    expect(ran.stdout).toMatch(/tools\s+baseline\s+\d{2,}\s+0\s+\d+\.\d%/);
    const runId = /run (\S+) completed/.exec(ran.stdout)![1]!;
    const results = JSON.parse(readFileSync(join(home, 'runs', runId, 'results.json'), 'utf8'));
    expect(results).toMatchObject({ schema: 'lunar.results', version: 1, run: { id: runId, status: 'completed' } });
    expect(results.attempts.length).toBeGreaterThanOrEqual(60);
    expect(existsSync(join(home, 'results.db'))).toBe(true);
  });

  it('stops with exit code 2 and file:line: field on a malformed dataset line, before running anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-e2e-bad-'));
    writeFileSync(join(dir, 'data.jsonl'), `${JSON.stringify({ id: 'a', input: 'hi', category: 'x', expected_no_tool: true })}\n{"id": "b", "input": "x", "category": "y", "expected_tool_calls": [{"arguments": {}}]}\n`);
    writeFileSync(join(dir, 'suite.yaml'), 'dataset: data.jsonl\nscorers: [tool_name_match]\ntargets: [baseline]\n');
    const ran = await lunar(['bench', join(dir, 'suite.yaml'), '--home', join(dir, 'home')]);
    expect(ran.code).toBe(2);
    expect(ran.stderr.trim()).toBe(`lunar: ${join(dir, 'data.jsonl')}:2: expected_tool_calls.0.name: Invalid input: expected string, received undefined`);
    expect(existsSync(join(dir, 'home', 'results.db'))).toBe(false);
  });

  it('refuses an unknown target with exit code 2', async () => {
    const ran = await lunar(['bench', 'tools', '--target', 'nosuch:model', '--home', mkdtempSync(join(tmpdir(), 'lunar-e2e-'))]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/unknown target "nosuch:model"/);
  });
});

describe('lunar --help', () => {
  it('describes every subcommand and every option', async () => {
    const top = await lunar(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['bench', 'chat', 'perf']) expect(top.stdout).toContain(command);
    const bench = await lunar(['bench', '--help']);
    for (const option of ['--target', '--out', '--home', '--concurrency']) expect(bench.stdout).toContain(option);
    const chat = await lunar(['chat', '--help']);
    for (const option of ['--target', '--workspace', '--system', '--confirm-tools', '--no-stream']) expect(chat.stdout).toContain(option);
  });
});

describe('lunar chat', () => {
  it('shows each tool call as it happens and prints the answer, turn after turn', async () => {
    const ran = await lunar(['chat', '--target', 'baseline'], {}, 'What is 2+3*4?\nShow me config/settings.json\n');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('→ calculator({"expression":"2+3*4"})');
    expect(ran.stdout).toContain('calculator says: 14');
    expect(ran.stdout).toContain('→ read_file({"path":"config/settings.json"})');
    expect(ran.stdout).toContain('8080');
  });

  it('names the missing key in one line and exits 2', async () => {
    const ran = await lunar(['chat', '--target', 'openai:gpt-4o-mini'], {}, 'hello\n');
    expect(ran.stdout + ran.stderr).toContain('OPENAI_API_KEY is not set');
    expect(ran.stdout + ran.stderr).not.toMatch(/\n\s+at /);
  });
});
