// A run killed with SIGKILL at a random point, then resumed: every attempt of the plan is stored
// exactly once, and nothing that was stored before the kill is run again.
import { slowOpenAi } from './fakes/slow-openai.ts';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const CASES = 40;


/**
 * Runs `lunar bench`; with `kill`, sends SIGKILL once `kill.when()` holds (polled), plus a random
 * extra delay, so the kill lands somewhere inside the run whatever the start-up time.
 */
function bench(args: string[], env: Record<string, string>, kill?: { when: () => boolean; extraMs: number }): Promise<{ code: number | null; signal: string | null; stdout: string }> {
  return new Promise((done) => {
    const child = spawn('node', [join(root, 'bin', 'lunar.js'), 'bench', ...args], { cwd: root, env: { ...process.env, CI: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    if (kill) {
      const poll = setInterval(() => {
        if (!kill.when()) return;
        clearInterval(poll);
        setTimeout(() => child.kill('SIGKILL'), kill.extraMs);
      }, 10);
      child.on('exit', () => clearInterval(poll));
    }
    child.on('exit', (code, signal) => done({ code, signal, stdout }));
  });
}

describe('resume after SIGKILL', () => {
  it('stores every planned attempt exactly once and redoes nothing that was stored', async () => {
    const fake = await slowOpenAi(80);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'lunar-resume-'));
      const lines = Array.from({ length: CASES }, (_, i) => JSON.stringify({ id: `c${String(i).padStart(2, '0')}`, input: `say done (${i})`, category: 'k', expected_contains: 'done' }));
      writeFileSync(join(dir, 'data.jsonl'), `${lines.join('\n')}\n`);
      writeFileSync(join(dir, 'suite.yaml'), 'name: slow\ndataset: data.jsonl\ntools: [calculator]\nscorers: [answer_contains]\n');
      const home = join(dir, 'home');
      const env = { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${fake.url}/v1` };
      const args = [join(dir, 'suite.yaml'), '-t', 'openai:gpt-4o-mini', '--home', home, '--concurrency', '4'];

      // 40 attempts of 80 ms, 4 at a time, take about 0.8 s once the first request arrives: kill inside.
      const killed = await bench(args, env, { when: () => fake.requests.length > 0, extraMs: Math.floor(Math.random() * 600) });
      expect(killed.signal).toBe('SIGKILL');
      const db = new Database(join(home, 'results.db'), { readonly: true });
      const run = db.prepare('SELECT id, status FROM runs').get() as { id: string; status: string };
      const storedBefore = (db.prepare('SELECT count(*) AS n FROM attempts').get() as { n: number }).n;
      db.close();
      expect(run.status).toBe('running');
      const requestsBefore = fake.requests.length;
      // Only attempts in flight at the kill may have been sent and not stored.
      expect(requestsBefore - storedBefore).toBeGreaterThanOrEqual(0);
      expect(requestsBefore - storedBefore).toBeLessThanOrEqual(4);

      const resumed = await bench(['--resume', run.id, '--home', home], env);
      expect(resumed.code).toBe(0);
      expect(resumed.stdout).toContain(`run ${run.id} completed: ${CASES} attempts`);
      const after = new Database(join(home, 'results.db'), { readonly: true });
      const counts = after.prepare('SELECT count(*) AS n, count(DISTINCT case_id) AS cases FROM attempts WHERE run_id = ?').get(run.id) as { n: number; cases: number };
      const status = (after.prepare('SELECT status FROM runs WHERE id = ?').get(run.id) as { status: string }).status;
      after.close();
      expect(counts).toEqual({ n: CASES, cases: CASES });
      expect(status).toBe('completed');
      // Nothing stored before the kill was asked again.
      expect(fake.requests.length - requestsBefore).toBe(CASES - storedBefore);
    } finally {
      await fake.close();
    }
  }, 60_000);

  it('refuses to resume when the dataset changed since the run started', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-resume-'));
    writeFileSync(join(dir, 'data.jsonl'), `${JSON.stringify({ id: 'a', input: 'hi', category: 'k', expected_no_tool: true })}\n`);
    writeFileSync(join(dir, 'suite.yaml'), 'name: tiny\ndataset: data.jsonl\nscorers: [tool_name_match]\ntargets: [baseline]\n');
    const home = join(dir, 'home');
    const first = await bench([join(dir, 'suite.yaml'), '--home', home], {});
    const runId = /run (\S+) completed/.exec(first.stdout)![1]!;
    writeFileSync(join(dir, 'data.jsonl'), `${JSON.stringify({ id: 'a', input: 'hello', category: 'k', expected_no_tool: true })}\n`);
    const again = await new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = spawn('node', [join(root, 'bin', 'lunar.js'), 'bench', '--resume', runId, '--home', home], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code) => done({ code, stderr }));
    });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/dataset .*data\.jsonl changed since the run started; start a new run instead/);
  }, 30_000);
});
