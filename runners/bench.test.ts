import Database from 'better-sqlite3';
import { GatedOpenAi } from '../test/fakes/gated-openai.ts';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpFake } from '../test/fakes/http-fake.ts';
import { OpenAiFake } from '../test/fakes/openai-server.ts';
import { RunFailedError, runBench, type BenchOptions } from './bench.ts';
import { REPORTERS } from '../reports/reporters.ts';
import { InputError } from '../core/errors.ts';
import { ResultsStore } from './store.ts';
import { loadSuite, type Suite } from './suite.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A suite file over `n` cases (c001, c002, ...) that each expect "done" in the answer. */
function makeSuite(dir: string, n: number, options: { name?: string; file?: string; extra?: string } = {}): Suite {
  mkdirSync(dir, { recursive: true });
  const cases = Array.from({ length: n }, (_, i) => JSON.stringify({ id: `c${String(i + 1).padStart(3, '0')}`, input: `say done (${i + 1})`, category: 'k', expected_contains: 'done' }));
  writeFileSync(join(dir, 'data.jsonl'), `${cases.join('\n')}\n`);
  const file = join(dir, options.file ?? 'suite.yaml');
  writeFileSync(file, `${options.name ? `name: ${options.name}\n` : ''}dataset: data.jsonl\ntools: [calculator]\nscorers: [answer_contains]\n${options.extra ?? ''}`);
  return loadSuite(file);
}

function scriptFile(dir: string): string {
  const file = join(dir, 'script.jsonl');
  writeFileSync(file, '{"text": "done"}\n');
  return file;
}

const fakes: HttpFake[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.close();
});

async function gated(): Promise<GatedOpenAi> {
  const fake = await new GatedOpenAi().start();
  fakes.push(fake);
  return fake;
}

function bench(home: string, options: Partial<BenchOptions> & { suites: Suite[] }): Promise<Awaited<ReturnType<typeof runBench>>> {
  return runBench({ fallbackTargets: ['baseline'], home, progressStream: null, reporters: REPORTERS, ...options });
}

/** Reads the run and its attempts through a second connection, as another process would. */
function readDb(home: string): { runs: { id: string; status: string; finished_at: string | null }[]; attempts: { case_id: string; target: string; status: string; stop_reason: string }[] } {
  const db = new Database(join(home, 'results.db'), { readonly: true });
  try {
    return {
      runs: db.prepare('SELECT id, status, finished_at FROM runs').all() as never,
      attempts: db.prepare('SELECT case_id, target, status, stop_reason FROM attempts ORDER BY target, case_id').all() as never,
    };
  } finally {
    db.close();
  }
}

