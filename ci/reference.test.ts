import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mean } from '../metrics/stats.ts';
import { caseIds, passFail, skippedScore, storeRun } from '../runners/compare-fixtures.ts';
import { ResultsStore } from '../runners/store.ts';
import { referenceFromRun, referenceObservation, formatReference, readReference } from './reference.ts';

const COMMITTED = join(dirname(fileURLToPath(import.meta.url)), 'reference.json');

describe('reference files', () => {
  it('are written one case a line and read back to the same reference', () => {
    const store = new ResultsStore(':memory:');
    storeRun(store, 'r', 'baseline', [
      ...caseIds(3).map((caseId) => ({ caseId, category: 'k', scores: [passFail('answer_contains', caseId !== 'c02'), skippedScore('rubric')] })),
      { caseId: 'c04', error: 'openai: cannot reach http://127.0.0.1:9' },
    ]);
    const file = referenceFromRun(store.run('r')!, store.attempts('r'));
    store.close();
    const text = formatReference(file);
    expect(JSON.parse(text)).toEqual(file);
    expect(text.split('\n')).toContain('        {"id":"c02","repeat":0,"category":"k","outcome":"fail","scores":{"answer_contains":[0,false],"rubric":"skipped"}},');
    expect(text.split('\n')).toContain('        {"id":"c04","repeat":0,"category":"general","outcome":"fail","errored":true,"scores":{}}');
    // Two passes of three scored attempts plus one errored attempt: 2/4, as the run's table counts it.
    expect(file.groups[0]).toMatchObject({ attempts: 4, passRate: 0.5, scorers: { answer_contains: { mean: 2 / 3, passRate: 2 / 3, n: 3 }, rubric: { mean: null, n: 0 } } });
    expect(referenceObservation(file.groups[0]!.cases[3]!)).toEqual({ caseId: 'c04', repeat: 0, category: 'general', errored: true, outcome: 'fail', scores: {} });
  });

  it("name the file and the field when one is wrong, and say how to make one that is missing", () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-reference-'));
    expect(() => readReference(join(dir, 'none.json'))).toThrow(`${join(dir, 'none.json')}: cannot read the reference (ENOENT); write one with lunar gate --update-reference`);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ schema: 'lunar.baseline', version: 1, run: { id: 'r', startedAt: 'x' }, groups: [{ suite: 's', config: 'default', target: 't', attempts: 1, passRate: 2, scorers: {}, cases: [] }] }));
    expect(() => readReference(bad)).toThrow(`${bad}: groups.0.passRate: Too big: expected number to be <=1`);
    writeFileSync(bad, JSON.stringify({ schema: 'lunar.baseline', version: 1, run: { id: 'r', startedAt: 'x' }, groups: [{ suite: 's', config: 'default', target: 't', attempts: 1, passRate: null, scorers: {}, cases: [{ id: 'c', repeat: 0, category: 'k', outcome: 'maybe', scores: {} }] }] }));
    expect(() => readReference(bad)).toThrow(`${bad}: groups.0.cases.0.outcome: Invalid option: expected one of "pass"|"fail"|"unscored"`);
  });

  it('the committed ci/reference.json is valid, and its figures are those of its own cases', () => {
    const file = readReference(COMMITTED);
    expect(file.groups.length).toBeGreaterThan(0);
    for (const g of file.groups) {
      expect(g.target).toBe('baseline');
      expect(g.cases).toHaveLength(g.attempts);
      const judged = g.cases.filter((c) => c.outcome !== 'unscored');
      expect(g.passRate).toBe(mean(judged.map((c) => (c.outcome === 'pass' ? 1 : 0))));
      for (const [name, s] of Object.entries(g.scorers)) {
        const scored = g.cases.flatMap((c) => (Array.isArray(c.scores[name]) ? [c.scores[name] as [number, boolean]] : []));
        expect(s.n, `${g.suite}/${g.config} ${name}`).toBe(scored.length);
        expect(s.mean).toBe(mean(scored.map(([v]) => v)));
      }
    }
  });
});
