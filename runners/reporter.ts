// What writes a finished run's files. The run (runners/bench.ts), `lunar merge` and `lunar report`
// hand every reporter the same input; the reporters themselves (results.json, report.html,
// junit.xml, summary.md) live in reports/, above the run, and the command that starts a run passes
// their table in (reports/reporters.ts), as vitest's reporters are picked by name.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Trace } from '../agent/trace.ts';
import type { Aggregate } from './aggregate.ts';
import type { ResultsStore, StoredAttempt } from './store.ts';

/** A run as the results store keeps it. */
export interface RunRecord {
  id: string;
  startedAt: string;
  finishedAt: string | null;
  status: string;
  config: unknown;
}

/** Reads one attempt's trace; undefined when the store has none for it. */
export type TraceReader = (attempt: StoredAttempt) => Trace | undefined;

/** What every report of a run is made from. */
export interface RunReportInput {
  run: RunRecord;
  aggregates: Aggregate[];
  attempts: StoredAttempt[];
  /** Absent: the HTML report has no traces to drill into (and says so). */
  trace?: TraceReader;
}

export interface ReportOptions {
  /** Embed every attempt's trace in the HTML report instead of a bounded selection. */
  allTraces?: boolean;
}

export interface Reporter {
  /** The name a user picks it by: json, html, junit, markdown. */
  name: string;
  /** The file it writes in the run's folder; CI scripts rely on these names. */
  file: string;
  write(dir: string, input: RunReportInput, options: ReportOptions): void;
}

/** Reads traces of `runId` from an open store (one query per attempt asked for). */
export function traceReader(store: ResultsStore, runId: string): TraceReader {
  return (a) => store.trace({ runId, suite: a.suite, config: a.config, caseId: a.caseId, target: a.target, repeat: a.repeat });
}

/** Writes each reporter's file into dir (made if missing), in the table's order; returns the paths by reporter name. */
export function writeRunFiles(dir: string, input: RunReportInput, reporters: readonly Reporter[], options: ReportOptions = {}): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  const written: Record<string, string> = {};
  for (const reporter of reporters) {
    reporter.write(dir, input, options);
    written[reporter.name] = join(dir, reporter.file);
  }
  return written;
}
