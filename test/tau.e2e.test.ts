// τ-bench retail through `lunar bench`: one fake OpenAI server plays the agent and the simulated
// user (test/fakes/tau-script.ts); task 0 gets the ground-truth calls (reward 1), task 1 a wrong
// payment method (reward 0, naming the write). Then the same run replayed from the cache with no
// key and nothing listening gives the same rewards; then a run killed with SIGKILL resumes.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipWithoutTauData, TAU_DATA_DIR } from '../agent/environments/tau/test-data.ts';
import { OpenAiFake } from './fakes/openai-server.ts';
import { tauFakeScript } from './fakes/tau-script.ts';

const root = resolve(import.meta.dirname, '..');
const skip = skipWithoutTauData('the τ-bench end-to-end test');

function bench(args: string[], env: Record<string, string | undefined>, killWhen?: () => boolean): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('node', [join(root, 'bin', 'lunar.js'), 'bench', ...args], { cwd: root, env: { ...process.env, CI: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    if (killWhen) {
      const poll = setInterval(() => {
        if (!killWhen()) return;
        clearInterval(poll);
        child.kill('SIGKILL');
      }, 5);
      child.on('exit', () => clearInterval(poll));
    }
    child.on('exit', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

interface Row {
  caseId: string;
  scores: { scorer: string; value: number; reason: string; details: Record<string, unknown> }[];
}

const rewards = (outDir: string) =>
  (JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8')).attempts as Row[]).map((a) => ({ id: a.caseId, reward: a.scores.find((s) => s.scorer === 'tau_reward')!.value, reason: a.scores[0]!.reason }));

describe.skipIf(skip)('lunar bench suites/tau-retail.yaml against a fake OpenAI playing agent and user', () => {
  let fake: OpenAiFake;
  const dir = mkdtempSync(join(tmpdir(), 'lunar-tau-'));
  const home = join(dir, 'home');
  const model = 'openai:gpt-4o-mini';
  const args = (out: string) => ['suites/tau-retail.yaml', '-t', model, '--user', model, '--limit', '2', '--home', home, '--out', join(dir, out)];

  beforeAll(async () => {
    fake = await new OpenAiFake().answerWith(tauFakeScript(TAU_DATA_DIR, 'retail', 'test', { wrongFor: [1] })).start();
  });
  afterAll(() => fake.close());

  it('scores the right episode 1 and the wrong write 0, then replays the same rewards with no key', async () => {
    const live = await bench(args('live'), { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${fake.url}/v1` });
    expect(live.code, live.stderr).toBe(0);
    const first = rewards(join(dir, 'live'));
    expect(first.map((r) => [r.id, r.reward])).toEqual([
      ['retail-test-0', 1],
      ['retail-test-1', 0],
    ]);
    expect(first[1]!.reason).toMatch(/expected write not made: exchange_delivered_order_items/);
    // Both parts were played by the one fake: user requests carry τ-bench's user prompt.
    const systems = fake.requests.map((r) => r.body?.messages?.[0]?.content as string);
    expect(systems.filter((s) => s.startsWith('You are a user interacting with an agent.')).length).toBe(4);
    expect(live.stdout).toMatch(/simulated user's calls cost \$/);
    const results = JSON.parse(readFileSync(join(dir, 'live', 'results.json'), 'utf8'));
    expect(results.run.config.lock.users).toEqual([{ target: model, strategy: 'llm', promptSha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);

    const before = fake.requests.length;
    const replay = await bench([...args('replay'), '--cache', 'replay'], { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' });
    expect(replay.code, replay.stderr).toBe(0);
    expect(fake.requests.length).toBe(before);
    expect(rewards(join(dir, 'replay'))).toEqual(first);
  });

  it('a run killed with SIGKILL resumes to every episode stored once', async () => {
    const h = join(dir, 'home-kill');
    const env = { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${fake.url}/v1` };
    const start = fake.requests.length;
    const runArgs = ['suites/tau-retail.yaml', '-t', model, '--limit', '6', '--home', h, '--cache', 'off', '--concurrency', '2'];
    const killed = await bench(runArgs, env, () => fake.requests.length - start >= 20);
    expect(killed.signal).toBe('SIGKILL');
    const db = new Database(join(h, 'results.db'), { readonly: true });
    const run = db.prepare('SELECT id FROM runs').get() as { id: string };
    db.close();
    const resumed = await bench(['--resume', run.id, '--home', h, '--cache', 'off'], env);
    expect(resumed.code, resumed.stderr).not.toBe(2);
    const after = new Database(join(h, 'results.db'), { readonly: true });
    const ids = (after.prepare('SELECT case_id AS id FROM attempts ORDER BY case_id').all() as { id: string }[]).map((r) => r.id);
    after.close();
    expect(ids).toEqual([0, 1, 2, 3, 4, 5].map((i) => `retail-test-${i}`).sort());
  });
});

describe.skipIf(skip)('lunar bench suites/tau-retail.yaml --user human: you play the user at the terminal', () => {
  it('shows each instruction and agent reply, takes the typed lines as the user turns, one episode at a time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-tau-human-'));
    const out = join(dir, 'out');
    // Two episodes, asked for at concurrency 4: the person's lines go to the first episode until
    // its ###STOP###, then to the second (whose user gives up at the end of input).
    const typed = ['Hello, I want to return an item.', 'Yes please.', '###STOP###', 'Hi, I need help with an order.'].join('\n');
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn('node', [join(root, 'bin', 'lunar.js'), 'bench', 'suites/tau-retail.yaml', '-t', 'baseline', '--user', 'human', '--limit', '2', '--concurrency', '4', '--home', join(dir, 'home'), '--out', out], {
        cwd: root,
        env: { ...process.env, CI: '' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.stdin.end(`${typed}\n`);
      child.on('exit', (code) => done({ code, stdout, stderr }));
    });
    expect(result.code, result.stderr).toBe(0);
    const shown = result.stdout.split('You play the user.').slice(1);
    expect(shown).toHaveLength(2);
    expect(shown[0]).toContain('Your instruction (the agent cannot see it):');
    expect(shown[0]).toMatch(/agent: /);
    const db = new Database(join(dir, 'home', 'results.db'), { readonly: true });
    const rows = db.prepare('SELECT case_id AS caseId, trace FROM attempts ORDER BY case_id').all() as { caseId: string; trace: string }[];
    db.close();
    const attempts = rows.map((r) => ({ caseId: r.caseId, trace: JSON.parse(r.trace) as { messages: { role: string; content: string }[]; episode: { user: { strategy: string } } } }));
    const userTurns = (id: string) => attempts.find((a) => a.caseId === id)!.trace.messages.filter((m) => m.role === 'user').map((m) => m.content);
    expect(userTurns('retail-test-0')).toEqual(['Hello, I want to return an item.', 'Yes please.', '###STOP###']);
    expect(userTurns('retail-test-1')).toEqual(['Hi, I need help with an order.', '###STOP###']);
    expect(attempts.map((a) => a.trace.episode.user.strategy)).toEqual(['human', 'human']);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.run.config.lock.users).toEqual([{ target: 'human', strategy: 'human', promptSha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  });
});
