import { Command } from 'commander';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseIds, passFail, storeRun } from '../runners/compare-fixtures.ts';
import { ResultsStore } from '../runners/store.ts';
import { ReferenceFile } from '../ci/reference.ts';
import { exitCodeOf } from './exit.ts';
import { registerGateCommand } from './gate.ts';
import { minimumDetectableEffect, summarizeBase } from '../metrics/power.ts';

// A suite file with gates, and two runs of it: `base` passes 18 of 20 cases (c02–c19), `now`
// passes 8 (c01–c08): the drop of gate.test.ts, through the command.
function project(gates: string): { root: string; home: string; suite: string } {
  const root = mkdtempSync(join(tmpdir(), 'lunar-gate-'));
  const suite = join(root, 'suites', 's.yaml');
  mkdirSync(join(root, 'suites'));
  writeFileSync(suite, `name: s\ndataset: ../cases.jsonl\nscorers: [answer_contains]\n${gates}`);
  const home = join(root, '.lunar');
  const store = new ResultsStore(join(home, 'results.db'));
  const passing = (set: Set<string>) => caseIds(20).map((caseId) => ({ caseId, scores: [passFail('answer_contains', set.has(caseId))] }));
  storeRun(store, 'base', 'baseline', passing(new Set(caseIds(18, 2))), { suiteFiles: [suite] });
  storeRun(store, 'now', 'baseline', passing(new Set(caseIds(8))), { suiteFiles: [suite], startedAt: new Date('2026-02-01T00:00:00Z') });
  storeRun(store, 'cut', 'baseline', passing(new Set(caseIds(8))), { suiteFiles: [suite], startedAt: new Date('2025-12-01T00:00:00Z'), status: 'interrupted' });
  store.close();
  return { root, home, suite };
}

const GATES = 'gates:\n  thresholds: ["answer_contains.mean >= 0.5"]\n  reference: { path: ../ci/reference.json, tolerance: 0.02 }\n';

async function gate(home: string, args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const out = { stdout: '', stderr: '' };
  const program = new Command('lunar').exitOverride();
  registerGateCommand(program, () => home, { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t) });
  await program.parseAsync(['node', 'lunar', 'gate', ...args]);
  return { ...out, exitCode: exitCodeOf(program) };
}

