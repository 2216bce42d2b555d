// `lunar report <run-id>`: writes a stored run's files again — results.json, report.html,
// junit.xml, summary.md — from the results store, into <home>/runs/<run-id>/ or --out. Useful
// after an upgrade of Lunar, for a run whose files were deleted, or with --all-traces for a page
// that embeds every trace rather than the bounded set written at the end of a run.

import type { Command } from 'commander';
import { resolve } from 'node:path';
import { REPORTERS, reportFile } from '../reports/reporters.ts';
import { writeStoredRunReports } from '../reports/stored-run.ts';
import { PROCESS_OUTPUT, type CommandOutput } from './output.ts';


const FILES = REPORTERS.map((r) => r.file).join(', ');

export function registerReportCommand(program: Command, home: () => string, output: Pick<CommandOutput, 'stdout'> = PROCESS_OUTPUT): void {
  program
    .command('report')
    .description(`Write a stored run's files again: ${FILES}.`)
    .argument('<run-id>', 'the run (lunar bench prints its id; see <home>/runs/)')
    .option('--home <dir>', 'where results.db is (default $LUNAR_HOME or .lunar)')
    .option('-o, --out <dir>', 'write the files here instead of <home>/runs/<run-id>/')
    .option('--all-traces', `embed every attempt's trace in ${reportFile('html')} (by default: failed and errored attempts first, then a bounded number of others)`, false)
    .action((runId: string, flags: { home?: string; out?: string; allTraces: boolean }) => {
      const dir = writeStoredRunReports(runId, { home: flags.home ? resolve(flags.home) : home(), out: flags.out ? resolve(flags.out) : undefined, allTraces: flags.allTraces });
      output.stdout(`run ${runId}: ${FILES} written to ${dir}\n`);
    });
}
