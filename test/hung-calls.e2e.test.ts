// A run against a server that never answers, end to end: the per-call timeout (a suite's
// timeout_ms, or `lunar bench --timeout`) makes each hung call a timeout, the call is retried
// while the attempt's time budget lasts, and the attempt is stored as an error with that reason —
// not as a finished attempt stopped at max_time and scored as the model's failure.

import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBench } from '../runners/bench.ts';
import { timeoutWarning } from '../runners/plan.ts';
import { loadSuite, withCallTimeout } from '../runners/suite.ts';
import { OpenAiFake } from './fakes/openai-server.ts';

const root = resolve(import.meta.dirname, '..');

/** A suite of two cases in a fresh folder; `settings` is YAML appended to it. */
function suiteFile(settings: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lunar-hung-'));
  const cases = ['c1', 'c2'].map((id) => JSON.stringify({ id, input: `say done (${id})`, category: 'k', expected_contains: 'done' }));
  writeFileSync(join(dir, 'data.jsonl'), `${cases.join('\n')}\n`);
  const file = join(dir, 'suite.yaml');
  writeFileSync(file, `name: hung\ndataset: data.jsonl\ntools: [calculator]\nscorers: [answer_contains]\n${settings}`);
  return { dir, file };
}

let fake: OpenAiFake;
beforeEach(async () => {
  fake = await new OpenAiFake().start();
  fake.fault({ kind: 'hang' }, 1_000);
});
afterEach(() => fake.close());

describe('a hung server in a bench run', () => {
  it('retries each hung call within the time budget, then stores the attempt as an error, unscored', async () => {
    const { dir, file } = suiteFile('timeout_ms: 200\nbudget:\n  max_time_ms: 1500\n');
    const result = await runBench({
      suites: [loadSuite(file)],
      targets: ['openai:gpt-4o-mini'],
      fallbackTargets: [],
      home: join(dir, 'home'),
      cache: 'off',
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${fake.url}/v1` },
      progressStream: null,
    });
    expect(result.status).toBe('completed');
    expect(result.attempts).toHaveLength(2);
    for (const attempt of result.attempts) {
      expect(attempt).toMatchObject({ status: 'error', stopReason: 'error', scores: [] });
      expect(attempt.error).toMatch(/^openai: no answer within 200 ms \(\d+ tries; the time budget of 1500 ms ran out before one succeeded\)$/);
    }
    // Each attempt's call was tried more than once.
    expect(fake.requests.length).toBeGreaterThanOrEqual(4);
  });

  it('takes the per-call timeout from --timeout, and warns once when the budget cannot hold every try', async () => {
    const { dir, file } = suiteFile('budget:\n  max_time_ms: 1500\n');
    const home = join(dir, 'home');
    const env = { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${fake.url}/v1` };
    const run = await bench([file, '-t', 'openai:gpt-4o-mini', '--home', home, '--cache', 'off', '--timeout', '400'], env);
    const warnings = run.stderr.split('\n').filter((line) => line.includes('warning:'));
    expect(warnings).toEqual(['lunar: warning: the time budget is shorter than the per-call timeout × 5 tries (hung: 1.5 s < 0.4 s × 5): a call that hangs is retried only while the budget lasts, and not at all where the timeout is not shorter than the budget. Set timeout_ms in the suite, or --timeout <ms>.']);
    const db = new Database(join(home, 'results.db'), { readonly: true });
    const attempts = db.prepare('SELECT status, stop_reason, error FROM attempts').all() as { status: string; stop_reason: string; error: string }[];
    db.close();
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({ status: 'error', stop_reason: 'error' });
      expect(attempt.error).toMatch(/^openai: no answer within 400 ms \(\d+ tries; the time budget of 1500 ms ran out/);
    }
    expect(run.code).toBe(1); // errored attempts are failures of the run
  });
});

describe('timeoutWarning', () => {
  const targets = (ids: string[]) => () => ids;

  it('names each suite whose budget is shorter than the timeout × tries, for networked targets only', () => {
    const shipped = loadSuite(join(root, 'suites', 'tools.yaml'));
    expect(timeoutWarning([shipped], targets(['ollama:qwen2.5:7b']))).toContain('(tools: 60 s < 60 s × 5)');
    expect(timeoutWarning([shipped], targets(['baseline', 'scripted']))).toBeUndefined();
    expect(timeoutWarning([withCallTimeout(shipped, 12_000)], targets(['openai:gpt-4o-mini']))).toBeUndefined();
    expect(timeoutWarning([withCallTimeout(shipped, 20_000)], targets(['openai:gpt-4o-mini']))).toContain('(tools: 60 s < 20 s × 5)');
  });
});

function bench(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('node', [join(root, 'bin', 'lunar.js'), 'bench', ...args], { cwd: root, env: { ...process.env, CI: '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => done({ code, stderr }));
  });
}
