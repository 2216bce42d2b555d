// `lunar noise [run-id]`: how noisy a run with repeats is. Per case, how often its verdict flipped
// between repeats; per group (suite/configuration/target) the noise floor — how far the pass rate
// moves from one run to the next with nothing changed; the flaky cases by flip rate. With
// --write-quarantine the flaky cases go into the quarantine file (ci/quarantine.json) that
// `lunar gate` leaves out of its verdict, and cases listed there are counted towards release.

import { Command, Option } from 'commander';
import { relative, resolve } from 'node:path';
import { measureNoise, type CaseNoise, type GroupNoise } from '../metrics/noise.ts';
import { decideQuarantine, type QuarantineDecision } from '../metrics/quarantine.ts';
import { maxRepeats, noiseAttempts } from '../runners/run-noise.ts';
import { DEFAULT_QUARANTINE, readQuarantineOrEmpty, writeQuarantine } from '../ci/quarantine-file.ts';
import { positiveInt } from './args.ts';
import { PROCESS_OUTPUT, type CommandOutput } from './output.ts';
import { readStoredRun, type StoredRun } from './stored-run.ts';

interface NoiseFlags {
  home?: string;
  json: boolean;
  writeQuarantine?: string | true;
  releaseAfter: number;
}

export function registerNoiseCommand(program: Command, home: () => string, output: CommandOutput = PROCESS_OUTPUT): void {
  program
    .command('noise')
    .description(
      'How noisy a run with repeats is: per case how often its verdict flipped between repeats, per suite/configuration/target the ' +
        'noise floor (the spread of the pass rate from repeat to repeat, with a 95% interval), and the flaky cases. ' +
        '--write-quarantine puts the flaky cases into the quarantine file lunar gate leaves out of its verdict.',
    )
    .argument('[run-id]', 'the run (default: the newest in the results store)')
    .option('--home <dir>', 'where results.db lives (default $LUNAR_HOME or .lunar)')
    .option('--json', 'print the figures as JSON', false)
    .option('--write-quarantine [file]', `add this run's flaky cases to the quarantine file and count listed cases that held steady (default ${DEFAULT_QUARANTINE})`)
    .addOption(new Option('--release-after <n>', 'consecutive stable runs after which a quarantined case is proposed for release').default(3).argParser(positiveInt))
    .action((runId: string | undefined, flags: NoiseFlags) => {
      const { run, attempts } = readStoredRun(flags.home ? resolve(flags.home) : home(), runId);
      const noise = measureNoise(noiseAttempts(attempts));
      const repeats = maxRepeats(attempts);
      let quarantine: { path: string; decision: QuarantineDecision } | undefined;
      if (flags.writeQuarantine !== undefined) {
        const path = resolve(flags.writeQuarantine === true ? DEFAULT_QUARANTINE : flags.writeQuarantine);
        const decision = decideQuarantine(readQuarantineOrEmpty(path), noise, { runId: run.id, now: run.startedAt.slice(0, 10), releaseAfter: flags.releaseAfter });
        writeQuarantine(path, decision.next);
        quarantine = { path, decision };
      }
      if (flags.json) {
        const json = { schema: 'lunar.noise', version: 1, run: { id: run.id, status: run.status }, maxRepeats: repeats, groups: noise, ...(quarantine ? { quarantine: { path: quarantine.path, ...quarantine.decision } } : {}) };
        output.stdout(`${JSON.stringify(json, null, 2)}\n`);
        return;
      }
      output.stdout(`${formatNoise(run, noise, repeats).join('\n')}\n`);
      if (quarantine) output.stdout(`${formatDecision(quarantine.path, quarantine.decision, flags.releaseAfter).join('\n')}\n`);
    });
}

export function formatNoise(run: Pick<StoredRun, 'id'>, noise: readonly GroupNoise[], repeats: number): string[] {
  const lines = [`noise: run ${run.id}, ${noise.length} group(s), at most ${repeats} repeat(s) per case`];
  if (repeats < 2) lines.push('note: no case was run more than once, so no flip can be seen; run with lunar bench --repeat 3 (or more)');
  for (const g of noise) {
    const f = g.floor;
    const judged = g.cases.filter((c) => c.repeats > 0).length;
    lines.push(`${g.group}: ${judged} cases, ${g.flaky.length} flaky (their verdicts flipped between repeats), ${judged - g.flaky.length} stable`);
    const byRepeat = f.perRepeat.map((r) => r.passRate.toFixed(3)).join(', ');
    const repeatSd = f.repeatSd === null ? '' : ` (SD ${f.repeatSd.toFixed(3)})`;
    lines.push(`  pass rate by repeat: ${byRepeat}${repeatSd}`);
    if (f.expectedRunSd) {
      const e = f.expectedRunSd;
      const r = Math.max(1, ...g.cases.map((c) => c.repeats));
      const averaged = r > 1 ? `; ${(e.estimate / Math.sqrt(r)).toFixed(3)} for a pass rate averaged over ${r} repeats` : '';
      lines.push(`  noise floor: run-to-run SD of a one-repeat pass rate ${e.estimate.toFixed(3)}, 95% CI [${e.low.toFixed(3)}, ${e.high.toFixed(3)}] (bootstrap over ${e.n} cases)${averaged}`);
    }
    if (f.singleVerdictCases) lines.push(`  note: ${f.singleVerdictCases} case(s) have a single verdict; their noise cannot be seen and counts as none`);
    for (const c of g.flaky) lines.push(`  flaky ${flakyLine(c)}`);
  }
  return lines;
}

/** `c13  flip rate 0.50 (2 of 4 passed)  category general`. */
function flakyLine(c: CaseNoise): string {
  return `${c.caseId}  flip rate ${c.flipRate.toFixed(2)} (${c.passes} of ${c.repeats} passed)${c.category !== undefined ? `  category ${c.category}` : ''}`;
}

export function formatDecision(path: string, d: QuarantineDecision, releaseAfter: number): string[] {
  const file = shown(path);
  const where = (id: string, group?: string) => `${id}${group === undefined ? '' : ` in ${group}`}`;
  const lines = d.add.map((c) => `quarantine: added ${where(c.caseId, c.group)} (flip rate ${c.flipRate.toFixed(2)})`);
  for (const e of d.entries) {
    if (e.status === 'stable') lines.push(`quarantine: ${where(e.id, e.group)} held steady: ${e.stableRuns} of ${releaseAfter} stable runs`);
    else if (e.status === 'flipped') lines.push(`quarantine: ${where(e.id, e.group)} flipped again (flip rate ${e.flipRate.toFixed(2)}): its count of stable runs is back to 0`);
  }
  for (const e of d.release) lines.push(`quarantine: release proposed: ${where(e.id, e.group)} held steady ${e.stableRuns} runs in a row; delete its entry from ${file} to gate it again`);
  lines.push(`wrote ${file}: ${d.next.cases.length} quarantined case(s), ${d.add.length} added, ${d.release.length} proposed for release`);
  return lines;
}

function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}
