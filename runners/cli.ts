// The `lunar` command. Exit codes: 0 done (and, once gates exist, all gates held), 1 a gate or a
// run failed, 2 bad input or configuration.

import { Command, CommanderError, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProviderError } from '../agent/providers/errors.ts';
import { formatTable } from '../reports/table.ts';
import { runBench } from './bench.ts';
import { runChat } from './chat.ts';
import { positiveInt } from './cli-args.ts';
import { registerRagCommands } from './rag-commands.ts';
import { registerTrecEval } from './trec-eval-command.ts';
import { InputError } from './input-error.ts';
import { runPerf } from './perf.ts';
import { loadSuite, suiteFiles, type Suite } from './suite.ts';
import { detectTargets } from './targets.ts';

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function lunarHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.LUNAR_HOME ?? '.lunar');
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
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
      const controller = stopOnSigint();
      const result = await runBench({
        suites,
        targets: opts.target,
        fallbackTargets: fallback,
        home: opts.home ? resolve(opts.home) : lunarHome(),
        outDir: opts.out ? resolve(opts.out) : undefined,
        concurrency: opts.concurrency,
        signal: controller.signal,
      });
      console.log(formatTable(result.aggregates));
      console.log(`\nrun ${result.runId} ${result.status}: ${result.attempts.length} attempts; files in ${result.outDir}`);
      if (result.status === 'interrupted') process.exitCode = 130;
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
    .action(async (opts: { rounds: number }) => {
      await runPerf({ rounds: opts.rounds, suitesFolder: suitesFolder() });
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

/** First Ctrl-C: stop starting attempts and keep what finished. Second: exit at once. */
function stopOnSigint(): AbortController {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nstopping: finishing attempts in flight, keeping what finished (Ctrl-C again to quit now)\n');
    controller.abort(new Error('interrupted'));
    process.once('SIGINT', () => process.exit(130));
  });
  return controller;
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version exit 0; commander already printed usage errors.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof InputError) {
    console.error(`lunar: ${error.message}`);
    return 2;
  }
  if (error instanceof ProviderError) {
    console.error(`lunar: ${error.message}`);
    return error.kind === 'missing_key' || error.kind === 'auth' ? 2 : 1;
  }
  console.error(`lunar: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return 1;
}
