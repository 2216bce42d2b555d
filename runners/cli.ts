// The `lunar` command. Exit codes: 0 done (and, once gates exist, all gates held), 1 a gate or a
// run failed or an attempt errored, 2 bad input or configuration (a missing API key included),
// 130 interrupted with Ctrl-C (143 on SIGTERM).

import { Command, CommanderError, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProviderError } from '../agent/providers/errors.ts';
import { loadPriceOverrides, PriceFileError } from '../agent/providers/pricing.ts';
import { formatTable } from '../reports/table.ts';
import { RunFailedError, runBench } from './bench.ts';
import { runChat } from './chat.ts';
import { positiveInt } from './cli-args.ts';
import { registerRagCommands } from './rag-commands.ts';
import { registerTrecEval } from './trec-eval-command.ts';
import { InputError } from './input-error.ts';
import { runPerf } from './perf.ts';
import type { StoredAttempt } from './store.ts';
import { loadSuite, suiteFiles, type Suite } from './suite.ts';
import { detectTargets } from './targets.ts';

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function lunarHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.LUNAR_HOME ?? '.lunar');
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    // A broken price file is bad input: say so before any paid call is made.
    loadPriceOverrides(process.env);
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (error) {
    return reportError(error);
  }
}

function buildProgram(): Command {
  const version = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const program = new Command('lunar')
    .description('Evaluation-first agent benchmarking: replay datasets across models, score, report.')
    .version(version)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('bench')
    .description('Run suites: every case on every target, scored, stored in <home>/results.db, with files in <home>/runs/<run-id>/.')
    .argument('[suites...]', 'suite files or names (tools → suites/tools.yaml); default: every suite under suites/')
    .option('-t, --target <id...>', 'targets to run, overriding the suites\' own (e.g. baseline, ollama:qwen2.5:7b, openai:gpt-4o-mini, gemini:gemini-2.5-flash, groq:llama-3.3-70b-versatile, scripted)')
    .option('-o, --out <dir>', 'write the run\'s files (results.json) here instead of <home>/runs/<run-id>/')
    .option('--home <dir>', 'where results.db and runs/ live (default $LUNAR_HOME or .lunar)')
    .addOption(new Option('-c, --concurrency <n>', 'attempts in flight at once').default(4).argParser(positiveInt))
    .action(async (names: string[], opts: { target?: string[]; out?: string; home?: string; concurrency: number }) => {
      const suites = resolveSuites(names);
      const fallback = opts.target || suites.every((s) => s.targets) ? ['baseline'] : await announceDetected();
      const result = await withInterrupts(({ stop, abort }) =>
        runBench({
          suites,
          targets: opts.target,
          fallbackTargets: fallback,
          home: opts.home ? resolve(opts.home) : lunarHome(),
          outDir: opts.out ? resolve(opts.out) : undefined,
          concurrency: opts.concurrency,
          stop,
          abort,
        }),
      );
      console.log(formatTable(result.aggregates));
      const failures = describeFailures(result.attempts);
      for (const line of failures) console.error(line);
      console.log(`\nrun ${result.runId} ${result.status}: ${result.attempts.length} attempts; files in ${result.outDir}`);
      if (result.status === 'interrupted') process.exitCode = 130;
      else if (failures.length) process.exitCode = 1;
    });

  program
    .command('chat')
    .description('Talk to the agent in the terminal: tool calls are shown as they happen and the answer is streamed.')
    .requiredOption('-t, --target <id>', 'the model to talk to (e.g. ollama:qwen2.5:7b, openai:gpt-4o-mini, baseline)')
    .option('-w, --workspace <dir>', 'the folder the file tools may read', 'datasets/workspace')
    .option('-s, --system <prompt>', 'a system prompt')
    .option('--confirm-tools', 'ask before each tool call runs (human in the loop)', false)
    .option('--no-stream', 'wait for whole replies instead of streaming them')
    .action(async (opts: { target: string; workspace: string; system?: string; confirmTools: boolean; stream: boolean }) => {
      await runChat({ ...opts, workspace: resolve(opts.workspace) });
    });

  registerRagCommands(program, () => lunarHome());
  registerTrecEval(program);

  program
    .command('perf')
    .description('Benchmarks of Lunar itself (not a test): prints medians of repeated timings.')
    .addOption(new Option('-r, --rounds <n>', 'timed rounds per figure').default(5).argParser(positiveInt))
    .option('--sizes <list>', 'synthetic index sizes (chunks) for the retrieval latency figures', '10000,100000')
    .option('--shared-data <dir>', 'the reference data folder (Vaswani)', join(PACKAGE_ROOT, '..', 'shared', 'data'))
    .action(async (opts: { rounds: number; sizes: string; sharedData: string }) => {
      const sizes = opts.sizes.split(',').map((s) => positiveInt(s.trim()));
      await runPerf({ rounds: opts.rounds, suitesFolder: suitesFolder(), sharedData: resolve(opts.sharedData), sizes });
    });

  return program;
}

function suitesFolder(): string {
  const local = resolve('suites');
  return existsSync(local) ? local : join(PACKAGE_ROOT, 'suites');
}

function resolveSuites(names: string[]): Suite[] {
  if (names.length === 0) return suiteFiles(suitesFolder()).map(loadSuite);
  return names.map((name) => {
    const asName = join(suitesFolder(), `${name}.yaml`);
    return loadSuite(!name.includes('/') && !/\.ya?ml$/.test(name) && existsSync(asName) ? asName : name);
  });
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
export async function withInterrupts<T>(run: (signals: { stop: AbortSignal; abort: AbortSignal }) => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const abort = new AbortController();
  const quit = (code: number) => {
    abort.abort(new Error('interrupted'));
    process.exit(code);
  };
  const onSigint = () => {
    if (stop.signal.aborted) return quit(130);
    process.stderr.write('\nstopping: finishing attempts in flight, keeping what finished (Ctrl-C again to quit now)\n');
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

/**
 * One line per distinct failure, most frequent first: `3 attempts failed on openai:gpt-4o-mini:
 * openai: cannot reach …`, so a missing model or a bad key is named once, not hidden in a table.
 */
export function describeFailures(attempts: readonly StoredAttempt[]): string[] {
  const counts = new Map<string, { target: string; error: string; count: number }>();
  for (const a of attempts) {
    if (a.status !== 'error') continue;
    const error = (a.error ?? 'unknown error').split('\n')[0]!;
    const key = `${a.target}\u0000${error}`;
    const entry = counts.get(key) ?? { target: a.target, error, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()]
    .sort((a, b) => b.count - a.count || a.target.localeCompare(b.target) || a.error.localeCompare(b.error))
    .map(({ target, error, count }) => `${count} ${count === 1 ? 'attempt' : 'attempts'} failed on ${target}: ${error}`);
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version exit 0; commander already printed usage errors.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof InputError || error instanceof PriceFileError) {
    console.error(`lunar: ${error.message}`);
    return 2;
  }
  if (error instanceof RunFailedError) {
    console.error(`lunar: ${error.message}`);
    return 1;
  }
  if (error instanceof ProviderError) {
    console.error(`lunar: ${error.message}`);
    return error.kind === 'missing_key' || error.kind === 'auth' ? 2 : 1;
  }
  console.error(`lunar: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return 1;
}
