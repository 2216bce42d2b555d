import { Command } from 'commander';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.ts';
import { passFail, storeRun, type AttemptSpec } from '../runners/compare-fixtures.ts';
import { ResultsStore } from '../runners/store.ts';
import { QuarantineFile } from '../metrics/quarantine.ts';
import { exitCodeOf } from './exit.ts';
import { registerNoiseCommand } from './noise.ts';

async function noise(home: string, args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const out = { stdout: '', stderr: '' };
  const program = new Command('lunar').exitOverride();
  registerNoiseCommand(program, () => home, { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t) });
  await program.parseAsync(['node', 'lunar', 'noise', ...args]);
  return { ...out, exitCode: exitCodeOf(program) };
}

/** Attempts from verdict strings per case: 'PPF' is pass, pass, fail in repeats 0, 1, 2. */
function attempts(verdicts: Record<string, string>): AttemptSpec[] {
  return Object.entries(verdicts).flatMap(([caseId, v]) => [...v].map((ch, repeat) => ({ caseId, repeat, scores: [passFail('exact', ch === 'P')] })));
}

function home(runs: Record<string, Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lunar-noise-'));
  const store = new ResultsStore(join(dir, 'results.db'));
  Object.entries(runs).forEach(([id, verdicts], i) => storeRun(store, id, 'baseline', attempts(verdicts), { startedAt: new Date(Date.UTC(2026, 0, 1 + i)) }));
  store.close();
  return dir;
}

describe('lunar noise', () => {
  // Repeats pass 2, 1, 3 of 4 cases (0.5, 0.25, 0.75): SD √((0 + 0.0625 + 0.0625)/2) = 0.25.
  // c02 and c04 pass 2 and 1 of 3: v = p̂(1 − p̂)·3/2 = 1/3 each, so the expected run SD is
  // √(2/3)/4 = 0.204, and 0.204/√3 = 0.118 averaged over 3 repeats.
  const RUN = { c01: 'PPP', c02: 'PFP', c03: 'FFF', c04: 'FFP' };

  it('prints the flaky cases, the pass rate by repeat and the noise floor of the newest run', async () => {
    const { stdout, exitCode } = await noise(home({ r1: RUN }), []);
    expect(exitCode).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('noise: run r1, 1 group(s), at most 3 repeat(s) per case');
    expect(lines[1]).toBe('s/default/baseline: 4 cases, 2 flaky (their verdicts flipped between repeats), 2 stable');
    expect(lines[2]).toBe('  pass rate by repeat: 0.500, 0.250, 0.750 (SD 0.250)');
    expect(lines[3]).toMatch(/^ {2}noise floor: run-to-run SD of a one-repeat pass rate 0\.204, 95% CI \[\d\.\d{3}, \d\.\d{3}\] \(bootstrap over 4 cases\); 0\.118 for a pass rate averaged over 3 repeats$/);
    expect(lines.slice(4)).toEqual(['  flaky c02  flip rate 0.33 (2 of 3 passed)  category general', '  flaky c04  flip rate 0.33 (1 of 3 passed)  category general']);
  });

  it('says that a run without repeats shows no flips', async () => {
    const { stdout } = await noise(home({ r1: { c01: 'P', c02: 'F' } }), ['--json']);
    const json = JSON.parse(stdout) as { maxRepeats: number; groups: { flaky: unknown[]; floor: { singleVerdictCases: number } }[] };
    expect(json.maxRepeats).toBe(1);
    expect(json.groups[0]!.flaky).toEqual([]);
    expect(json.groups[0]!.floor.singleVerdictCases).toBe(2);
    expect((await noise(home({ r1: { c01: 'P' } }), [])).stdout).toContain('note: no case was run more than once');
  });

  it('adds flaky cases to the quarantine file, counts the ones that held steady, and proposes release', async () => {
    const dir = home({ r1: RUN, r2: { c01: 'PPP', c02: 'PPP', c03: 'FPF', c04: 'PFP' } });
    const file = join(dir, 'quarantine.json');
    const first = await noise(dir, ['r1', '--write-quarantine', file, '--release-after', '1']);
    expect(first.stdout).toContain('quarantine: added c02 in s/default/baseline (flip rate 0.33)\nquarantine: added c04 in s/default/baseline (flip rate 0.33)\n');
    const written = QuarantineFile.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(written.cases).toEqual([
      { id: 'c02', group: 's/default/baseline', flipRate: 1 / 3, addedAt: '2026-01-01', addedRun: 'r1', stableRuns: 0, lastRun: 'r1' },
      { id: 'c04', group: 's/default/baseline', flipRate: 1 / 3, addedAt: '2026-01-01', addedRun: 'r1', stableRuns: 0, lastRun: 'r1' },
    ]);
    // One entry a line: a diff of the file names the cases it changes.
    expect(readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('"id"'))).toHaveLength(2);

    const second = await noise(dir, ['r2', '--write-quarantine', file, '--release-after', '1']);
    expect(second.stdout.trimEnd().split('\n').filter((l) => l.startsWith('quarantine') || l.startsWith('wrote'))).toEqual([
      'quarantine: added c03 in s/default/baseline (flip rate 0.33)',
      'quarantine: c02 in s/default/baseline held steady: 1 of 1 stable runs',
      'quarantine: c04 in s/default/baseline flipped again (flip rate 0.33): its count of stable runs is back to 0',
      `quarantine: release proposed: c02 in s/default/baseline held steady 1 runs in a row; delete its entry from ${file} to gate it again`,
      `wrote ${file}: 3 quarantined case(s), 1 added, 1 proposed for release`,
    ]);
    // Weighing the same run again counts nothing twice.
    await noise(dir, ['r2', '--write-quarantine', file]);
    expect(QuarantineFile.parse(JSON.parse(readFileSync(file, 'utf8'))).cases.map((e) => [e.id, e.stableRuns])).toEqual([['c02', 1], ['c04', 0], ['c03', 0]]);
  });

  it('names the file, the line and the field of a broken quarantine file', async () => {
    const dir = home({ r1: RUN });
    const file = join(dir, 'quarantine.json');
    writeFileSync(file, '{\n  "schema": "lunar.quarantine",\n  "version": 1,\n  "cases": [\n    {"id": "c01", "flipRate": 0.9, "addedAt": "2026-01-01", "stableRuns": 0}\n  ]\n}\n');
    await expect(noise(dir, ['--write-quarantine', file])).rejects.toThrow(new InputError(`${file}:5: cases.0.flipRate: Too big: expected number to be <=0.5`));
    await expect(noise(dir, ['nope'])).rejects.toThrow(/^run nope: not in /);
  });
});

