// `lunar compare <run-a> <run-b>`: compare two stored runs, case by case.
// `lunar compare --base T --candidate T [suites...]`: run the suites on both targets (one bench
// run each, through runBench), then compare the two runs.
// Either way the comparison is printed (or written as JSON with --json) and kept as
// <home>/runs/compare-<a>-<b>/comparison.json, with comparison.html beside it.

import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CACHE_MODES, type CacheMode } from '../agent/providers/cache.ts';
import { withInterrupts } from './bench.ts';
import { describeFailures } from '../runners/failures.ts';
import { REPORTERS } from '../reports/reporters.ts';
import { runBench, type BenchResult } from '../runners/bench.ts';
import { positiveInt } from './args.ts';
import { loadComparison, writeComparison, type LoadedComparison } from '../reports/compare/compare.ts';
import { formatComparison } from '../reports/compare/text.ts';
import { checkJudge, judgePreferences } from '../reports/compare/judge.ts';
import { PROCESS_OUTPUT, type CommandOutput } from './output.ts';
import { InputError } from '../core/errors.ts';
import { ResultsStore } from '../runners/store.ts';
import { loadSuite, suiteFiles, type Suite } from '../runners/suite.ts';
import { setExitCode } from './exit.ts';

interface CompareFlags {
  base?: string;
  candidate?: string;
  targetA?: string;
  targetB?: string;
  suite?: string[];
  home?: string;
  json: boolean;
  repeat: number;
  filter?: string[];
  limit?: number;
  cache: CacheMode;
  judge?: string;
  judgeCriteria?: string;
}

export interface CompareCommandOptions {
  /** Where suite names are looked up (`tools` → <folder>/tools.yaml); default ./suites. */
  suitesFolder?: () => string;
  output?: CommandOutput;
}

export function registerCompareCommand(program: Command, home: () => string, options: CompareCommandOptions = {}): void {
  const output = options.output ?? PROCESS_OUTPUT;
  const suitesFolder = options.suitesFolder ?? (() => resolve('suites'));
  program
    .command('compare')
    .description(
      'Compare a candidate with a base, case by case: wins/losses/ties, mean difference with a paired bootstrap 95% interval, ' +
        "McNemar's exact test on pass/fail, per category. Either two stored runs (lunar compare <run-a> <run-b>), or " +
        'lunar compare --base T --candidate T [suites...] to run the suites on both targets first.',
    )
    .argument('[runs-or-suites...]', 'two run ids (A = base, B = candidate); with --base/--candidate, suite files or names (default: every suite)')
    .option('--base <target>', 'run the suites on this target as A')
    .option('--candidate <target>', 'and on this target as B, then compare')
    .option('--target-a <id>', "only this target of run A (when A's groups ran several targets)")
    .option('--target-b <id>', 'only this target of run B')
    .option('-s, --suite <name...>', 'only these suites of the runs')
    .option('--home <dir>', 'where results.db and runs/ live (default $LUNAR_HOME or .lunar)')
    .option('--json', 'print the comparison as JSON (the comparison.json content)', false)
    .option('--judge <target>', 'also ask this model which final answer of each pair is better (asked twice, positions swapped), e.g. openai:gpt-4o-mini')
    .option('--judge-criteria <text>', 'what the pairwise judge compares (default: correct, complete, helpful, no unsupported claims)')
    .addOption(new Option('-r, --repeat <n>', 'with --base/--candidate: run every case n times').default(1).argParser(positiveInt))
    .option('-f, --filter <term...>', 'with --base/--candidate: only cases matching a term (id with * wildcards, category:NAME, tag:NAME)')
    .addOption(new Option('-l, --limit <n>', 'with --base/--candidate: at most n cases per suite').argParser(positiveInt))
    .addOption(new Option('--cache <mode>', 'with --base/--candidate: the model-call cache mode').choices([...CACHE_MODES]).default('on'))
    .action(async (positional: string[], flags: CompareFlags) => {
      const homeDir = flags.home ? resolve(flags.home) : home();
      if (flags.judge) checkJudge(flags.judge);
      let ids: [string, string];
      if (flags.base !== undefined || flags.candidate !== undefined) {
        const ran = await runBoth(positional, flags, homeDir, suitesFolder, output);
        setExitCode(program, ran.exitCode);
        if (!ran.ids) return;
        ids = ran.ids;
      } else {
        if (positional.length !== 2) throw new InputError(`compare: give two run ids (base, then candidate), or --base T --candidate T; got ${positional.length} argument(s)`);
        ids = [positional[0]!, positional[1]!];
      }
      const comparison = await readComparison(homeDir, ids, flags);
      const paths = writeComparison(homeDir, comparison);
      if (flags.json) output.stdout(`${JSON.stringify(comparison.report, null, 2)}\n`);
      else output.stdout(`${formatComparison(comparison.report)}\n\ncomparison written to ${paths.json}\nHTML report: ${paths.html}\n`);
    });
}

