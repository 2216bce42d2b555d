// `lunar import traces <file>`: exported OpenTelemetry spans (the collector's file exporter, an
// OTLP JSON document, a Jaeger JSON export) as a dataset of finished traces and a suite that
// replays them on the `imported` target.

import type { Command } from 'commander';
import { dirname, join, resolve } from 'node:path';
import { importTraces } from '../agent/otel/import-traces.ts';
import { PROCESS_OUTPUT, type CommandOutput } from './output.ts';

export function registerImportTracesCommand(program: Command, options: { output?: CommandOutput } = {}): void {
  const output = options.output ?? PROCESS_OUTPUT;
  const importer = program.commands.find((c) => c.name() === 'import') ?? program.command('import').description("Read other tools' files into Lunar datasets and suites.");
  importer
    .command('traces')
    .description('Write exported OpenTelemetry traces (OTLP JSON lines or document, Jaeger JSON) as dataset.jsonl (one case per trace id, its finished trace on it) and suite.yaml, to re-score them offline with lunar bench.')
    .argument('<file>', "a collector file exporter's JSON lines, an OTLP JSON document or a Jaeger JSON export")
    .option('-o, --out <dir>', 'where dataset.jsonl and suite.yaml go (default: lunar/ beside the file)')
    .action((file: string, flags: { out?: string }) => {
      const out = flags.out ? resolve(flags.out) : join(dirname(resolve(file)), 'lunar');
      const r = importTraces(file, out);
      output.stdout(`imported ${r.traces} trace(s) (${r.spans} span(s), ${r.format}) into ${out} (dataset.jsonl, suite.yaml): ${r.modelCalls} model call(s), ${r.toolCalls} tool call(s)\n`);
      if (r.withoutInput) output.stdout(`${r.withoutInput} trace(s) carry no user message: their cases have no input\n`);
      for (const note of r.notes) output.stdout(`trace ${note}\n`);
      output.stdout(`run it: lunar bench ${r.suite}\n`);
    });
}
