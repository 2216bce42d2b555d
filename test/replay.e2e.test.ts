// Record once with a key, then gate without one: a run replayed from an exported recording gives
// the same answers and scores; a call missing from the recording is an error naming the case.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenAiFake } from './fakes/openai-server.ts';

const root = resolve(import.meta.dirname, '..');

function lunar(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const clean = { ...process.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '', CI: '', ...env };
    execFile('node', [join(root, 'bin', 'lunar.js'), ...args], { cwd: root, env: clean }, (error, stdout, stderr) => {
      done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function answers(outDir: string) {
  const results = JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8'));
  return results.attempts.map((a: any) => ({ case: a.caseId, repeat: a.repeat, status: a.status, answer: a.finalAnswer, scores: a.scores }));
}

describe('cache replay', () => {
  it('replays an exported recording with no key and no server, identically, and names the case a recording lacks', async () => {
    const fake = await new OpenAiFake().start();
    const dir = mkdtempSync(join(tmpdir(), 'lunar-replay-'));
    writeFileSync(join(dir, 'data.jsonl'), ['a', 'b', 'c'].map((id) => JSON.stringify({ id, input: `question ${id}`, category: 'k', expected_contains: 'yes' })).join('\n'));
    writeFileSync(join(dir, 'suite.yaml'), 'name: rec\ndataset: data.jsonl\ntools: [calculator]\nscorers: [answer_contains]\n');
    const suite = join(dir, 'suite.yaml');
    try {
      fake.say(...Array.from({ length: 6 }, (_, i) => ({ text: i % 2 ? 'no' : `yes ${i}` })));
      const recordHome = join(dir, 'record');
      const recorded = await lunar(['bench', suite, '-t', 'openai:gpt-4o-mini', '--repeat', '2', '--home', recordHome, '--out', join(dir, 'out1'), '--concurrency', '1'], {
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: `${fake.url}/v1`,
      });
      expect(recorded.code).toBe(0);
      expect(fake.requests).toHaveLength(6);
      const exported = await lunar(['cache', 'export', '--db', join(recordHome, 'cache.db'), '--out', join(dir, 'recording.jsonl')], {});
      expect(exported.code).toBe(0);
    } finally {
      await fake.close();
    }

    const ciHome = join(dir, 'ci');
    expect((await lunar(['cache', 'import', join(dir, 'recording.jsonl'), '--db', join(ciHome, 'cache.db')], {})).code).toBe(0);
    const replayed = await lunar(['bench', suite, '-t', 'openai:gpt-4o-mini', '--repeat', '2', '--home', ciHome, '--out', join(dir, 'out2'), '--cache', 'replay', '--concurrency', '1'], {});
    expect(replayed.stderr).not.toMatch(/failed/);
    expect(replayed.code).toBe(0);
    expect(answers(join(dir, 'out2'))).toEqual(answers(join(dir, 'out1')));

    // A third repeat was never recorded: replay says which case lacks it.
    const missing = await lunar(['bench', suite, '-t', 'openai:gpt-4o-mini', '--repeat', '3', '--home', ciHome, '--cache', 'replay'], {});
    expect(missing.code).toBe(1);
    for (const id of ['a', 'b', 'c']) {
      expect(missing.stderr).toContain(`1 attempt failed on openai:gpt-4o-mini: replay: no cached answer for case ${id} (repeat 3)`);
    }
  }, 60_000);
});
