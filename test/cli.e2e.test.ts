// End to end through the real `lunar` command, as a user runs it.
import Database from 'better-sqlite3';
import { GatedOpenAi } from './fakes/gated-openai.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withInterrupts } from '../cli/bench.ts';
import type { HttpFake } from './fakes/http-fake.ts';
import { OpenAiFake } from './fakes/openai-server.ts';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'lunar.js');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

interface Running {
  child: ChildProcess;
  /** What the command has printed so far. */
  out: { stdout: string; stderr: string };
  done: Promise<Ran>;
}

function start(args: string[], env: Record<string, string> = {}, input?: string): Running {
  // No model is reachable: keys cleared, Ollama pointed at a closed port.
  const cleanEnv = { ...process.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '', GEMINI_API_KEY: '', GOOGLE_API_KEY: '', GROQ_API_KEY: '', OLLAMA_HOST: 'http://127.0.0.1:9', CI: '', ...env };
  const child = spawn('node', [bin, ...args], { cwd: root, env: cleanEnv });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk) => (out.stdout += String(chunk)));
  child.stderr!.on('data', (chunk) => (out.stderr += String(chunk)));
  child.stdin!.end(input ?? '');
  const done = new Promise<Ran>((resolve) => child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), ...out })));
  return { child, out, done };
}

function lunar(args: string[], env: Record<string, string> = {}, input?: string): Promise<Ran> {
  return start(args, env, input).done;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A suite of `n` cases over a fresh folder, each expecting "done" in the answer. */
function smallSuite(n: number): { dir: string; suite: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lunar-e2e-suite-'));
  const cases = Array.from({ length: n }, (_, i) => JSON.stringify({ id: `c${i + 1}`, input: `say done (${i + 1})`, category: 'k', expected_contains: 'done' }));
  writeFileSync(join(dir, 'data.jsonl'), `${cases.join('\n')}\n`);
  writeFileSync(join(dir, 'suite.yaml'), 'name: small\ndataset: data.jsonl\ntools: [calculator]\nscorers: [answer_contains]\n');
  return { dir, suite: join(dir, 'suite.yaml') };
}

const fakes: HttpFake[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.close();
});

function readDb(home: string): { runs: { status: string }[]; attempts: { case_id: string; status: string; stop_reason: string; final_answer: string | null }[] } {
  const db = new Database(join(home, 'results.db'), { readonly: true });
  try {
    return {
      runs: db.prepare('SELECT status FROM runs').all() as never,
      attempts: db.prepare('SELECT case_id, status, stop_reason, final_answer FROM attempts ORDER BY case_id').all() as never,
    };
  } finally {
    db.close();
  }
}

describe('a broken price file', () => {
  it('is bad input: one line naming the file, exit code 2, before anything runs', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lunar-prices-')), 'prices.json');
    writeFileSync(file, '{ "openai:x": { "input": "cheap" } }');
    const ran = await lunar(['bench', 'tools', '--home', mkdtempSync(join(tmpdir(), 'lunar-e2e-'))], { LUNAR_PRICES: file });
    expect(ran.code).toBe(2);
    expect(ran.stderr.trim().split('\n')).toHaveLength(1);
    expect(ran.stderr).toContain(file);
  });
});

