import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseIds, passFail, skippedScore, storeRun } from '../../runners/compare-fixtures.ts';
import { ResultsStore } from '../../runners/store.ts';
import { RunLister } from './run-list.ts';

// One stored run of five cases on one target: c01–c03 pass, c04 fails, c05 only has a skipped
// judge (unscored), so 3 passed of 4 checked = 75.0% and 5 attempts.
function home(): { dir: string; store: ResultsStore } {
  const dir = mkdtempSync(join(tmpdir(), 'lunar-runlist-'));
  const store = new ResultsStore(join(dir, 'results.db'));
  const specs = caseIds(5).map((caseId, i) => ({ caseId, scores: [i === 4 ? skippedScore('rubric') : passFail('answer_contains', i < 3)] }));
  storeRun(store, 'r1', 'baseline', specs);
  storeRun(store, 'r2', 'openai:gpt-4o-mini', specs.slice(0, 2), { startedAt: new Date('2026-01-05T00:00:00Z') });
  return { dir, store };
}

/** A results.json whose aggregates differ from the store's, so the test can tell which was read. */
function writeResults(dir: string, runId: string, passed: number): string {
  const path = join(dir, 'runs', runId, 'results.json');
  mkdirSync(join(dir, 'runs', runId), { recursive: true });
  const aggregates = [
    { suite: 'tools', config: 'default', target: 'baseline', attempts: 10, errors: 1, unscored: 2, passed, costUsd: 0.5, unpricedCalls: 0 },
    { suite: 'rag', config: 'default', target: 'baseline', attempts: 10, errors: 0, unscored: 0, passed: 10, costUsd: 0.25, unpricedCalls: 3 },
  ];
  writeFileSync(path, JSON.stringify({ schema: 'lunar.results', version: 1, run: { id: runId }, aggregates, attempts: [] }));
  return path;
}

describe('RunLister', () => {
  it('works the headline out from the stored attempts when a run has no results.json', () => {
    const { dir, store } = home();
    const { runs, total } = new RunLister(dir).list(store);
    store.close();
    expect(total).toBe(2);
    expect(runs.map((r) => r.id)).toEqual(['r2', 'r1']);
    expect(runs[1]).toMatchObject({ status: 'completed', suites: ['s'], targets: ['baseline'], attempts: 5, errors: 0, passed: 3, judged: 4, passRate: 0.75, costUsd: 0, unpriced: false, source: 'results store' });
  });

  it("takes the figures from results.json's aggregates, pooled: (4 + 10) passed of (8 + 10) checked", () => {
    const { dir, store } = home();
    writeResults(dir, 'r1', 4);
    const [, r1] = new RunLister(dir).list(store).runs;
    store.close();
    expect(r1).toMatchObject({ suites: ['tools', 'rag'], attempts: 20, errors: 1, passed: 14, judged: 18, passRate: 14 / 18, costUsd: 0.75, unpriced: true, source: 'results.json' });
  });

  it('reads a changed results.json again, and ignores one that belongs to another run or is not a results file', () => {
    const { dir, store } = home();
    const lister = new RunLister(dir);
    const path = writeResults(dir, 'r1', 4);
    expect(lister.list(store).runs[1]!.passed).toBe(14);
    writeResults(dir, 'r1', 6);
    utimesSync(path, new Date(), new Date(Date.now() + 5_000));
    expect(lister.list(store).runs[1]!.passed).toBe(16);
    writeResults(dir, 'r2', 4);
    writeFileSync(join(dir, 'runs', 'r2', 'results.json'), JSON.stringify({ schema: 'lunar.results', version: 1, run: { id: 'r1' }, aggregates: [] }));
    expect(lister.list(store).runs[0]).toMatchObject({ attempts: 2, source: 'results store' });
    writeFileSync(path, '{"schema": "lunar.results", "vers');
    expect(lister.list(store).runs[1]).toMatchObject({ attempts: 5, passed: 3, source: 'results store' });
    expect(lister.list(store, 1).runs.map((r) => r.id)).toEqual(['r2']);
    store.close();
  });
});
