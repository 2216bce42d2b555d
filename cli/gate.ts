// `lunar gate [run-id]`: check a stored run (default: the newest made by lunar bench) against its suites' gates
// (thresholds and a reference, from each suite's `gates:` section) and those given on the command
// line; exit 1 when one fails. `--update-reference` writes the reference from the run instead.

import { Command, InvalidArgumentError, Option } from 'commander';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { PROCESS_OUTPUT, type CommandOutput } from './output.ts';
import { InputError } from '../core/errors.ts';
import { ResultsStore, type StoredAttempt } from '../runners/store.ts';
import { referenceFromRun, readReference, writeReference, type ReferenceFile } from '../ci/reference.ts';
import { evaluateGates, formatGateReport, type GateQuarantine, type GateReport, type SuiteGates } from '../ci/gate.ts';
import { DEFAULT_TOLERANCE, parseThreshold, type Threshold } from '../runners/gate-spec.ts';
import { recordedGates, type SuiteGateSpec } from '../ci/recorded-gates.ts';
import { setExitCode } from './exit.ts';
import { DEFAULT_QUARANTINE, readQuarantine } from '../ci/quarantine-file.ts';
import { recordGateVerdict } from '../runners/gate-verdict.ts';
import { madeByBench } from '../runners/run-start.ts';

/** Where --update-reference writes when neither --reference nor a suite names a file. */
export const DEFAULT_REFERENCE = join('ci', 'reference.json');

interface GateFlags {
  suite?: string[];
  threshold: string[];
  reference?: string;
  tolerance?: number;
  updateReference: boolean;
  /** The old names of --reference and --update-reference, still accepted. */
  baseline?: string;
  updateBaseline?: boolean;
  home?: string;
  quarantine?: string;
  excludeUserErrors: boolean;
  verbose: boolean;
}

type Run = NonNullable<ReturnType<ResultsStore['run']>>;

export function registerGateCommand(program: Command, home: () => string, output: CommandOutput = PROCESS_OUTPUT): void {
  program
    .command('gate')
    .description(
      "Check a run against its suites' quality gates (gates: thresholds and a reference) and --threshold/--reference: " +
        'exit 0 when every gate holds, 1 when one fails (one line per failure), 2 on bad input. ' +
        'A drop from the reference fails only when beyond the tolerance and significant (paired bootstrap; McNemar for pass rates).',
    )
    .argument('[run-id]', 'the run to check (default: the newest run made by lunar bench, not by lunar compare)')
    .option('-s, --suite <name...>', 'only these suites of the run')
    .option('--threshold <check>', "a threshold for every suite of the run that has its scorer, e.g. 'answer_contains.mean >= 0.5' (repeatable)", collect, [])
    .option('--reference <file>', "the reference for every suite (default: each suite's gates.reference.path)")
    .addOption(new Option('--tolerance <x>', `the drop from the reference that is never a regression (default: the suite's, else ${DEFAULT_TOLERANCE})`).argParser(fraction))
    .option('--update-reference', `write the reference from the run instead of checking (to --reference, else the suites' gates.reference.path, else ${DEFAULT_REFERENCE}); the file is replaced`, false)
    .addOption(new Option('--baseline <file>', 'the old name of --reference').hideHelp())
    .addOption(new Option('--update-baseline', 'the old name of --update-reference').hideHelp())
    .option('--home <dir>', 'where results.db lives (default $LUNAR_HOME or .lunar)')
    .option('--quarantine <file>', `flaky cases to leave out of the verdict (default ${DEFAULT_QUARANTINE} when it exists; written by lunar noise --write-quarantine)`)
    .option('--exclude-user-errors', "leave out failed episodes the user_check judge labelled user_error (the simulated user's fault, not the agent's), naming each", false)
    .option('-v, --verbose', 'print every check, not only failures', false)
    .action((runId: string | undefined, given: GateFlags) => {
      const { baseline, updateBaseline, ...rest } = given;
      const flags: GateFlags = { ...rest, reference: rest.reference ?? baseline, updateReference: rest.updateReference || Boolean(updateBaseline) };
      const homeDir = flags.home ? resolve(flags.home) : home();
      const { run, attempts } = readRun(homeDir, runId, flags.suite);
      const specs = suiteSpecs(run, attempts, output);
      if (flags.updateReference) return updateReference(run, attempts, specs, flags, output);
      const quarantine = quarantineOf(flags.quarantine);
      const gates = collectGates(attempts, specs, flags, output);
      const report = evaluateGates(run, attempts, gates, quarantine, { excludeUserErrors: flags.excludeUserErrors });
      for (const warning of report.warnings) output.stderr(`warning: ${warning}\n`);
      output.stdout(`${formatGateReport(report, flags.verbose).join('\n')}\n`);
      recordVerdict(homeDir, report);
      if (report.failed > 0) setExitCode(program, 1);
    });
}

