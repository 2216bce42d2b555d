// The `lunar` command. Exit codes: 0 done (and, once gates exist, all gates held), 1 a gate or a
// run failed or an attempt errored, 2 bad input or configuration (a missing API key included),
// 130 interrupted with Ctrl-C (143 on SIGTERM).

import { Command, CommanderError, Option } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ProviderError } from '../agent/providers/errors.ts';
import { loadPriceOverrides, PriceFileError } from '../agent/providers/pricing.ts';
import { RunFailedError } from '../runners/bench.ts';
import { registerChatCommand } from './chat.ts';
import { positiveInt } from './args.ts';
import { registerBenchCommand, registerMergeCommand } from './bench.ts';
import { registerCacheCommands } from './cache.ts';
import { registerRagCommands } from './rag.ts';
import { registerServeCommand } from './serve.ts';
import { registerTelegramCommand } from './telegram.ts';
import { registerTrecEval } from './trec-eval.ts';
import { registerBfclCheck } from './bfcl-check.ts';
import { registerTauCommands } from './tau.ts';
import { registerJudgeCommands } from './judge.ts';
import { registerMcpCommand } from './mcp.ts';
import { registerCompareCommand } from './compare.ts';
import { registerReportCommand } from './report.ts';
import { registerViewCommand } from './view.ts';
import { registerExportCommands } from './export.ts';
import { registerImportCommands } from './import.ts';
import { registerImportTracesCommand } from './import-traces.ts';
import { registerGateCommand } from './gate.ts';
import { registerHistoryCommand } from './history.ts';
import { registerDataCommands } from './data.ts';
import { PullError } from '../datasets/reference/pull.ts';
import { locateReferenceSet } from '../datasets/reference/locate.ts';
import { registerNoiseCommand } from './noise.ts';
import { registerPlanCommand } from './plan.ts';
import { InputError } from '../core/errors.ts';
import { runPerf } from '../perf/perf.ts';
import { perfVersusPromptfoo } from '../perf/promptfoo.ts';
import { PeerError } from '../interop/peers.ts';
import { lunarVersion, PACKAGE_ROOT } from '../core/package.ts';
import { exitCodeOf } from './exit.ts';
import { lunarHome } from '../core/home.ts';

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    // A broken price file is bad input: say so before any paid call is made.
    loadPriceOverrides(process.env);
    await program.parseAsync(argv);
    return exitCodeOf(program);
  } catch (error) {
    return reportError(error);
  }
}

function buildProgram(): Command {
  const program = new Command('lunar')
    .description('Evaluation-first agent benchmarking: replay datasets across models, score, report.')
    .version(lunarVersion())
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  registerBenchCommand(program, { home: lunarHome, suitesFolder });
  registerMergeCommand(program, { home: lunarHome });
  registerCacheCommands(program, () => lunarHome());

  registerChatCommand(program, () => lunarHome());

  registerRagCommands(program, () => lunarHome());
  registerTelegramCommand(program, () => lunarHome());
  registerServeCommand(program, () => lunarHome());
  registerTrecEval(program);
  registerBfclCheck(program);
  registerTauCommands(program);
  registerJudgeCommands(program, () => lunarHome());
  registerCompareCommand(program, () => lunarHome(), { suitesFolder });
  registerGateCommand(program, () => lunarHome());
  registerHistoryCommand(program, () => lunarHome());
  registerNoiseCommand(program, () => lunarHome());
  registerPlanCommand(program, () => lunarHome());
  registerReportCommand(program, () => lunarHome());
  registerMcpCommand(program, () => lunarHome(), { suitesFolder });
  registerViewCommand(program, () => lunarHome());
  registerExportCommands(program, () => lunarHome(), { suitesFolder });
  registerImportCommands(program);
  registerImportTracesCommand(program);
  registerDataCommands(program, () => lunarHome());

  program
    .command('perf')
    .description('Benchmarks of Lunar itself (not a test): prints medians of repeated timings.')
    .addOption(new Option('-r, --rounds <n>', 'timed rounds per figure').default(5).argParser(positiveInt))
    .option('--sizes <list>', 'synthetic index sizes (chunks) for the retrieval latency figures', '10000,100000')
    .option('--shared-data <dir>', 'a reference data folder holding vaswani/ (default: wherever `lunar data list` finds vaswani)')
    .option('--only-promptfoo', 'only the harness figures side by side with promptfoo', false)
    .addOption(new Option('--only <figure>', 'only this figure of Lunar\'s own (tau: the τ-bench retail episodes against a 100 ms fake)').choices(['tau']))
    .option('--no-promptfoo', 'skip the comparison with promptfoo 0.121.9 (which is installed into .lunar/peers/ on first use: about 1.3 GB and 4 minutes)')
    .action(async (opts: { rounds: number; sizes: string; sharedData?: string; promptfoo: boolean; onlyPromptfoo: boolean; only?: 'tau' }) => {
      if ((opts.promptfoo && !opts.only) || opts.onlyPromptfoo) await perfVersusPromptfoo((line) => console.log(line), { rounds: 1 });
      if (opts.onlyPromptfoo) return;
      const sizes = opts.sizes.split(',').map((s) => positiveInt(s.trim()));
      await runPerf({ rounds: opts.rounds, suitesFolder: suitesFolder(), vaswani: opts.sharedData ? resolve(opts.sharedData, 'vaswani') : locateReferenceSet('vaswani').path, sizes, ...(opts.only ? { only: opts.only } : {}) });
    });

  return program;
}

export function suitesFolder(): string {
  const local = resolve('suites');
  return existsSync(local) ? local : join(PACKAGE_ROOT, 'suites');
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
  if (error instanceof RunFailedError || error instanceof PeerError || error instanceof PullError) {
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
