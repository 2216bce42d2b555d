// Two `lunar bench --resume` of one run at once, as child processes: one resumes it, the other is
// refused with exit 2 and a line saying so, and every attempt of the plan is stored once. The run
// was first killed with SIGKILL, so its claim was left behind by a dead process: the resume after
// a kill -9 must still work.

import { slowOpenAi } from './fakes/slow-openai.ts';
import Database from 'better-sqlite3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLunar, until } from './lunar-process.ts';

const CASES = 30;


describe('two resumes of one run at once', () => {
  it('one resumes it, the other exits 2 saying it is being resumed elsewhere; each attempt is stored once', async () => {
    const fake = await slowOpenAi(150);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'lunar-resume-twice-'));
      const lines = Array.from({ length: CASES }, (_, i) => JSON.stringify({ id: `c${String(i).padStart(2, '0')}`, input: `say done (${i})`, category: 'k', expected_contains: 'done' }));
      writeFileSync(join(dir, 'data.jsonl'), `${lines.join('\n')}\n`);
      writeFileSync(join(dir, 'suite.yaml'), 'name: slow\ndataset: data.jsonl\nscorers: [answer_contains]\ntimeout_ms: 20000\n');
      const home = join(dir, 'home');
      const env = { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${fake.url}/v1` };

      // Killed once two attempts are stored: the run is left 'running', claimed by a dead process.
      const first = startLunar(['bench', join(dir, 'suite.yaml'), '-t', 'openai:gpt-4o-mini', '--home', home, '--concurrency', '1'], env);
      await until(() => fake.requests.length >= 3, 'the first attempts');
      first.child.kill('SIGKILL');
      expect((await first.done).signal).toBe('SIGKILL');
      const db = new Database(join(home, 'results.db'), { readonly: true });
      const run = db.prepare('SELECT id, status FROM runs').get() as { id: string; status: string };
      const claim = db.prepare('SELECT pid FROM run_claims WHERE run_id = ?').get(run.id) as { pid: number } | undefined;
      db.close();
      expect(run.status).toBe('running');
      expect(claim?.pid).toBe(first.child.pid);

      // About 4 s of attempts left at one at a time: the two start well within that of each other.
      const resumes = [0, 1].map(() => startLunar(['bench', '--resume', run.id, '--home', home, '--concurrency', '1'], env));
      const [a, b] = await Promise.all(resumes.map((r) => r.done));
      const [won, lost] = a!.code === 0 ? [a!, b!] : [b!, a!];
      expect(won.code).toBe(0);
      expect(won.stdout).toContain(`run ${run.id} completed: ${CASES} attempts`);
      expect(lost.code).toBe(2);
      expect(lost.stderr).toMatch(new RegExp(`^lunar: --resume ${run.id}: the run is being resumed elsewhere \\(process \\d+ on [^,]+, since [0-9T:.Z-]+\\); wait for it to finish, or stop it and resume again\\n$`));

      const after = new Database(join(home, 'results.db'), { readonly: true });
      const counts = after.prepare('SELECT count(*) AS n, count(DISTINCT case_id) AS cases FROM attempts WHERE run_id = ?').get(run.id) as { n: number; cases: number };
      const status = (after.prepare('SELECT status FROM runs WHERE id = ?').get(run.id) as { status: string }).status;
      const claims = (after.prepare('SELECT count(*) AS n FROM run_claims').get() as { n: number }).n;
      after.close();
      expect(counts).toEqual({ n: CASES, cases: CASES });
      expect(status).toBe('completed');
      // The winner let go of the run when it finished.
      expect(claims).toBe(0);
    } finally {
      await fake.close();
    }
  }, 90_000);
});