describe('lunar bench', () => {
  it('runs the tools suite on the baseline when no model is reachable, says so, prints the table and writes results', async () => {
    const home = mkdtempSync(join(tmpdir(), 'lunar-e2e-'));
    const ran = await lunar(['bench', 'tools', '--home', home]);
    expect(ran.code).toBe(0);
    expect(ran.stderr).not.toMatch(/attempts? failed on/);
    expect(ran.stdout).toContain('No model is reachable, so this run uses the built-in baseline');
    const cases = readFileSync(join(root, 'datasets', 'tools.jsonl'), 'utf8').split('\n').filter((line) => line.trim() !== '').length;
    const runId = new RegExp(`^run (\\S+) completed: ${cases} attempts; files in ${join(home, 'runs')}/\\S+$`, 'm').exec(ran.stdout)?.[1];
    expect(runId).toBeDefined();
    const results = JSON.parse(readFileSync(join(home, 'runs', runId!, 'results.json'), 'utf8'));
    expect(results).toMatchObject({ schema: 'lunar.results', version: 1, run: { id: runId, status: 'completed' } });

    // The baseline is deterministic: one attempt per dataset line, none errored, and the stored
    // pass rate is the one the attempts give (passed / attempts that some scorer could check).
    expect(results.attempts).toHaveLength(cases);
    expect(results.attempts.every((a: { status: string; target: string }) => a.status === 'ok' && a.target === 'baseline')).toBe(true);
    type Stored = { status: string; scores: { status: string; pass: boolean | null }[] };
    const scored = (a: Stored) => a.scores.filter((s) => s.status === 'scored');
    const judged = results.attempts.filter((a: Stored) => a.status !== 'ok' || scored(a).length > 0 || a.scores.some((s) => s.status === 'error'));
    const passed = judged.filter((a: Stored) => a.status === 'ok' && !a.scores.some((s) => s.status === 'error') && scored(a).every((s) => s.pass === true));
    expect(results.aggregates).toHaveLength(1);
    expect(results.aggregates[0]).toMatchObject({ suite: 'tools', config: 'default', target: 'baseline', attempts: cases, errors: 0 });
    expect(results.aggregates[0].passRate).toBe(passed.length / judged.length);

    // The table prints those same figures.
    const percent = `${((passed.length / judged.length) * 100).toFixed(1)}%`;
    expect(ran.stdout).toMatch(new RegExp(`^tools\\s+default\\s+baseline\\s+${cases}\\s+0\\s+${percent.replace('.', '\\.')}\\s`, 'm'));
    const db = readDb(home);
    expect(db.runs).toEqual([{ status: 'completed' }]);
    expect(db.attempts).toHaveLength(cases);
  });

  it('refuses a target whose API key is not set, in one line with exit code 2, before running anything', async () => {
    const home = mkdtempSync(join(tmpdir(), 'lunar-e2e-'));
    const ran = await lunar(['bench', 'tools', '--target', 'openai:gpt-4o-mini', '--home', home]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toBe('lunar: target openai:gpt-4o-mini: OPENAI_API_KEY is not set. Export it (e.g. `export OPENAI_API_KEY=...`) or pick another target.\n');
    expect(existsSync(join(home, 'results.db'))).toBe(false);
  });

  it('names each distinct attempt failure once with its count, and exits 1', async () => {
    const fake = await new OpenAiFake().start();
    fakes.push(fake);
    for (let i = 0; i < 3; i++) fake.fault({ kind: 'status', status: 404, body: { error: { message: 'The model `gpt-nope` does not exist' } } });
    const { suite } = smallSuite(3);
    const home = mkdtempSync(join(tmpdir(), 'lunar-e2e-'));
    // A compatible server at its own address needs no key.
    const ran = await lunar(['bench', suite, '--target', 'openai:gpt-nope', '--home', home], { OPENAI_BASE_URL: `${fake.url}/v1` });
    expect(ran.code).toBe(1);
    const lines = ran.stderr.split('\n').filter((line) => line.includes('failed on'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^3 attempts failed on openai:gpt-nope: openai: .*The model `gpt-nope` does not exist/);
    expect(ran.stdout).toMatch(/^run \S+ completed: 3 attempts/m);
  });

  it('on Ctrl-C starts no new attempt, lets those in flight finish and keeps them, and exits 130', async () => {
    const fake = await new GatedOpenAi().start();
    fakes.push(fake);
    const { suite } = smallSuite(5);
    const home = mkdtempSync(join(tmpdir(), 'lunar-e2e-'));
    const run = start(['bench', suite, '--target', 'openai:gpt-4o-mini', '--concurrency', '2', '--home', home], { OPENAI_BASE_URL: `${fake.url}/v1` });
    await until(() => fake.requests.length === 2, 'two attempts in flight');
    run.child.kill('SIGINT');
    await until(() => run.out.stderr.includes('stopping:'), 'the stopping message');
    fake.release();
    const ran = await run.done;
    expect(ran.code).toBe(130);
    expect(fake.requests).toHaveLength(2);
    expect(ran.stdout).toMatch(/^run \S+ interrupted: 2 attempts/m);
    expect(readDb(home)).toEqual({
      runs: [{ status: 'interrupted' }],
      attempts: [
        { case_id: 'c1', status: 'ok', stop_reason: 'final', final_answer: 'done' },
        { case_id: 'c2', status: 'ok', stop_reason: 'final', final_answer: 'done' },
      ],
    });
  });

  it('on a second Ctrl-C exits 130 at once with the run marked interrupted', async () => {
    const fake = await new GatedOpenAi().start();
    fakes.push(fake);
    const { suite } = smallSuite(5);
    const home = mkdtempSync(join(tmpdir(), 'lunar-e2e-'));
    const run = start(['bench', suite, '--target', 'openai:gpt-4o-mini', '--concurrency', '2', '--home', home], { OPENAI_BASE_URL: `${fake.url}/v1` });
    await until(() => fake.requests.length === 2, 'two attempts in flight');
    run.child.kill('SIGINT');
    await until(() => run.out.stderr.includes('stopping:'), 'the stopping message');
    run.child.kill('SIGINT');
    const ran = await run.done;
    expect(ran.code).toBe(130);
    // The two attempts never finished: nothing to keep, and the run says it was interrupted.
    expect(readDb(home)).toEqual({ runs: [{ status: 'interrupted' }], attempts: [] });
  });

  it('removes its Ctrl-C and SIGTERM handlers when the run ends, however it ends', async () => {
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    await withInterrupts(async () => {
      expect(process.listenerCount('SIGINT')).toBe(before[0]! + 1);
    });
    await expect(withInterrupts(async () => Promise.reject(new Error('run broke')))).rejects.toThrow('run broke');
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before);
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
  it('chat, serve and telegram refuse an external agent as their target: one line, exit 2', async () => {
    for (const [command, target] of [['chat', 'exec:cat'], ['serve', 'module:./agent.ts#reply'], ['telegram', 'http:./agent.yaml']] as const) {
      const ran = await lunar([command, '--target', target], { TELEGRAM_BOT_TOKEN: '123456:test-token-for-lunar' }, '');
      expect(ran.code, command).toBe(2);
      expect(ran.stderr.trim()).toBe(`lunar: target ${target} is an agent of its own (http, module, exec): lunar ${command} runs Lunar's agent on a model; put your agent under test with lunar bench`);
    }
  });

  it('shows each tool call as it happens and prints the answer, turn after turn', async () => {
    const ran = await lunar(['chat', '--target', 'baseline', '--home', mkdtempSync(join(tmpdir(), 'lunar-chat-home-'))], {}, 'What is 2+3*4?\nShow me config/settings.json\n');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('→ calculator({"expression":"2+3*4"})');
    expect(ran.stdout).toContain('calculator says: 14');
    expect(ran.stdout).toContain('→ read_file({"path":"config/settings.json"})');
    expect(ran.stdout).toContain('8080');
  });

  it('names the missing key in one line and exits 2', async () => {
    const ran = await lunar(['chat', '--target', 'openai:gpt-4o-mini'], {}, 'hello\n');
    expect(ran.code).toBe(2);
    expect(ran.stdout).toBe('');
    expect(ran.stderr).toBe('lunar: target openai:gpt-4o-mini: OPENAI_API_KEY is not set. Export it (e.g. `export OPENAI_API_KEY=...`) or pick another target.\n');
  });

  it('refuses the scripted target, which needs a script per case, in one line with exit code 2', async () => {
    const ran = await lunar(['chat', '--target', 'scripted'], {}, 'hello\n');
    expect(ran.code).toBe(2);
    expect(ran.stderr).toBe('lunar: the scripted target needs a script; use it with lunar bench\n');
  });
});