describe('lunar gate', () => {
  it("writes the reference the suite names from a run, then fails the newest run on its drop with exit code 1 and one line per failure", async () => {
    const { root, home, suite } = project(GATES);
    const baseline = join(root, 'ci', 'reference.json');
    const written = await gate(home, ['base', '--update-reference']);
    expect(written).toMatchObject({ exitCode: 0, stdout: `wrote ${baseline}: 1 groups, 20 cases, from run base\n` });
    const file = ReferenceFile.parse(JSON.parse(readFileSync(baseline, 'utf8')));
    expect(file.groups[0]).toMatchObject({ suite: 's', config: 'default', target: 'baseline', attempts: 20, passRate: 0.9, scorers: { answer_contains: { mean: 0.9, passRate: 0.9, n: 20 } } });
    expect(file.groups[0]!.cases[0]).toEqual({ id: 'c01', repeat: 0, category: 'general', outcome: 'fail', scores: { answer_contains: [0, false] } });

    const checked = await gate(home, []);
    expect(checked.exitCode).toBe(1);
    expect(checked.stdout.split('\n')).toEqual([
      `FAIL s/default/baseline answer_contains.mean = 0.400, threshold >= 0.5 (${suite}), 95% CI [0.200, 0.600], n = 20`,
      `FAIL s/default/baseline pass_rate = 0.400, reference 0.900 (${baseline}), difference -0.500, 95% CI [-0.750, -0.250], tolerance 0.02, McNemar p = 0.006348 (11 lost, 1 gained), n = 20 pairs: a drop beyond -0.02 with p < 0.05: a regression (McNemar)`,
      `FAIL s/default/baseline answer_contains.mean = 0.400, reference 0.900 (${baseline}), difference -0.500, 95% CI [-0.750, -0.250], tolerance 0.02, n = 20 pairs: the whole interval is below -0.02: a regression (paired bootstrap)`,
      `FAIL s/default/baseline answer_contains.pass_rate = 0.400, reference 0.900 (${baseline}), difference -0.500, 95% CI [-0.750, -0.250], tolerance 0.02, McNemar p = 0.006348 (11 lost, 1 gained), n = 20 pairs: a drop beyond -0.02 with p < 0.05: a regression (McNemar)`,
      'gate: run now: 4 checks, 0 held, 4 failed',
      '',
    ]);
  });

  it('exits 0 when every gate holds', async () => {
    const { home } = project(GATES);
    await gate(home, ['base', '--update-reference']);
    const held = await gate(home, ['base']);
    expect(held).toMatchObject({ exitCode: 0, stdout: 'gate: run base: 4 checks, 4 held, 0 failed\n' });
  });

  it('takes --threshold, --reference and --tolerance from the command line', async () => {
    const { root, home } = project('');
    const other = join(root, 'elsewhere.json');
    await gate(home, ['base', '--update-reference', '--reference', other]);
    // A tolerance of 0.6 forgives the −0.5 drop; the threshold still fails.
    const result = await gate(home, ['now', '--reference', other, '--tolerance', '0.6', '--threshold', 'pass_rate >= 0.45']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      'FAIL s/default/baseline pass_rate = 0.400, threshold >= 0.45 (--threshold), 95% CI [0.200, 0.600], n = 20',
      'gate: run now: 4 checks, 3 held, 1 failed',
      '',
    ]);
  });

  it('refuses a bad expression in a suite when the suite is loaded, before anything runs, naming the file, the field and the expression', () => {
    expect(() => project('gates:\n  thresholds: ["answer_contains.mean >= 0.5", "answer_contains.mean => 0.85"]\n')).toThrow(
      /s\.yaml: gates\.thresholds\.1: "answer_contains\.mean => 0\.85": unknown comparison "=>": use >=, >, <= or <$/,
    );
  });

  it('checks the gates the run recorded when it started, even after the suite file is gone', async () => {
    const { root, home, suite } = project(GATES);
    await gate(home, ['base', '--update-reference']);
    rmSync(suite);
    const checked = await gate(home, ['now']);
    expect(checked.exitCode).toBe(1);
    expect(checked.stdout).toContain(`FAIL s/default/baseline answer_contains.mean = 0.400, threshold >= 0.5 (${suite})`);
    expect(checked.stdout).toContain(`reference 0.900 (${join(root, 'ci', 'reference.json')})`);
  });

  it('still takes the old names --baseline and --update-baseline', async () => {
    const { root, home } = project('');
    const other = join(root, 'old-name.json');
    expect(await gate(home, ['base', '--update-baseline', '--baseline', other])).toMatchObject({ exitCode: 0, stdout: `wrote ${other}: 1 groups, 20 cases, from run base\n` });
    const held = await gate(home, ['base', '--baseline', other]);
    expect(held.exitCode).toBe(0);
    expect(held.stdout).toMatch(/^gate: run base: \d+ checks, \d+ held, 0 failed/);
  });

  it('refuses a bad --threshold, a scorer no suite has, and a run with nothing to gate, each as bad input', async () => {
    const { home } = project('');
    await expect(gate(home, ['now', '--threshold', 'pass_rate >= 50'])).rejects.toMatchObject({
      exitCode: 2,
      message: '--threshold "pass_rate >= 50": pass_rate is between 0 and 1; 50 is not (a rate is a fraction: 85% is 0.85)',
    });
    await expect(gate(home, ['now', '--threshold', 'tool_match.mean >= 0.85'])).rejects.toMatchObject({
      exitCode: 2,
      message: '--threshold "tool_match.mean >= 0.85": no suite of the run has a scorer tool_match (scorers: answer_contains)',
    });
    await expect(gate(home, ['now'])).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/^nothing to gate: no suite of the run \(s\) has a gates: section/) });
    await expect(gate(home, ['nope', '--threshold', 'errors <= 0'])).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/^run nope: not in /) });
  });

  it('refuses a suite threshold on a scorer the suite does not have', async () => {
    const { home, suite } = project('gates:\n  thresholds: ["tool_name_match.mean >= 0.85"]\n');
    await expect(gate(home, ['now'])).rejects.toMatchObject({
      exitCode: 2,
      message: `${suite}: gates.thresholds: "tool_name_match.mean >= 0.85": suite s has no scorer tool_name_match (its scorers: answer_contains)`,
    });
  });

  it('makes no reference from a run that did not complete', async () => {
    const { home } = project(GATES);
    await expect(gate(home, ['cut', '--update-reference'])).rejects.toMatchObject({ exitCode: 2, message: '--update-reference: run cut is interrupted; a reference is made from a completed run' });
  });
});

