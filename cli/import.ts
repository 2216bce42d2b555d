// `lunar import promptfoo <promptfooconfig.yaml>`: a promptfoo config's tests as a Lunar dataset
// and suite, with a table of what was carried over and what was dropped (exit 2 only when nothing could be).

import { Command } from 'commander';
import { dirname, join, resolve } from 'node:path';
import { setExitCode } from './exit.ts';
import { PROCESS_OUTPUT, type CommandOutput } from './output.ts';
import { importPromptfoo, importTable } from '../interop/promptfoo/import.ts';

export function registerImportCommands(program: Command, options: { output?: CommandOutput } = {}): void {
  const output = options.output ?? PROCESS_OUTPUT;
  const importer = program.command('import').description("Read other tools' test files into Lunar datasets and suites.");
  importer
    .command('promptfoo')
    .description("Write a promptfoo config's tests (CSV and file:// tests, defaultTest, vars rendered into its Nunjucks prompts, assertions as case expectations and suite scorers) as dataset.jsonl and suite.yaml, with a table of what was carried over and what was dropped.")
    .argument('<config>', 'a promptfooconfig.yaml')
    .option('-o, --out <dir>', 'where dataset.jsonl and suite.yaml go (default: lunar/ beside the config)')
    .action((config: string, flags: { out?: string }, command: Command) => {
      const out = flags.out ? resolve(flags.out) : join(dirname(resolve(config)), 'lunar');
      const result = importPromptfoo(config, out);
      if (result.refused) {
        output.stdout(importTable(result));
        output.stderr(`nothing imported: ${result.refused}\n`);
        return setExitCode(command, 2);
      }
      output.stdout(`imported ${result.cases} case(s) from ${result.tests} test(s) × ${result.prompts} prompt(s) into ${result.dir} (dataset.jsonl, suite.yaml)\n`);
      output.stdout(result.targets.length ? `targets: ${result.targets.join(', ')}\n` : 'targets: none carried over: run it with lunar bench --target <id>\n');
      if (result.judge) output.stdout(`judge: ${result.judge}\n`);
      output.stdout(importTable(result));
      output.stdout(`run it: lunar bench ${result.suite}\n`);
    });
}
