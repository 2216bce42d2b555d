// `lunar report <run-id>`: writes a stored run's files again — results.json, report.html,
// junit.xml, summary.md — from the results store, into <home>/runs/<run-id>/ or --out. Useful
// after an upgrade of Lunar, for a run whose files were deleted, or with --all-traces for a page
// that embeds every trace rather than the bounded set written at the end of a run.

import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ALL_TRACES, DEFAULT_TRACE_LIMITS } from '../reports/html/traces.ts';
import { traceReader } from '../reports/report-input.ts';
import { writeResultsJson } from '../reports/results-json.ts';
import { REPORT_FILES, writeRunReports } from '../reports/write-reports.ts';
import { InputError } from '../core/errors.ts';
import { ResultsStore } from '../runners/store.ts';
import { aggregate } from '../runners/aggregate.ts';

export interface ReportCommandOutput {
  stdout(text: string): void;
}

const PROCESS_OUTPUT: ReportCommandOutput = { stdout: (text) => void process.stdout.write(text) };

export interface ReportOptions {
  home: string;
  out?: string;
  allTraces?: boolean;
}

/** Writes the four files of run `runId`; returns the folder. Unknown store or run: InputError. */
export function writeStoredRunReports(runId: string, options: ReportOptions): string {
  const file = join(options.home, 'results.db');
  // Opening a missing file would create an empty store; a typo in --home should say so instead.
  if (!existsSync(file)) throw new InputError(`report: no results store at ${file}; run \`lunar bench\` first, or point --home (or LUNAR_HOME) at the folder that holds results.db`);
  const store = new ResultsStore(file);
  try {
    const run = store.run(runId);
    if (!run) {
      const recent = store.runs().slice(0, 5).map((r) => r.id);
      throw new InputError(`report: no run ${runId} in ${file}${recent.length ? `; the latest are ${recent.join(', ')}` : '; it holds no runs'}`);
    }
    const attempts = store.attempts(runId);
    const aggregates = aggregate(attempts);
    const dir = options.out ?? join(options.home, 'runs', runId);
    writeResultsJson(join(dir, 'results.json'), { run, aggregates, attempts });
    writeRunReports(dir, { run, aggregates, attempts, trace: traceReader(store, runId) }, options.allTraces ? ALL_TRACES : DEFAULT_TRACE_LIMITS);
    return dir;
  } finally {
    store.close();
  }
}

export function registerReportCommand(program: Command, home: () => string, output: ReportCommandOutput = PROCESS_OUTPUT): void {
  program
    .command('report')
    .description(`Write a stored run's files again: results.json, ${REPORT_FILES.html}, ${REPORT_FILES.junit}, ${REPORT_FILES.markdown}.`)
    .argument('<run-id>', 'the run (lunar bench prints its id; see <home>/runs/)')
    .option('--home <dir>', 'where results.db is (default $LUNAR_HOME or .lunar)')
    .option('-o, --out <dir>', 'write the files here instead of <home>/runs/<run-id>/')
    .option('--all-traces', `embed every attempt's trace in ${REPORT_FILES.html} (by default: failed and errored attempts first, then a bounded number of others)`, false)
    .action((runId: string, flags: { home?: string; out?: string; allTraces: boolean }) => {
      const dir = writeStoredRunReports(runId, { home: flags.home ? resolve(flags.home) : home(), out: flags.out ? resolve(flags.out) : undefined, allTraces: flags.allTraces });
      output.stdout(`run ${runId}: results.json, ${REPORT_FILES.html}, ${REPORT_FILES.junit}, ${REPORT_FILES.markdown} written to ${dir}\n`);
    });
}