function readRun(home: string, runId: string | undefined, suites: string[] | undefined): { run: Run; attempts: StoredAttempt[] } {
  const file = join(home, 'results.db');
  if (!existsSync(file)) throw new InputError(`${file}: no results store here; run lunar bench first, or point --home at one`);
  const store = new ResultsStore(file);
  try {
    const run = runId ? store.run(runId) : store.runs().find(madeByBench);
    if (!run) throw new InputError(runId ? `run ${runId}: not in ${file}` : `${file}: holds no lunar bench run yet; run lunar bench first, or name a run`);
    let attempts = store.attempts(run.id);
    if (suites) {
      const present = new Set(attempts.map((a) => a.suite));
      const absent = suites.filter((s) => !present.has(s));
      if (absent.length) throw new InputError(`--suite: run ${run.id} has no suite ${absent.join(', ')} (its suites: ${[...present].sort().join(', ') || 'none'})`);
      attempts = attempts.filter((a) => suites.includes(a.suite));
    }
    return { run, attempts };
  } finally {
    store.close();
  }
}

/** Keeps the verdict with the run, so `lunar history` can mark the runs a gate failed. */
function recordVerdict(home: string, report: GateReport): void {
  const store = new ResultsStore(join(home, 'results.db'));
  try {
    recordGateVerdict(store, report.run.id, {
      checked_at: new Date().toISOString(),
      failed: report.failed,
      held: report.held,
      checks: report.checks.map(({ suite, config, target, measure, verdict, text }) => ({ suite, config, target, measure, verdict, text })),
    });
  } finally {
    store.close();
  }
}

/** The gates the run recorded for its suites; a run made before runs recorded them is said to have none. */
function suiteSpecs(run: Run, attempts: readonly StoredAttempt[], output: CommandOutput): Map<string, SuiteGateSpec> {
  const recorded = recordedGates(run);
  if (!recorded) {
    output.stderr(`note: run ${run.id} recorded no gates (it was made by an older Lunar): only --threshold and --reference apply; run it again to gate it by its suites\n`);
    return new Map();
  }
  const names = new Set(attempts.map((a) => a.suite));
  return new Map([...recorded].filter(([name]) => names.has(name)));
}

