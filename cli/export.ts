// `lunar export promptfoo <suite>`: the suite as a promptfoo config with the Lunar agent as its
// provider. `lunar export finetune --run <id>`: a run's good trajectories as fine-tuning JSONL.

import { Command, InvalidArgumentError, Option } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CACHE_MODES, type CacheMode } from '../agent/providers/cache.ts';
import { DEFAULT_MAX_TOKENS, exportFinetune, FINETUNE_FORMATS, type FinetuneFormat } from '../interop/finetune/export.ts';
import { nonNegativeInt, positiveInt } from './args.ts';
import { PROCESS_OUTPUT, type CommandOutput } from './output.ts';
import { PEER_VERSIONS } from '../interop/peers.ts';
import { CONFIG_FILE, exportPromptfoo } from '../interop/promptfoo/export.ts';
import { loadSuite } from '../runners/suite.ts';

export interface ExportCommandOptions {
  /** Where suite names are looked up (`tools` → <folder>/tools.yaml); default ./suites. */
  suitesFolder?: () => string;
  output?: CommandOutput;
  env?: NodeJS.ProcessEnv;
}

interface PromptfooFlags {
  target?: string[];
  config?: string;
  out?: string;
  home?: string;
  cache?: CacheMode;
}

interface FinetuneFlags {
  run: string;
  minScore?: number;
  scorer?: string;
  format: FinetuneFormat;
  split: number;
  seed: number;
  out?: string;
  home?: string;
  maxTokens: number;
}

export function registerExportCommands(program: Command, home: () => string, options: ExportCommandOptions = {}): void {
  const output = options.output ?? PROCESS_OUTPUT;
  const suitesFolder = options.suitesFolder ?? (() => resolve('suites'));
  const exporter = program.command('export').description('Write Lunar suites and runs in other tools\' formats: promptfoo configs, fine-tuning data.');

  exporter
    .command('promptfoo')
    .description(
      `Write <suite> as a promptfoo config (promptfooconfig.yaml) whose provider runs the Lunar agent, each case's checks as promptfoo assertions (its own types where they agree with Lunar's scorers exactly, else javascript assertions running them). Run it with promptfoo ${PEER_VERSIONS.promptfoo}.`,
    )
    .argument('<suite>', 'a suite file or name (tools → suites/tools.yaml)')
    .option('-t, --target <id...>', "targets the provider runs (default: the suite's targets:)")
    .option('--config <name>', 'only this configuration of a suite with a matrix')
    .option('-o, --out <dir>', 'where the files go (default <home>/promptfoo/<suite name>/)')
    .option('--home <dir>', "Lunar's home for the provider's model-call cache and indexes (default: $LUNAR_HOME or .lunar where promptfoo runs)")
    .addOption(new Option('--cache <mode>', "the provider's model-call cache mode (default on)").choices([...CACHE_MODES]))
    .action(async (name: string, flags: PromptfooFlags) => {
      const suite = suitePath(name, suitesFolder);
      const out = flags.out ? resolve(flags.out) : join(home(), 'promptfoo', loadSuite(suite).name);
      const result = await exportPromptfoo({ suite, targets: flags.target, config: flags.config, out, home: flags.home, cache: flags.cache });
      const types = Object.entries(result.assertions).map(([type, n]) => `${type} ${n}`).join(', ');
      const scorers = Object.entries(result.javascript).map(([scorer, n]) => `${scorer} ${n}`).join(', ');
      output.stdout(`wrote ${CONFIG_FILE}, lunar-provider.mjs and lunar-assert.mjs in ${result.dir}\n`);
      output.stdout(`${result.tests} tests × ${result.providers} provider(s); assertions: ${types || 'none'}${scorers ? ` (javascript runs ${scorers})` : ''}\n`);
      if (result.unchecked.length) {
        const shown = result.unchecked.slice(0, 5).join(', ') + (result.unchecked.length > 5 ? ', …' : '');
        output.stdout(`left out: ${result.unchecked.length} case(s) no scorer of the suite checks (${shown}); lunar bench counts them as unscored, promptfoo would pass them\n`);
      }
      output.stdout(`run it: npx promptfoo@${PEER_VERSIONS.promptfoo} eval -c ${join(result.dir, CONFIG_FILE)}\n`);
    });

  exporter
    .command('finetune')
    .description(
      "Write a run's trajectories as chat fine-tuning JSONL (train.jsonl, valid.jsonl): OpenAI's chat format with tool calls, or ShareGPT. Only attempts that passed (or reach --min-score) are kept; errored ones never; duplicates are removed; the split is seeded.",
    )
    .requiredOption('--run <id>', 'the run (lunar bench prints its id)')
    .addOption(new Option('--min-score <x>', 'keep attempts whose mean scored value (or --scorer value) is at least x, 0..1 (default: attempts that passed)').argParser(unitInterval))
    .option('--scorer <name>', 'judge attempts by this scorer alone')
    .addOption(new Option('--format <format>', 'openai (messages, tool_calls, tools) or sharegpt (conversations of from/value)').choices([...FINETUNE_FORMATS]).default('openai'))
    .addOption(new Option('--split <fraction>', 'share of cases whose examples go to valid.jsonl (a case is never on both sides)').default(0.1).argParser(splitFraction))
    .addOption(new Option('--seed <n>', 'seed of the train/validation split').default(0).argParser(nonNegativeInt))
    .addOption(new Option('--max-tokens <n>', 'leave out examples longer than this (cl100k_base estimate)').default(DEFAULT_MAX_TOKENS).argParser(positiveInt))
    .option('-o, --out <dir>', 'where the files go (default <home>/finetune/<run-id>/)')
    .option('--home <dir>', 'where results.db lives (default $LUNAR_HOME or .lunar)')
    .action((flags: FinetuneFlags) => {
      const homeDir = flags.home ? resolve(flags.home) : home();
      const out = flags.out ? resolve(flags.out) : join(homeDir, 'finetune', flags.run);
      const result = exportFinetune({ home: homeDir, runId: flags.run, format: flags.format, minScore: flags.minScore, scorer: flags.scorer, split: flags.split, seed: flags.seed, out, maxTokens: flags.maxTokens, env: options.env });
      const kept = result.train + result.valid;
      output.stdout(`run ${flags.run}: ${result.attempts} attempts, ${kept} examples (${flags.format}): train ${result.train}, valid ${result.valid}\n`);
      for (const [reason, n] of Object.entries(result.dropped).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) output.stdout(`  left out: ${n} ${reason}\n`);
      if (result.duplicates) output.stdout(`  left out: ${result.duplicates} duplicate(s) of an example already kept\n`);
      if (result.redacted) output.stdout(`  redacted: credentials removed from ${result.redacted} example(s)\n`);
      if (result.droppedText) output.stdout(`  ShareGPT: assistant text beside tool calls left out of ${result.droppedText} example(s) (a function_call turn holds only the calls)\n`);
      output.stdout(`wrote ${result.files.join(', ')}\n`);
    });
}

/** As `lunar bench`: a bare name is <folder>/<name>.yaml. */
function suitePath(name: string, suitesFolder: () => string): string {
  const asName = join(suitesFolder(), `${name}.yaml`);
  return !name.includes('/') && !/\.ya?ml$/.test(name) && existsSync(asName) ? asName : name;
}

function unitInterval(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a number from 0 to 1');
  return n;
}

function splitFraction(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw new InvalidArgumentError('expected a fraction from 0 up to (not including) 1, e.g. 0.1');
  return n;
}
