// `lunar bench`: run suites, or resume a run, or show what a run would do and cost.

import { Command, InvalidArgumentError, Option } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CACHE_MODES, type CacheMode } from '../agent/providers/cache.ts';
import { formatTable, formatJudgeReliability } from '../reports/table.ts';
import { planBench, runBench, type BenchOptions } from '../runners/bench.ts';
import { recordedInvocation } from '../runners/run-start.ts';
import { REPORTERS } from '../reports/reporters.ts';
import { nonNegativeNumber, positiveInt } from './args.ts';
import { estimatePlan, formatEstimate } from '../runners/estimate.ts';
import { mergeRuns } from '../runners/merge.ts';
import { parseShard, timeoutWarning } from '../runners/plan.ts';
import { describeLock } from '../runners/provenance.ts';
import { describeFailures } from '../runners/failures.ts';
import { datasetFiles, loadSuite, suiteFiles, withCallTimeout, type Suite } from '../runners/suite.ts';
import { howToGet, referenceFileOf, shownPath } from '../datasets/reference/locate.ts';
import { detectTargets } from '../agent/targets.ts';
import { missingKeyVariable } from '../agent/providers/registry.ts';
import { scriptedEpisodeNote } from '../runners/episodes.ts';
import { setExitCode } from './exit.ts';
import { DEFAULT_MAX_REPEAT, formatAutoRepeat } from '../runners/auto-repeat.ts';
import { InputError } from '../core/errors.ts';

interface BenchFlags {
  otlpPort?: number;
  target?: string[];
  out?: string;
  home?: string;
  concurrency?: number;
  repeat: number | 'auto';
  maxRepeat?: number;
  filter?: string[];
  limit?: number;
  shard?: string;
  dryRun: boolean;
  budget?: number;
  resume?: string;
  cache: CacheMode;
  timeout?: number;
  user?: string;
}

export function registerBenchCommand(program: Command, paths: { home: () => string; suitesFolder: () => string }): void {
  program
    .command('bench')
    .description('Run suites: every case on every target and configuration, scored, stored in <home>/results.db, with files in <home>/runs/<run-id>/.')
    .argument('[suites...]', 'suite files or names (tools → suites/tools.yaml); default: every suite under suites/')
    .option('-t, --target <id...>', "targets to run, overriding the suites' own (e.g. baseline, ollama:qwen2.5:7b, openai:gpt-4o-mini, gemini:gemini-2.5-flash, groq:llama-3.3-70b-versatile, scripted)")
    .option('--user <target>', "who plays the simulated user of episode suites (tau-*): provider:model or scripted, overriding the suite's")
    .option('-o, --out <dir>', "write the run's files (results.json) here instead of <home>/runs/<run-id>/")
    .option('--home <dir>', 'where results.db and runs/ live (default $LUNAR_HOME or .lunar)')
    .addOption(new Option('-c, --concurrency <n>', "attempts in flight at once (default: what the targets' providers can take: Ollama 2, hosted APIs 8, local policies 4; at most 64)").argParser(positiveInt))
    .addOption(new Option('-r, --repeat <n|auto>', 'run every case n times: reports give the spread, pass@k and pass^k; auto: once, then again only while its verdict is uncertain, up to --max-repeat').default(1).argParser(repeatArg))
    .addOption(new Option('--max-repeat <n>', `with --repeat auto, the most attempts a case gets (default ${DEFAULT_MAX_REPEAT})`).argParser(positiveInt))
    .option('-f, --filter <term...>', 'only cases matching a term: a case id (* as wildcard), category:NAME or tag:NAME')
    .addOption(new Option('-l, --limit <n>', 'at most n cases per suite (after --filter)').argParser(positiveInt))
    .option('--shard <i/n>', 'run one deterministic slice of the plan (CI matrix jobs); join the slices with lunar merge')
    .option('--dry-run', 'print the plan and its estimated cost, run nothing', false)
    .addOption(new Option('--budget <dollars>', 'stop starting attempts once the run has cost this much; the run is reported as partial').argParser(nonNegativeNumber))
    .addOption(new Option('--cache <mode>', 'model-call cache: on (read and record), off, refresh (record over), replay (recorded answers only; no keys needed; a miss is an error naming the case)').choices([...CACHE_MODES]).default('on'))
    .option('--resume <run-id>', 'continue a run that was stopped or killed: finished attempts are kept, the rest of its plan runs')
    .addOption(new Option('--otlp-port <port>', "the port of the OpenTelemetry (OTLP/HTTP) receiver a run with external agents starts (default: any free port; the module and exec targets are told it; give one for an agent you start yourself)").argParser(positiveInt))
    .addOption(new Option('--timeout <ms>', "per-attempt timeout of each model call, overriding the suites' timeout_ms (default 60000); a call that times out is retried while the time budget lasts").argParser(positiveInt))
    .action(async (names: string[], flags: BenchFlags) => {
      const home = flags.home ? resolve(flags.home) : paths.home();
      const given = flags.resume ? await resumeOptions(home, flags) : await freshOptions(names, flags, home, paths.suitesFolder);
      const timed = flags.timeout === undefined ? given : { ...given, suites: given.suites.map((suite) => withCallTimeout(suite, flags.timeout!)) };
      const options = flags.otlpPort === undefined ? timed : { ...timed, otlpPort: flags.otlpPort };
      if (flags.dryRun) {
        const plan = await planBench(options);
        console.log(formatEstimate(plan, estimatePlan(plan)));
        return;
      }
      const warning = timeoutWarning(options.suites, (suite) => callingTargets(options, suite));
      if (warning) console.error(`lunar: ${warning}`);
      const result = await withInterrupts(({ stop, abort }) => runBench({ ...options, reporters: REPORTERS, stop, abort }));
      console.log(formatTable(result.aggregates));
      const unknownTools = result.unknownTools.note();
      if (unknownTools) console.log(unknownTools);
      for (const line of formatJudgeReliability(result.judgeReliability)) console.log(line);
      if (result.autoRepeat) console.log(formatAutoRepeat(result.autoRepeat));
      const episodes = scriptedEpisodeNote(result.attempts);
      if (episodes) console.log(episodes);
      const failures = describeFailures(result.attempts);
      for (const line of failures) console.error(line);
      console.log(`\n${describeLock(result.lock)}`);
      console.log(`run ${result.runId} ${result.status}: ${result.attempts.length} attempts; files in ${result.outDir}`);
      if (result.status === 'interrupted') setExitCode(program, 130);
      else if (result.status === 'partial') console.log(`the budget of $${options.budget} was reached: resume with lunar bench --resume ${result.runId} --budget <more>`);
      if (result.status !== 'interrupted' && failures.length) setExitCode(program, 1);
    });
}

