import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { traceOf } from '../metrics/test-fixtures.ts';
import { ResultsStore } from '../runners/store.ts';
import { aggregate } from '../runners/aggregate.ts';
import { traceReader, writeRunFiles } from '../runners/reporter.ts';
import { writeFixtureRun } from './test-fixtures.ts';
import { REPORTERS } from './reporters.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'lunar-reports-'));

describe('the reporters table', () => {
  it('writes results.json, report.html, junit.xml and summary.md into the run folder, making it', () => {
    const store = new ResultsStore(':memory:');
    const id = writeFixtureRun(store);
    const attempts = store.attempts(id);
    const dir = join(tmp(), 'runs', id);
    const paths = writeRunFiles(dir, { run: store.run(id)!, aggregates: aggregate(attempts), attempts, trace: traceReader(store, id) }, REPORTERS);
    expect(paths).toEqual({ json: join(dir, 'results.json'), html: join(dir, 'report.html'), junit: join(dir, 'junit.xml'), markdown: join(dir, 'summary.md') });
    expect(readFileSync(paths.html, 'utf8')).toContain(`<title>Lunar run ${id}</title>`);
    // 64 testcases; ollama c6 errored in 4 attempts; 12 failed; c4 unscored in 8.
    expect(readFileSync(paths.junit, 'utf8')).toContain(`<testsuites name="lunar run ${id}" tests="64" failures="12" errors="4" skipped="8"`);
    expect(readFileSync(paths.markdown, 'utf8').split('\n')[0]).toBe(`### ❌ Lunar run \`${id}\` completed: pass rate 71.4% (64 attempts: 40 passed, 12 failed, 4 errored, 8 unscored), cost $0.0480`);
    store.close();
  });

  it('writes all four for a run that stored no attempt (stopped before the first finished)', () => {
    const run = { id: 'empty', startedAt: '2026-01-01T12:00:00.000Z', finishedAt: '2026-01-01T12:00:01.000Z', status: 'interrupted', config: {} };
    const paths = writeRunFiles(tmp(), { run, aggregates: [], attempts: [] }, REPORTERS);
    const html = readFileSync(paths.html, 'utf8');
    expect(html).toContain('<p>No attempt was stored.</p>');
    expect(html).not.toContain('<canvas');
    expect(readFileSync(paths.junit, 'utf8')).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="lunar run empty" tests="0" failures="0" errors="0" skipped="0" time="0.000">\n</testsuites>\n');
    expect(readFileSync(paths.markdown, 'utf8').split('\n')[0]).toBe('### ⚠️ Lunar run `empty` interrupted: pass rate - (0 attempts: 0 passed, 0 failed, 0 errored), cost $0.0000');
  });

  it('writes the reports of a 10,000-attempt run in seconds, the page under 15 MB', () => {
    // Trivial traces, a quarter of attempts failing, 1 in 50 errored: 2,600 failures, more than
    // the page embeds traces for. Measured on the 2-core machine: about 0.1–0.2 s and 3 MB.
    const store = new ResultsStore(':memory:');
    store.startRun('big', {});
    for (let i = 0; i < 10_000; i += 1) {
      const errored = i % 50 === 0;
      store.add(
        {
          runId: 'big',
          suite: 's',
          config: i % 2 ? 'default' : 'short',
          caseId: `c${i >> 2}`,
          category: `k${i % 7}`,
          target: `t${i % 3}`,
          repeat: 0,
          status: errored ? 'error' : 'ok',
          error: errored ? 'boom' : undefined,
          trace: traceOf(`done ${i}`, [{ name: 'calculator', arguments: { expression: '1+2' }, result: '3' }], { latencyMs: 50 + (i % 100) * 3, costUsd: (i % 3) * 0.0001 }),
          scores: errored ? [] : [{ scorer: 'answer_contains', value: i % 4 ? 1 : 0, pass: i % 4 !== 0, status: 'scored', reason: 'expected "done"' }],
        },
        1_000,
      );
    }
    store.finishRun('big', 'completed');
    const attempts = store.attempts('big');
    const input = { run: store.run('big')!, aggregates: aggregate(attempts), attempts, trace: traceReader(store, 'big') };
    const dir = tmp();
    const started = performance.now();
    const paths = writeRunFiles(dir, input, REPORTERS);
    const seconds = (performance.now() - started) / 1000;
    const html = statSync(paths.html).size;
    console.log(`10,000 attempts: reports in ${seconds.toFixed(3)} s; report.html ${(html / 1e6).toFixed(2)} MB, junit.xml ${(statSync(paths.junit).size / 1e6).toFixed(2)} MB`);
    // A generous bound for a shared machine: the figure itself is printed above.
    expect(seconds).toBeLessThan(4);
    expect(html).toBeLessThan(15e6);
    expect(readFileSync(paths.html, 'utf8')).toContain('Traces embedded for 2050 of 10000 attempts: failed and errored attempts first (600 of them left out), then 50 others');
    store.close();
  });
});