describe('lunar gate with a quarantine', () => {
  // c09 and c10 listed for the group, c11 for every group: 17 cases stay. The run passes c01–c08
  // (8 of 17 = 0.471 < 0.5), the reference c02–c08 and c12–c19 (15 of 17): 8 lost (c12–c19),
  // 1 gained (c01), McNemar p = 2·(1 + 9)/2⁹ = 0.03906.
  const QUARANTINE = {
    schema: 'lunar.quarantine',
    version: 1,
    cases: [
      { id: 'c09', group: 's/default/baseline', flipRate: 0.25, addedAt: '2026-01-01', stableRuns: 0 },
      { id: 'c10', group: 's/default/baseline', flipRate: 0.5, addedAt: '2026-01-01', stableRuns: 1 },
      { id: 'c11', flipRate: 0.25, addedAt: '2026-01-01', stableRuns: 0 },
    ],
  };

  it('leaves the listed cases out of thresholds and regressions, naming each and counting them', async () => {
    const { root, home } = project(GATES);
    await gate(home, ['base', '--update-reference']);
    const file = join(root, 'q.json');
    writeFileSync(file, JSON.stringify(QUARANTINE));
    const checked = await gate(home, ['now', '--quarantine', file]);
    expect(checked.exitCode).toBe(1);
    const lines = checked.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^FAIL s\/default\/baseline answer_contains\.mean = 0\.471, threshold >= 0\.5 .*, n = 17$/);
    expect(lines[1]).toMatch(/^FAIL s\/default\/baseline pass_rate = 0\.471, reference 0\.882 .*difference -0\.412, .*McNemar p = 0\.03906 \(8 lost, 1 gained\), n = 17 pairs: /);
    expect(lines.slice(-4)).toEqual([
      `quarantined: s/default/baseline c09 (listed in ${file}): left out of the verdict`,
      `quarantined: s/default/baseline c10 (listed in ${file}): left out of the verdict`,
      `quarantined: s/default/baseline c11 (listed in ${file}): left out of the verdict`,
      'gate: run now: 4 checks, 0 held, 4 failed; 3 quarantined case(s) left out',
    ]);
    // The reference's quarantined cases are left out too, not reported as missing from the run.
    expect(checked.stdout).not.toContain('not compared');
  });

  it('reads ci/quarantine.json from the working folder when there is one', async () => {
    const { root, home } = project(GATES);
    await gate(home, ['base', '--update-reference']);
    const before = process.cwd();
    process.chdir(root);
    try {
      expect((await gate(home, ['now'])).stdout).not.toContain('quarantined');
      writeFileSync(join(root, 'ci', 'quarantine.json'), JSON.stringify(QUARANTINE));
      expect((await gate(home, ['now'])).stdout).toContain('gate: run now: 4 checks, 0 held, 4 failed; 3 quarantined case(s) left out');
    } finally {
      process.chdir(before);
    }
  });

  it('refuses a --quarantine that is not there, and a broken one naming the line and the field', async () => {
    const { root, home } = project(GATES);
    await expect(gate(home, ['now', '--quarantine', join(root, 'none.json')])).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/^--quarantine .*none\.json: no such file/) });
    const file = join(root, 'q.json');
    writeFileSync(file, '{"schema": "lunar.quarantine", "version": 1,\n"cases": [{"id": "c01", "flipRate": 0.2, "addedAt": "yesterday", "stableRuns": 0}]}');
    await expect(gate(home, ['now', '--quarantine', file])).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/q\.json:2: cases\.0\.addedAt: /) });
  });
});

describe('lunar gate on precision', () => {
  it('warns on stderr, without failing, when the tolerance is far below the smallest drop 20 cases can show', async () => {
    const { home } = project(GATES);
    const reference = join(home, '..', 'ci', 'reference.json');
    await gate(home, ['base', '--update-reference']);
    const held = await gate(home, ['base']);
    // The reference passes 18 of 20 once each: E[p] = 0.9, E[p(1−p)] at its bound 0.09.
    const mde = minimumDetectableEffect(summarizeBase([...Array(18).fill({ n: 1, c: 1 }), ...Array(2).fill({ n: 1, c: 0 })]), { cases: 20, power: 0.8, tolerance: 0.02, repeats: 1 })!;
    expect(mde).toBeGreaterThan(0.04);
    expect(held.exitCode).toBe(0);
    expect(held.stderr).toBe(
      `warning: s/default/baseline (${reference}): the tolerance 0.02 asks for more precision than 20 cases × 1 repeat(s) give: the gate catches only drops of ${mde.toFixed(3)} or more (power 0.8); lunar plan --base <run> --mde 0.02 says how many cases would\n`,
    );
    // A tolerance the suite can honour draws no warning.
    expect((await gate(home, ['base', '--tolerance', String(mde)])).stderr).toBe('');
  });
});

describe('lunar gate with no run id', () => {
  it('takes the newest run lunar bench made, passing over a newer one lunar compare made', async () => {
    const { home, suite } = project('gates:\n  thresholds: ["answer_contains.mean >= 0.5"]\n');
    const store = new ResultsStore(join(home, 'results.db'));
    const all = caseIds(20).map((caseId) => ({ caseId, scores: [passFail('answer_contains', true)] }));
    storeRun(store, 'compared', 'baseline', all, { suiteFiles: [suite], startedAt: new Date('2026-03-01T00:00:00Z'), madeBy: 'compare' });
    store.close();
    const checked = await gate(home, []);
    expect(checked.stdout).toContain('gate: run now: 1 checks, 0 held, 1 failed');
    expect((await gate(home, ['compared'])).stdout).toContain('gate: run compared: 1 checks, 1 held, 0 failed');
  });
});