// The required check on real repeats: τ-bench's GPT-4o airline trials stored as a run through the
// ResultsStore, read back by the command. Expected flip rates are the hand count of the brief.
const SHARED = resolve(import.meta.dirname, '../../shared');
const TAU = join(SHARED, 'data/tau_bench/gpt-4o-airline.rewards.json');
if (!existsSync(SHARED)) console.log(`skipped lunar noise on τ-bench: ${SHARED} (../shared) is missing`);

describe.skipIf(!existsSync(SHARED))('lunar noise on τ-bench GPT-4o airline, 50 tasks × 4 trials', () => {
  it('gives each task the flip rate of the hand count: 10 at 1/2, 16 at 1/4, 24 never flip', async () => {
    const data = JSON.parse(readFileSync(TAU, 'utf8')) as { records: { task_id: number; trial: number; reward: number }[] };
    const dir = mkdtempSync(join(tmpdir(), 'lunar-noise-tau-'));
    const store = new ResultsStore(join(dir, 'results.db'));
    storeRun(store, 'tau', 'openai:gpt-4o', data.records.map((r) => ({ caseId: String(r.task_id), repeat: r.trial, category: 'airline', scores: [passFail('tau_reward', Math.abs(r.reward - 1) <= 1e-6)] })));
    store.close();
    const { stdout } = await noise(dir, ['tau', '--json']);
    const [group] = (JSON.parse(stdout) as { groups: { group: string; cases: { caseId: string; flipRate: number; repeats: number }[]; flaky: unknown[] }[] }).groups;
    const half = [13, 15, 26, 27, 30, 31, 41, 44, 45, 46];
    const quarter = [1, 2, 5, 6, 7, 11, 16, 17, 29, 39, 43, 47, 21, 34, 37, 40];
    const expected = Object.fromEntries(Array.from({ length: 50 }, (_, t) => [String(t), half.includes(t) ? 0.5 : quarter.includes(t) ? 0.25 : 0]));
    expect(group!.group).toBe('s/default/openai:gpt-4o');
    expect(Object.fromEntries(group!.cases.map((c) => [c.caseId, c.flipRate]))).toEqual(expected);
    expect(group!.cases.every((c) => c.repeats === 4)).toBe(true);
    expect(group!.flaky).toHaveLength(26);
  });
});
