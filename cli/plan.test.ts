import { Command } from 'commander';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { minimumDetectableEffect, requiredCases, summarizeBase } from '../metrics/power.ts';
import { caseIds, passFail, storeRun, type AttemptSpec } from '../runners/compare-fixtures.ts';
import { ResultsStore } from '../runners/store.ts';
import { registerPlanCommand } from './plan.ts';

async function plan(home: string, args: string[]): Promise<string> {
  let stdout = '';
  const program = new Command('lunar').exitOverride();
  registerPlanCommand(program, () => home, { stdout: (t) => void (stdout += t), stderr: () => undefined });
  await program.parseAsync(['node', 'lunar', 'plan', ...args]);
  return stdout;
}

// 20 cases × 2 repeats: 10 pass both, 5 split, 5 fail both. Pass rate (10 + 5·½)/20 = 0.625;
// a split case has v = ½·½·2/1 = ½, so E[p(1−p)] = 5·½/20 = 0.125.
const ids = caseIds(20);
const verdicts = (id: string, repeat: number) => (id <= 'c10' ? true : id <= 'c15' ? repeat === 0 : false);
const base = summarizeBase([...Array(10).fill({ n: 2, c: 2 }), ...Array(5).fill({ n: 2, c: 1 }), ...Array(5).fill({ n: 2, c: 0 })]);

function home(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lunar-plan-'));
  const store = new ResultsStore(join(dir, 'results.db'));
  const specs: AttemptSpec[] = ids.flatMap((caseId) => [0, 1].map((repeat) => ({ caseId, repeat, scores: [passFail('exact', verdicts(caseId, repeat))] })));
  storeRun(store, 'base', 'baseline', specs);
  store.close();
  return dir;
}

describe('lunar plan', () => {
  it("reads the base's pass rate and within-case variance, and prints cases needed and the detectable drop for 1 and 2 repeats", async () => {
    expect(base).toEqual({ cases: 20, passRate: 0.625, withinVariance: 0.125 });
    const lines = (await plan(home(), ['--base', 'base', '--mde', '0.1'])).trimEnd().split('\n');
    const gate = { mde: 0.1, power: 0.8, alpha: 0.025, tolerance: 0.02 };
    const needed = [1, 2].map((repeats) => requiredCases(base, { ...gate, repeats })!);
    const detectable = [1, 2].map((repeats) => minimumDetectableEffect(base, { ...gate, cases: 20, repeats })!);
    // Repeats divide the attempt noise only: fewer cases needed with 2, never half as many.
    expect(needed[1]).toBeLessThan(needed[0]!);
    expect(needed[1]! * 2).toBeGreaterThan(needed[0]!);
    expect(lines).toEqual([
      "plan: from run base: a drop of 0.1 in pass rate, caught with power 0.8 at two-sided α 0.05 (the gate's test), tolerance 0.02",
      's/default/baseline: 20 cases, pass rate 0.625, within-case variance 0.125 from 20 repeated cases',
      `  1 repeat(s): needs ${needed[0]!.toLocaleString('en-US')} cases; the current 20 cases catch drops of ${detectable[0]!.toFixed(3)} or more`,
      `  2 repeat(s): needs ${needed[1]!.toLocaleString('en-US')} cases; the current 20 cases catch drops of ${detectable[1]!.toFixed(3)} or more`,
    ]);
  });

  it('takes --repeats, --power and a two-sided --alpha, halved as the gate tests', async () => {
    const json = JSON.parse(await plan(home(), ['--base', 'base', '--mde', '0.1', '--repeats', '4', '--power', '0.9', '--alpha', '0.1', '--json'])) as { alpha: number; groups: { plans: { repeats: number; casesNeeded: number }[] }[] };
    expect(json.alpha).toBe(0.05);
    expect(json.groups[0]!.plans.map((p) => [p.repeats, p.casesNeeded])).toEqual([
      [1, requiredCases(base, { mde: 0.1, power: 0.9, alpha: 0.05, tolerance: 0.02, repeats: 1 })],
      [4, requiredCases(base, { mde: 0.1, power: 0.9, alpha: 0.05, tolerance: 0.02, repeats: 4 })],
    ]);
  });

  it('says when no number of cases is enough, and refuses a bad --mde', async () => {
    expect(await plan(home(), ['--base', 'base', '--mde', '0.01'])).toContain('needs no number of cases (the drop is within the tolerance)');
    await expect(plan(home(), ['--base', 'base', '--mde', '0'])).rejects.toMatchObject({ code: 'commander.invalidArgument' });
    await expect(plan(home(), ['--base', 'nope', '--mde', '0.1'])).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/^--base nope: not in /) });
  });
});