export function registerMergeCommand(program: Command, paths: { home: () => string }): void {
  program
    .command('merge')
    .description('Join the result files of shard runs (lunar bench --shard i/n, one --home each) into one run, checked to be the same plan and to cover it once.')
    .argument('<results...>', 'results.db files, or the --home folders of the shard runs')
    .option('--home <dir>', 'where the merged run is stored (default $LUNAR_HOME or .lunar)')
    .option('--user <target>', "who plays the simulated user of episode suites (tau-*): provider:model or scripted, overriding the suite's")
    .option('-o, --out <dir>', "write the merged run's files here instead of <home>/runs/<run-id>/")
    .action((inputs: string[], flags: { home?: string; out?: string }) => {
      const result = mergeRuns(inputs, flags.home ? resolve(flags.home) : paths.home(), REPORTERS, flags.out ? resolve(flags.out) : undefined);
      console.log(formatTable(result.aggregates));
      console.log(`\nrun ${result.runId} ${result.status}: ${result.attempts.length} attempts from ${result.shards} shard run(s); files in ${result.outDir}`);
      if (describeFailures(result.attempts).length) setExitCode(program, 1);
    });
}

async function freshOptions(names: string[], flags: BenchFlags, home: string, suitesFolder: () => string): Promise<BenchOptions> {
  // Checked first: a misused flag is reported before any suite is read or target detected.
  const repeat = repeatOptions(flags);
  const suites = resolveSuites(names, suitesFolder);
  const fallbackTargets = flags.target || suites.every((s) => s.targets) ? ['baseline'] : await announceDetected();
  return {
    suites,
    targets: flags.target,
    user: flags.user,
    fallbackTargets,
    home,
    outDir: flags.out ? resolve(flags.out) : undefined,
    concurrency: flags.concurrency,
    ...repeat,
    filter: flags.filter,
    limit: flags.limit,
    shard: flags.shard ? parseShard(flags.shard) : undefined,
    budget: flags.budget,
    cache: flags.cache,
  };
}