async function readComparison(home: string, [a, b]: [string, string], flags: CompareFlags): Promise<LoadedComparison> {
  const file = join(home, 'results.db');
  if (!existsSync(file)) throw new InputError(`${file}: no results store here; run lunar bench first, or point --home at one`);
  const store = new ResultsStore(file);
  try {
    const comparison = loadComparison(store, a, b, { targetA: flags.targetA, targetB: flags.targetB, suites: flags.suite });
    if (flags.judge) await judgePreferences(comparison.report, store, { judge: flags.judge, criteria: flags.judgeCriteria, home });
    return comparison;
  } finally {
    store.close();
  }
}

/** Runs the suites on the base, then on the candidate: the two run ids (none when interrupted) and the exit code the runs ask for. */
async function runBoth(names: string[], flags: CompareFlags, home: string, suitesFolder: () => string, output: CommandOutput): Promise<{ ids?: [string, string]; exitCode: number }> {
  if (!flags.base || !flags.candidate) throw new InputError('compare: --base and --candidate go together: name both targets');
  if (flags.base === flags.candidate) throw new InputError(`compare: --base and --candidate are both ${flags.base}; name two different targets`);
  if (flags.targetA || flags.targetB) throw new InputError('compare: --target-a/--target-b pick targets of stored runs; with --base/--candidate the targets are those two');
  const suites = resolveSuites(names, suitesFolder);
  const ids: string[] = [];
  let errored = false;
  for (const [role, target] of [['base', flags.base], ['candidate', flags.candidate]] as const) {
    const result: BenchResult = await withInterrupts(({ stop, abort }) =>
      runBench({ suites, targets: [target], fallbackTargets: [target], home, reporters: REPORTERS, repeat: flags.repeat, filter: flags.filter, limit: flags.limit, cache: flags.cache, madeBy: 'compare', stop, abort }),
    );
    const failures = describeFailures(result.attempts);
    for (const line of failures) output.stderr(`${line}\n`);
    errored ||= failures.length > 0;
    output.stderr(`${role} ${target}: run ${result.runId} ${result.status}, ${result.attempts.length} attempts\n`);
    if (result.status === 'interrupted') return { exitCode: 130 };
    ids.push(result.runId);
  }
  // As lunar bench: an attempt that errored makes the exit code 1; the comparison still counts it as a failure.
  return { ids: [ids[0]!, ids[1]!], exitCode: errored ? 1 : 0 };
}

/** As `lunar bench`: no names → every suite in the folder; a bare name → <folder>/<name>.yaml. */
function resolveSuites(names: string[], suitesFolder: () => string): Suite[] {
  if (names.length === 0) return suiteFiles(suitesFolder()).map(loadSuite);
  return names.map((name) => {
    const asName = join(suitesFolder(), `${name}.yaml`);
    return loadSuite(!name.includes('/') && !/\.ya?ml$/.test(name) && existsSync(asName) ? asName : name);
  });
}
