// The reporters, by name: what every finished run writes beside its attempts (results.json,
// report.html, junit.xml for CI test panels, summary.md for $GITHUB_STEP_SUMMARY and pull-request
// comments). `lunar bench`, `lunar merge` and `lunar report` all write through this one table.
// CI scripts rely on these file names.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter } from '../runners/reporter.ts';
import { reportBasis } from './basis.ts';
import { renderHtmlReport } from './html/report.ts';
import { ALL_TRACES, DEFAULT_TRACE_LIMITS } from './html/traces.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { writeResultsJson } from './results-json.ts';

export const REPORTERS: readonly Reporter[] = [
  { name: 'json', file: 'results.json', write: (dir, input) => writeResultsJson(join(dir, 'results.json'), input) },
  {
    name: 'html',
    file: 'report.html',
    write: (dir, input, options) => writeFileSync(join(dir, 'report.html'), renderHtmlReport(input, options.allTraces ? ALL_TRACES : DEFAULT_TRACE_LIMITS, reportBasis(input))),
  },
  { name: 'junit', file: 'junit.xml', write: (dir, input) => writeFileSync(join(dir, 'junit.xml'), renderJunit(input)) },
  { name: 'markdown', file: 'summary.md', write: (dir, input) => writeFileSync(join(dir, 'summary.md'), renderMarkdown(input, reportBasis(input))) },
];

/** The file a reporter writes, by its name (the HTML page for `lunar view`, the names in help texts). */
export function reportFile(name: 'json' | 'html' | 'junit' | 'markdown'): string {
  return REPORTERS.find((r) => r.name === name)!.file;
}