describe('runBench', () => {
  it('stops after an attempt cannot be stored, marks the run failed, keeps what finished, closes the store and writes results.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-bench-'));
    const home = join(dir, 'home');
    const suite = makeSuite(dir, 100);
    // A store that refuses one row, as a full disk would: the 64th attempt's batch write fails.
    new ResultsStore(join(home, 'results.db')).close();
    const db = new Database(join(home, 'results.db'));
    db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON attempts WHEN NEW.case_id = 'c010' BEGIN SELECT RAISE(ABORT, 'disk says no'); END;`);
    db.close();

    const outDir = join(dir, 'out');
    const failure = await bench(home, { suites: [suite], targets: [`scripted:${scriptFile(dir)}`], concurrency: 4, outDir, flushEveryMs: 60_000 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(RunFailedError);
    expect((failure as Error).message).toMatch(/^run \S+ failed: disk says no \(\d+ finished attempts kept; files in /);
    // The store was closed: closing the last connection checkpoints the WAL away.
    expect(existsSync(join(home, 'results.db-wal'))).toBe(false);

    const stored = readDb(home);
    expect(stored.runs).toHaveLength(1);
    expect(stored.runs[0]).toMatchObject({ status: 'failed', finished_at: expect.any(String) });
    const ids = stored.attempts.map((a) => a.case_id);
    // Every attempt but the refused one is kept, and no attempt was started after the failure.
    expect(ids).not.toContain('c010');
    expect(ids.length).toBeGreaterThanOrEqual(9);
    expect(ids.length).toBeLessThan(70);
    // results.json holds the same attempts.
    const results = JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8'));
    expect(results.run.status).toBe('failed');
    expect(results.attempts.map((a: { caseId: string }) => a.caseId).sort()).toEqual(ids);
  });

  it('runs a target named twice once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-bench-'));
    const result = await bench(join(dir, 'home'), { suites: [makeSuite(dir, 3)], targets: ['baseline', 'baseline'] });
    expect(result.attempts.map((a) => `${a.target}/${a.caseId}`)).toEqual(['baseline/c001', 'baseline/c002', 'baseline/c003']);
    expect(result.status).toBe('completed');
  });

  it('refuses two suite files with one suite name, naming both files, before running anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-bench-'));
    const a = makeSuite(join(dir, 'a'), 2, { name: 'same' });
    const b = makeSuite(join(dir, 'b'), 2, { name: 'same' });
    const error = await bench(join(dir, 'home'), { suites: [a, b] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(`${b.file}: name: suite "same" is also the name of ${a.file}; give one of them another name`);
    expect(existsSync(join(dir, 'home', 'results.db'))).toBe(false);
  });

  it('runs the same suite file named twice once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-bench-'));
    const suite = makeSuite(dir, 2);
    const result = await bench(join(dir, 'home'), { suites: [suite, loadSuite(suite.file)] });
    expect(result.attempts).toHaveLength(2);
  });

  it('on stop, starts no new attempt and lets those in flight finish; they are stored as they ended', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-bench-'));
    const fake = await gated();
    const stop = new AbortController();
    const exitListeners = process.listenerCount('exit');
    const running = bench(join(dir, 'home'), {
      suites: [makeSuite(dir, 5)],
      targets: ['openai:gpt-4o-mini'],
      env: { OPENAI_BASE_URL: `${fake.url}/v1` },
      concurrency: 2,
      stop: stop.signal,
    });
    await fake.waitForRequests(2);
    stop.abort();
    await sleep(50);
    fake.release();
    const result = await running;
    expect(result.status).toBe('interrupted');
    expect(fake.requests).toHaveLength(2);
    expect(result.attempts.map((a) => [a.caseId, a.status, a.stopReason, a.finalAnswer])).toEqual([
      ['c001', 'ok', 'final', 'done'],
      ['c002', 'ok', 'final', 'done'],
    ]);
    expect(readDb(join(dir, 'home')).runs[0]!.status).toBe('interrupted');
    // The run's own listeners are gone with it.
    expect(process.listenerCount('exit')).toBe(exitListeners);
  });

  it('on abort, has written what finished and marked the run interrupted by the time abort() returns; attempts cut short are not stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-bench-'));
    const home = join(dir, 'home');
    const fake = await gated();
    const abort = new AbortController();
    const running = bench(home, {
      suites: [makeSuite(dir, 3)],
      targets: [`scripted:${scriptFile(dir)}`, 'openai:gpt-4o-mini'],
      env: { OPENAI_BASE_URL: `${fake.url}/v1` },
      concurrency: 6,
      abort: abort.signal,
      flushEveryMs: 60_000,
      outDir: join(dir, 'out'),
    });
    await fake.waitForRequests(3);
    // The scripted attempts finished; batched, they are not written yet.
    expect(readDb(home).attempts).toHaveLength(0);
    abort.abort();
    // What a process that exits right now leaves behind:
    const stored = readDb(home);
    expect(stored.runs[0]).toMatchObject({ status: 'interrupted', finished_at: expect.any(String) });
    expect(stored.attempts.map((a) => `${a.target}/${a.case_id}/${a.status}`)).toEqual([
      `scripted:${join(dir, 'script.jsonl')}/c001/ok`,
      `scripted:${join(dir, 'script.jsonl')}/c002/ok`,
      `scripted:${join(dir, 'script.jsonl')}/c003/ok`,
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'out', 'results.json'), 'utf8')).run.status).toBe('interrupted');

    const result = await running;
    expect(result.status).toBe('interrupted');
    expect(result.attempts).toHaveLength(3);
    expect(readDb(home).attempts).toHaveLength(3);
  });

  it('writes finished attempts on a timer while other attempts are still running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-bench-'));
    const home = join(dir, 'home');
    const fake = await gated();
    const running = bench(home, {
      suites: [makeSuite(dir, 3)],
      targets: [`scripted:${scriptFile(dir)}`, 'openai:gpt-4o-mini'],
      env: { OPENAI_BASE_URL: `${fake.url}/v1` },
      concurrency: 6,
    });
    await fake.waitForRequests(3);
    let stored = readDb(home);
    for (let waited = 0; stored.attempts.length < 3 && waited < 2_000; waited += 25) {
      await sleep(25);
      stored = readDb(home);
    }
    expect(stored.runs[0]!.status).toBe('running');
    expect(stored.attempts).toHaveLength(3);
    fake.release();
    expect((await running).attempts).toHaveLength(6);
  });

  it('refuses a target whose API key is not set before reading any dataset or starting a run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-bench-'));
    const error = await bench(join(dir, 'home'), { suites: [makeSuite(dir, 2)], targets: ['openai:gpt-4o-mini'], env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^target openai:gpt-4o-mini: OPENAI_API_KEY is not set\./);
    expect(existsSync(join(dir, 'home', 'results.db'))).toBe(false);
  });

  it('refuses a bad script file before the run instead of erroring every attempt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-bench-'));
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"text": "done"}\n{"txt": "typo"}\n');
    const error = await bench(join(dir, 'home'), { suites: [makeSuite(dir, 4)], targets: [`scripted:${file}`] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(new RegExp(`${file}:2: step 2: `));
    expect(existsSync(join(dir, 'home', 'results.db'))).toBe(false);
  });

  it('asks for temperature 0 and seed 0 unless the suite sets a temperature', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-bench-'));
    const fake = await new OpenAiFake().start();
    fakes.push(fake);
    const env = { OPENAI_BASE_URL: `${fake.url}/v1` };
    await bench(join(dir, 'home'), { suites: [makeSuite(join(dir, 'plain'), 2)], targets: ['openai:gpt-4o-mini'], env });
    expect(fake.requests.map((r) => [r.body.temperature, r.body.seed])).toEqual([
      [0, 0],
      [0, 0],
    ]);
    const warm = makeSuite(join(dir, 'warm'), 1, { extra: 'temperature: 0.7\n' });
    await bench(join(dir, 'home'), { suites: [warm], targets: ['openai:gpt-4o-mini'], env });
    expect(fake.lastBody).toMatchObject({ temperature: 0.7, seed: 0 });
  });

  it('refuses a concurrency that is not a whole number of 1 or more instead of running nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-bench-'));
    const suite = makeSuite(dir, 2);
    for (const concurrency of [0, Number.NaN, -2]) {
      const error = await bench(join(dir, 'home'), { suites: [suite], concurrency }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(/^concurrency: expected a whole number, 1 or more/);
    }
  });
});

describe('budget', () => {
  it('stops starting attempts once the spent cost reaches the budget and reports the run as partial', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-bench-'));
    const fake = await new OpenAiFake().start();
    fakes.push(fake);
    // gpt-4o-mini: 1,000 tokens in and 500 out cost 0.00015 + 0.0003 = $0.00045 a call.
    fake.say(...Array.from({ length: 10 }, () => ({ text: 'done', usage: { input: 1_000, output: 500 } })));
    const result = await bench(join(dir, 'home'), {
      suites: [makeSuite(dir, 10)],
      targets: ['openai:gpt-4o-mini'],
      env: { OPENAI_BASE_URL: `${fake.url}/v1` },
      concurrency: 1,
      budget: 0.001,
      cache: 'off',
    });
    // After 2 attempts $0.0009 is spent; the 3rd brings it to $0.00135 ≥ $0.001: no 4th starts.
    expect(result.status).toBe('partial');
    expect(result.attempts).toHaveLength(3);
    expect(readDb(join(dir, 'home')).runs[0]!.status).toBe('partial');
    expect(result.aggregates[0]!.costUsd).toBeCloseTo(0.00135, 10);
  });
});
