// The noise block of results.json against a run worked by hand, and against `lunar noise --json`
// on the same stored run: the report and the command give the same figures.

import { Command } from 'commander';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerNoiseCommand } from '../cli/noise.ts';
import { aggregate } from '../runners/aggregate.ts';
import { storeRun } from '../runners/compare-fixtures.ts';
import { verdictAttempts } from './noise-fixtures.ts';
import { ResultsStore } from '../runners/store.ts';
import { writeResultsJson } from './results-json.ts';

// Target "a": repeats pass 2, 1, 3 of 4 cases (0.5, 0.25, 0.75): SD √((0 + 0.0625 + 0.0625)/2) = 0.25.
// c02 (PFP) and c04 (FFP) pass 2 and 1 of 3: flip rate min(2,1)/3 = min(1,2)/3 = 1/3; their
// variances p̂(1 − p̂)·3/2 = 1/3 each, the others 0: expected run SD √(2/3)/4 = 0.2041.
// Target "b": c01 PP, c02 PU (unscored is no verdict: 1 verdict), c03 FP (flip 1/2), c04 FE (an
// errored attempt fails, as in the pass rate: stable). Repeat 0 passes 2 of 4, repeat 1 passes 2
// of 3 (c02 unscored): SD |0.5 − 2/3|/√2.
// Variances: c03 ½·½·2 = ½, the rest 0 (c02 has one verdict: counted as none) → √(½)/4.
const A = { c01: 'PPP', c02: 'PFP', c03: 'FFF', c04: 'FFP' };
const B = { c01: 'PP', c02: 'PU', c03: 'FP', c04: 'FE' };

/** One stored run per entry, of one target each (the report test joins two runs' attempts into one input). */
function homeWith(runs: Record<string, [string, Record<string, string>]>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lunar-report-noise-'));
  const store = new ResultsStore(join(dir, 'results.db'));
  for (const [id, [target, verdicts]] of Object.entries(runs)) storeRun(store, id, target, verdictAttempts(verdicts));
  store.close();
  return dir;
}

async function noiseJson(home: string, runId: string): Promise<unknown> {
  let stdout = '';
  const program = new Command('lunar').exitOverride();
  registerNoiseCommand(program, () => home, { stdout: (t) => void (stdout += t), stderr: () => undefined });
  await program.parseAsync(['node', 'lunar', 'noise', runId, '--json']);
  return JSON.parse(stdout);
}

function resultsJson(home: string, runIds: string[]): { noise?: { maxRepeats: number; groups: Record<string, unknown>[] } } {
  const store = new ResultsStore(join(home, 'results.db'));
  const attempts = runIds.flatMap((id) => store.attempts(id));
  const run = store.run(runIds[0]!)!;
  store.close();
  const path = join(home, 'results.json');
  writeResultsJson(path, { run, aggregates: aggregate(attempts), attempts });
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('results.json noise block', () => {
  it('gives per case flip rates, per target × configuration the noise floor with its interval, and the flaky cases', () => {
    const home = homeWith({ r1: ['a', A], r2: ['b', B] });
    const json = resultsJson(home, ['r1', 'r2']);
    const noise = json.noise!;
    expect(noise.maxRepeats).toBe(3);
    const [a, b] = noise.groups as {
      group: string; suite: string; config: string; target: string;
      cases: { caseId: string; flipRate: number; repeats: number; unjudged: number; passes: number }[];
      flaky: { caseId: string; flipRate: number; category: string }[];
      floor: { cases: number; singleVerdictCases: number; perRepeat: { repeat: number; cases: number; passRate: number }[]; repeatSd: number; expectedRunSd: { estimate: number; low: number; high: number; n: number } };
    }[];
    expect([a!.group, a!.suite, a!.config, a!.target]).toEqual(['s/default/a', 's', 'default', 'a']);
    expect(a!.cases.map((c) => [c.caseId, c.flipRate])).toEqual([['c01', 0], ['c02', 1 / 3], ['c03', 0], ['c04', 1 / 3]]);
    expect(a!.flaky.map((c) => [c.caseId, c.flipRate, c.category])).toEqual([['c02', 1 / 3, 'lookup'], ['c04', 1 / 3, 'general']]);
    expect(a!.floor.perRepeat.map((r) => r.passRate)).toEqual([0.5, 0.25, 0.75]);
    expect(a!.floor.repeatSd).toBeCloseTo(0.25, 12);
    expect(a!.floor.expectedRunSd.estimate).toBeCloseTo(Math.sqrt(2 / 3) / 4, 12);
    // A resample of the 4 cases holds 0 to 4 of the two variances 1/3: √(k/3)/4, k = 0..4.
    expect(a!.floor.expectedRunSd.low).toBeGreaterThanOrEqual(0);
    expect(a!.floor.expectedRunSd.high).toBeLessThanOrEqual(Math.sqrt(4 / 3) / 4 + 1e-12);
    expect(a!.floor.expectedRunSd.n).toBe(4);

    expect(b!.target).toBe('b');
    expect(b!.cases.map((c) => [c.caseId, c.repeats, c.unjudged, c.flipRate])).toEqual([['c01', 2, 0, 0], ['c02', 1, 1, 0], ['c03', 2, 0, 0.5], ['c04', 2, 0, 0]]);
    expect(b!.flaky.map((c) => c.caseId)).toEqual(['c03']);
    expect(b!.floor.singleVerdictCases).toBe(1);
    expect(b!.floor.perRepeat.map((r) => [r.cases, r.passRate])).toEqual([[4, 0.5], [3, 2 / 3]]);
    expect(b!.floor.repeatSd).toBeCloseTo((2 / 3 - 0.5) / Math.SQRT2, 12);
    expect(b!.floor.expectedRunSd.estimate).toBeCloseTo(Math.sqrt(0.5) / 4, 12);
  });

  it('holds the very figures lunar noise --json prints for the run', async () => {
    const home = homeWith({ r1: ['a', A] });
    const fromCommand = (await noiseJson(home, 'r1')) as { maxRepeats: number; groups: unknown[] };
    const { noise } = resultsJson(home, ['r1']);
    expect(noise!.maxRepeats).toBe(fromCommand.maxRepeats);
    expect(noise!.groups.map(({ suite: _s, config: _c, target: _t, ...g }) => g)).toEqual(fromCommand.groups);
  });

  it('has no noise block when no case ran more than once', () => {
    const home = homeWith({ r1: ['a', { c01: 'P', c02: 'F' }] });
    expect('noise' in resultsJson(home, ['r1'])).toBe(false);
  });
});
