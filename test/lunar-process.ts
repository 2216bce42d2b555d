// `lunar` as a child process, as a user runs it, for tests of what a user sees: exit code, the
// lines printed, how long it took. No model is reachable unless the test says so: keys cleared,
// Ollama pointed at a closed port.

import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'lunar.js');

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface Running {
  child: ChildProcess;
  /** What the command has printed so far. */
  out: { stdout: string; stderr: string };
  done: Promise<Ran>;
}

/** `input`, when given, is written to its stdin, which then ends; otherwise it has none. */
export function startLunar(args: string[], env: Record<string, string> = {}, cwd = ROOT, input?: string): Running {
  const started = performance.now();
  const child = spawn('node', [BIN, ...args], {
    cwd,
    env: { ...process.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '', GEMINI_API_KEY: '', GOOGLE_API_KEY: '', GROQ_API_KEY: '', TELEGRAM_BOT_TOKEN: '', OLLAMA_HOST: 'http://127.0.0.1:9', CI: '', ...env },
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (input !== undefined) child.stdin!.end(input);
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk) => (out.stdout += String(chunk)));
  child.stderr!.on('data', (chunk) => (out.stderr += String(chunk)));
  const done = new Promise<Ran>((done) => child.on('close', (code, signal) => done({ code, signal, ...out, ms: performance.now() - started })));
  return { child, out, done };
}

export function lunar(args: string[], env: Record<string, string> = {}, cwd = ROOT, input?: string): Promise<Ran> {
  return startLunar(args, env, cwd, input).done;
}

/** Resolves once `check` holds, polling; rejects after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
