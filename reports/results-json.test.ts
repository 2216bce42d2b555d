import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StoredAttempt } from '../runners/store.ts';
import { writeResultsJson } from './results-json.ts';

const run = { id: 'r1', startedAt: '2026-12-04T00:00:00.000Z', finishedAt: null, status: 'completed', config: { a: [1, 2] } };
const attempt: StoredAttempt = {
  runId: 'r1', suite: 's', config: 'default', caseId: 'c "1"\n', category: 'k', target: 'baseline', repeat: 0, status: 'ok',
  stopReason: 'final', finalAnswer: 'line one\nline two', latencyMs: 1.5, inputTokens: 1, outputTokens: 2, costUsd: 0, unpricedCalls: 0, estimatedUsage: 0,
  scores: [{ scorer: 'answer_contains', value: 1, pass: true, status: 'scored', reason: 'ok' }],
};

describe('results.json', () => {
  it('parses back to the run, aggregates and attempts (run ids dropped), one attempt a line', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lunar-rj-')), 'out', 'results.json');
    writeResultsJson(path, { run, aggregates: [], attempts: [attempt, { ...attempt, repeat: 1 }] });
    const text = readFileSync(path, 'utf8');
    const { runId: _runId, ...stored } = attempt;
    // Two repeats of a case: the run has a noise block (reports/noise.test.ts checks its figures).
    expect(JSON.parse(text)).toEqual({ schema: 'lunar.results', version: 1, run, aggregates: [], noise: expect.objectContaining({ maxRepeats: 2 }), attempts: [stored, { ...stored, repeat: 1 }] });
    expect(text.split('\n').filter((line) => line.startsWith('    {"suite"'))).toHaveLength(2);
  });

  it('writes a valid file for a run with no attempts', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lunar-rj-')), 'results.json');
    writeResultsJson(path, { run, aggregates: [], attempts: [] });
    expect(JSON.parse(readFileSync(path, 'utf8')).attempts).toEqual([]);
  });
});
