// A run whose suite sets judge_floors: the judge's reliability is measured at the end of the run
// and kept in the run's record, its judge-based scores are marked advisory (no calibration on
// record under a kappa floor), and the gate reports their failure without failing on it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runBench } from '../runners/bench.ts';
import { main } from '../cli/main.ts';
import { ResultsStore } from '../runners/store.ts';
import { loadSuite } from '../runners/suite.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('judge reliability in a run', () => {
  it('records self-consistency, marks the rubric scores advisory under a kappa floor with no calibration, and the gate does not fail on them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-reliability-'));
    const cases = [
      { id: 'q1', input: 'What is the capital of France?', category: 'geo', expected_contains: 'Paris', script: [{ text: 'Paris.' }] },
      { id: 'q2', input: 'What is the capital of Italy?', category: 'geo', expected_contains: 'Rome', script: [{ text: 'Milan.' }] },
    ];
    writeFileSync(join(dir, 'data.jsonl'), cases.map((c) => JSON.stringify(c)).join('\n'));
    writeFileSync(join(dir, 'judge.jsonl'), `${JSON.stringify({ text: '{"reasoning": "meh", "score": 2}' })}\n`);
    const file = join(dir, 'suite.yaml');
    writeFileSync(file, 'dataset: data.jsonl\ntools: []\njudge: scripted:judge.jsonl\njudge_floors: { kappa: 0.6, self_consistency: 0.9, k: 2 }\nscorers:\n  - answer_contains\n  - rubric: { criteria: "names the right capital", steps: ["Check."] }\n');
    const home = join(dir, 'home');
    const result = await runBench({ suites: [loadSuite(file)], targets: ['scripted'], fallbackTargets: [], home, progressStream: null });
    const reason = `no calibration on record for judge scripted:${join(dir, 'judge.jsonl')} on rubric's prompts while the suite sets a kappa floor of 0.6: lunar judge calibrate measures pairwise.compare and hallucination.reference_free only, and rubric asks rubric.steps and rubric.score`;
    expect(result.attempts.map((a) => a.scores.find((s) => s.scorer === 'rubric')!.details)).toMatchObject([
      { advisory: true, advisory_reason: reason },
      { advisory: true, advisory_reason: reason },
    ]);
    const store = new ResultsStore(join(home, 'results.db'));
    try {
      expect(store.attempts(result.runId).map((a) => a.scores.find((s) => s.scorer === 'rubric')!.details!.advisory)).toEqual([true, true]);
      // A scripted judge replays the same reply to every re-judgment: 2 attempts × k 2, all agreeing.
      expect((store.run(result.runId)!.config as any).judge_reliability).toMatchObject([
        { suite: 'suite', config: 'default', reliability: { selfConsistency: { sampled: 2, k: 2, compared: 4, agreed: 4, rate: 1 } }, advisory: { rubric: reason }, marked: 2 },
      ]);
    } finally {
      store.close();
    }
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    const code = await main(['node', 'lunar', 'gate', '--home', home, '--threshold', 'rubric.mean >= 0.9']);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    expect(stdout).toContain('0 failed, 1 advisory');
  });
});