function collectGates(attempts: readonly StoredAttempt[], specs: Map<string, SuiteGateSpec>, flags: GateFlags, output: CommandOutput): SuiteGates[] {
  const cli = flags.threshold.map((text) => {
    const parsed = parseThreshold(text);
    if (!parsed.ok) throw new InputError(`--threshold "${text}": ${parsed.error}`);
    return parsed.threshold;
  });
  const suites = [...new Set(attempts.map((a) => a.suite))].sort();
  const scorersIn = (suite: string) => new Set([...(specs.get(suite)?.scorers ?? []), ...attempts.filter((a) => a.suite === suite).flatMap((a) => a.scores.map((s) => s.scorer))]);
  for (const t of cli) {
    if (t.measure.kind !== 'scorer') continue;
    const scorer = t.measure.scorer;
    if (!suites.some((s) => scorersIn(s).has(scorer))) throw new InputError(`--threshold "${t.text}": no suite of the run has a scorer ${scorer} (scorers: ${[...new Set(suites.flatMap((s) => [...scorersIn(s)]))].sort().join(', ')})`);
  }
  const references = new Map<string, ReferenceFile>();
  const gates = suites.map((suite): SuiteGates => {
    const spec = specs.get(suite);
    const scorers = scorersIn(suite);
    const thresholds: SuiteGates['thresholds'] = [];
    for (const t of spec?.thresholds ?? []) {
      if (t.measure.kind === 'scorer' && !scorers.has(t.measure.scorer)) {
        throw new InputError(`${spec!.file}: gates.thresholds: "${t.text}": suite ${suite} has no scorer ${t.measure.scorer} (its scorers: ${[...scorers].sort().join(', ')})`);
      }
      thresholds.push({ threshold: t, source: shown(spec!.file) });
    }
    for (const t of cli) {
      if (applies(t, scorers)) thresholds.push({ threshold: t, source: '--threshold' });
      else output.stderr(`note: ${suite} has no scorer ${(t.measure as { scorer: string }).scorer}; --threshold "${t.text}" not checked there\n`);
    }
    const path = flags.reference ? resolve(flags.reference) : spec?.reference?.path;
    if (!path) return { suite, thresholds };
    if (!references.has(path)) references.set(path, readReference(path));
    const tolerance = flags.tolerance ?? spec?.reference?.tolerance ?? DEFAULT_TOLERANCE;
    return { suite, thresholds, reference: { file: references.get(path)!, path: shown(path), tolerance } };
  });
  if (gates.every((g) => g.thresholds.length === 0 && !g.reference)) {
    throw new InputError(
      `nothing to gate: no suite of the run (${suites.join(', ')}) has a gates: section, and no --threshold or --reference was given; ` +
        `e.g. lunar gate --reference ${DEFAULT_REFERENCE}, or add to a suite: gates: { thresholds: ["pass_rate >= 0.5"] }`,
    );
  }
  return gates;
}

/** The quarantine named by --quarantine (which must exist), else ci/quarantine.json when present. */
function quarantineOf(named: string | undefined): GateQuarantine | undefined {
  const path = resolve(named ?? DEFAULT_QUARANTINE);
  if (!named && !existsSync(path)) return undefined;
  if (!existsSync(path)) throw new InputError(`--quarantine ${named}: no such file (lunar noise --write-quarantine ${named} writes one)`);
  return { file: readQuarantine(path), path: shown(path) };
}

function applies(t: Threshold, scorers: ReadonlySet<string>): boolean {
  return t.measure.kind !== 'scorer' || scorers.has(t.measure.scorer);
}

function updateReference(run: Run, attempts: readonly StoredAttempt[], specs: Map<string, SuiteGateSpec>, flags: GateFlags, output: CommandOutput): void {
  if (run.status !== 'completed') throw new InputError(`--update-reference: run ${run.id} is ${run.status}; a reference is made from a completed run`);
  if (attempts.length === 0) throw new InputError(`--update-reference: run ${run.id} has no attempts`);
  const named = [...new Set([...specs.values()].flatMap((s) => (s.reference ? [s.reference.path] : [])))];
  if (!flags.reference && named.length > 1) throw new InputError(`--update-reference: the suites name ${named.length} reference files (${named.map(shown).join(', ')}); pick one with --reference`);
  const path = flags.reference ? resolve(flags.reference) : (named[0] ?? resolve(DEFAULT_REFERENCE));
  const file = referenceFromRun(run, attempts);
  writeReference(path, file);
  const cases = file.groups.reduce((n, g) => n + g.cases.length, 0);
  output.stdout(`wrote ${shown(path)}: ${file.groups.length} groups, ${cases} cases, from run ${run.id}\n`);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function fraction(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || n > 1) throw new InvalidArgumentError('expected a number from 0 to 1, e.g. 0.02');
  return n;
}

/** A path as messages show it: relative to the working folder when inside it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}
