// What a newcomer meets in the first hour, through the real `lunar` command as a child process:
// a dataset without categories, a run mixing targets at high concurrency, `lunar chat` from stdin.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

function lunar(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<Ran> {
  // No model is reachable: keys cleared, Ollama pointed at a closed port.
  const env = { ...process.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '', GEMINI_API_KEY: '', GOOGLE_API_KEY: '', GROQ_API_KEY: '', OLLAMA_HOST: 'http://127.0.0.1:9', CI: '', ...options.env };
  const child = spawn('node', [bin, ...args], { cwd: root, env });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (out.stdout += String(chunk)));
  child.stderr.on('data', (chunk) => (out.stderr += String(chunk)));
  child.stdin.end(options.input ?? '');
  return new Promise((done) => child.on('close', (code) => done({ code: code ?? 1, ...out })));
}

const scratch = () => mkdtempSync(join(tmpdir(), 'lunar-first-hour-'));

describe('a dataset without categories', () => {
  it('runs, its cases reported under the category "default"', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'data.jsonl'), `${JSON.stringify({ id: 'a', input: 'say ok', expected_contains: 'ok', script: [{ text: 'ok' }] })}\n`);
    writeFileSync(join(dir, 'plain.yaml'), 'name: plain\ndataset: data.jsonl\nscorers: [answer_contains]\n');
    const ran = await lunar(['bench', join(dir, 'plain.yaml'), '-t', 'scripted', '--home', join(dir, 'home'), '--out', join(dir, 'out')]);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/plain\s+default\s+scripted\s+1\s+0\s+100\.0%/);
    expect(readFileSync(join(dir, 'out', 'results.json'), 'utf8')).toContain('"caseId":"a","category":"default"');
  });
});

describe('a run that mixes targets at high concurrency', () => {
  it('prints no MaxListenersExceededWarning: 140 attempts, 32 at a time, share one abort signal', async () => {
    const dir = scratch();
    const ran = await lunar(['bench', 'tools', '-t', 'baseline', '-t', 'baseline:second', '--concurrency', '32', '--home', join(dir, 'home'), '--out', join(dir, 'out')]);
    expect(ran.stdout).toContain('140 attempts');
    expect(ran.stderr).not.toContain('MaxListenersExceededWarning');
    expect(ran.stderr).not.toContain('memory leak');
  }, 60_000);
});