/** A resumed run is planned exactly as it was started; only --budget, --concurrency, --timeout and --out may change. */
async function resumeOptions(home: string, flags: BenchFlags): Promise<BenchOptions> {
  const recorded = recordedInvocation(home, flags.resume!);
  return {
    suites: recorded.suites.map(loadSuite),
    targets: recorded.targets,
    user: recorded.user,
    fallbackTargets: recorded.fallbackTargets,
    home,
    outDir: flags.out ? resolve(flags.out) : undefined,
    concurrency: flags.concurrency,
    ...(recorded.repeat === 'auto' ? { autoRepeat: { maxRepeat: recorded.maxRepeat ?? DEFAULT_MAX_REPEAT } } : { repeat: recorded.repeat }),
    filter: recorded.filter,
    limit: recorded.limit,
    shard: recorded.shard,
    budget: flags.budget ?? recorded.budget,
    resume: flags.resume,
    cache: flags.cache,
  };
}

/** `--repeat n` or `--repeat auto`. */
function repeatArg(text: string): number | 'auto' {
  if (text.trim() === 'auto') return 'auto';
  try {
    return positiveInt(text);
  } catch {
    throw new InvalidArgumentError('expected a positive integer or auto');
  }
}

/** --max-repeat means something only with --repeat auto: alone it would be silently ignored, so it is refused. */
function repeatOptions(flags: BenchFlags): Pick<BenchOptions, 'repeat' | 'autoRepeat'> {
  if (flags.repeat === 'auto') return { autoRepeat: { maxRepeat: flags.maxRepeat ?? DEFAULT_MAX_REPEAT } };
  if (flags.maxRepeat !== undefined) throw new InputError('--max-repeat: only with --repeat auto');
  return { repeat: flags.repeat };
}

/**
 * The targets of a suite whose calls will reach a server, for the timeout warning: none when
 * replaying, and none that lacks its key or is no target at all, since the run then stops before
 * it starts (exit 2) and a warning would only stand in front of the reason.
 */
function callingTargets(options: BenchOptions, suite: Suite): string[] {
  if (options.cache === 'replay') return [];
  return (options.targets ?? suite.targets ?? options.fallbackTargets).filter((id) => {
    try {
      return missingKeyVariable(id, options.env ? { env: options.env } : {}) === undefined;
    } catch {
      return false;
    }
  });
}

function resolveSuites(names: string[], suitesFolder: () => string): Suite[] {
  if (names.length === 0) return suiteFiles(suitesFolder()).map(loadSuite).filter(hasItsData);
  return names.map((name) => {
    const asName = join(suitesFolder(), `${name}.yaml`);
    return loadSuite(!name.includes('/') && !/\.ya?ml$/.test(name) && existsSync(asName) ? asName : name);
  });
}

/**
 * In the default run, a suite over reference data (`data:bfcl/...`: ../shared/data beside the
 * project, else the home's data/) is left out, with one line saying so and how to get it, where
 * that data is not present; named explicitly, a missing file is bad input as usual.
 */
function hasItsData(suite: Suite): boolean {
  const missing = datasetFiles(suite.dataset).filter((file) => !existsSync(file));
  if (missing.length === 0) return true;
  const reference = referenceFileOf(missing[0]!);
  const how = reference ? howToGet(reference.name, missing.map((file) => referenceFileOf(file)?.file ?? file)) : 'name the suite to see the error';
  console.log(`suite ${suite.name} left out: ${shownPath(missing[0]!)} is not there (${how})`);
  return false;
}

async function announceDetected(): Promise<string[]> {
  const detected = await detectTargets();
  console.log(detected.message);
  return detected.targets;
}

/**
 * Ctrl-C once: stop starting attempts; those in flight finish and are kept. Ctrl-C again, or
 * SIGTERM: the run writes what finished and is marked interrupted (synchronously, as the abort
 * signal fires), then the process exits, 130 (143 on SIGTERM). The handlers go when the run ends.
 */
export async function withInterrupts<T>(
  run: (signals: { stop: AbortSignal; abort: AbortSignal }) => Promise<T>,
  notice = 'stopping: finishing attempts in flight, keeping what finished (Ctrl-C again to quit now)',
): Promise<T> {
  const stop = new AbortController();
  const abort = new AbortController();
  const quit = (code: number) => {
    abort.abort(new Error('interrupted'));
    process.exit(code);
  };
  const onSigint = () => {
    if (stop.signal.aborted) return quit(130);
    process.stderr.write(`\n${notice}\n`);
    stop.abort(new Error('interrupted'));
  };
  const onSigterm = () => quit(143);
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  try {
    return await run({ stop: stop.signal, abort: abort.signal });
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  }
}
