// `lunar plan --base <run> --mde 0.05`: how big a suite must be for the gate to catch a drop of
// the given size, from a base run's own per-case pass rates and (with repeats) their noise; and
// the smallest drop the suite as it is can catch. Planning is metrics/power.ts: the gate's own
// test (McNemar at two-sided 0.05 beyond its tolerance), checked there against simulated runs.

import { Command, InvalidArgumentError, Option } from 'commander';
import { resolve } from 'node:path';
import { InputError } from '../core/errors.ts';
import { GATE_SIGNIFICANCE, GATE_TOLERANCE } from '../metrics/gate-decision.ts';
import { planGroup, PLAN_POWER, type GroupPlan } from '../ci/precision.ts';
import { caseDrawsByGroup, maxRepeats } from '../runners/run-noise.ts';
import { positiveInt } from './args.ts';
import { PROCESS_OUTPUT, type CommandOutput } from './output.ts';
import { readStoredRun } from './stored-run.ts';

interface PlanFlags {
  base: string;
  mde: number;
  power: number;
  alpha: number;
  tolerance: number;
  repeats?: number;
  home?: string;
  json: boolean;
}

export function registerPlanCommand(program: Command, home: () => string, output: CommandOutput = PROCESS_OUTPUT): void {
  program
    .command('plan')
    .description(
      'How many cases (and repeats) the gate needs to catch a drop in pass rate of --mde, from a base run\'s per-case pass rates and noise, ' +
        'and the smallest drop the current suite catches.',
    )
    .requiredOption('--base <run>', 'the run to plan from (its cases, pass rates and, with repeats, their noise)')
    .addOption(new Option('--mde <x>', 'the drop in pass rate the gate must catch, e.g. 0.05').argParser(openFraction).makeOptionMandatory())
    .addOption(new Option('--power <x>', 'the chance of catching it').default(PLAN_POWER).argParser(powerLevel))
    .addOption(new Option('--alpha <x>', "the gate's two-sided significance level").default(GATE_SIGNIFICANCE).argParser(openFraction))
    .addOption(new Option('--tolerance <x>', 'the drop the gate forgives').default(GATE_TOLERANCE).argParser(fraction))
    .addOption(new Option('--repeats <n>', 'plan for this many repeats per case as well as for one').argParser(positiveInt))
    .option('--home <dir>', 'where results.db lives (default $LUNAR_HOME or .lunar)')
    .option('--json', 'print the plan as JSON', false)
    .action((flags: PlanFlags) => {
      const { run, attempts } = readStoredRun(flags.home ? resolve(flags.home) : home(), flags.base, '--base');
      const groups = caseDrawsByGroup(attempts);
      if (groups.size === 0) throw new InputError(`--base ${run.id}: no attempt of the run has a verdict (pass or fail) to plan from`);
      const baseRepeats = maxRepeats(attempts);
      const repeats = [...new Set([1, flags.repeats ?? baseRepeats])].sort((x, y) => x - y);
      // The gate's McNemar test is two-sided; it fails a drop at half the level on that side.
      const options = { mde: flags.mde, power: flags.power, alpha: flags.alpha / 2, tolerance: flags.tolerance, repeats };
      const plans = [...groups].map(([group, draws]) => planGroup(group, draws, options));
      if (flags.json) {
        output.stdout(`${JSON.stringify({ schema: 'lunar.plan', version: 1, base: run.id, ...options, groups: plans }, null, 2)}\n`);
        return;
      }
      output.stdout(`${formatPlan(run.id, flags, plans).join('\n')}\n`);
    });
}

export function formatPlan(runId: string, flags: Pick<PlanFlags, 'mde' | 'power' | 'alpha' | 'tolerance'>, plans: readonly GroupPlan[]): string[] {
  const lines = [`plan: from run ${runId}: a drop of ${flags.mde} in pass rate, caught with power ${flags.power} at two-sided α ${flags.alpha} (the gate's test), tolerance ${flags.tolerance}`];
  for (const p of plans) {
    const noise = p.repeatedCases ? `within-case variance ${p.base.withinVariance.toFixed(3)} from ${p.repeatedCases} repeated cases` : `no repeats: within-case variance taken at its bound ${p.base.withinVariance.toFixed(3)}`;
    lines.push(`${p.group}: ${p.base.cases} cases, pass rate ${p.base.passRate.toFixed(3)}, ${noise}`);
    for (const r of p.plans) {
      const needed =
        r.casesNeeded !== null ? `${r.casesNeeded.toLocaleString('en-US')} cases`
        : flags.mde <= flags.tolerance ? 'no number of cases (the drop is within the tolerance)'
        : flags.mde > p.base.passRate ? `no number of cases (the drop is more than the pass rate ${p.base.passRate.toFixed(3)})`
        : 'more than 10,000,000 cases';
      const detectable = r.detectable === null ? 'no drop' : `drops of ${r.detectable.toFixed(3)} or more`;
      lines.push(`  ${r.repeats} repeat(s): needs ${needed}; the current ${p.base.cases} cases catch ${detectable}`);
    }
  }
  return lines;
}

function fraction(value: string): number {
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(value.trim()) || n > 1) throw new InvalidArgumentError('expected a number from 0 to 1, e.g. 0.05');
  return n;
}

function openFraction(value: string): number {
  const n = fraction(value);
  if (n === 0 || n === 1) throw new InvalidArgumentError('expected a number between 0 and 1, e.g. 0.05');
  return n;
}

function powerLevel(value: string): number {
  const n = fraction(value);
  if (n < 0.5 || n >= 1) throw new InvalidArgumentError('expected a power from 0.5 to below 1, e.g. 0.8');
  return n;
}
