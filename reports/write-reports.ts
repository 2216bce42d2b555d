// The report files of a run, written beside its results.json: report.html (the self-contained
// page), junit.xml (CI test panels) and summary.md ($GITHUB_STEP_SUMMARY, pull-request comments).
// CI scripts rely on these names.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportBasis } from './basis.ts';
import { renderHtmlReport } from './html/report.ts';
import { DEFAULT_TRACE_LIMITS, type TraceLimits } from './html/traces.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import type { RunReportInput } from './report-input.ts';

export const REPORT_FILES = { html: 'report.html', junit: 'junit.xml', markdown: 'summary.md' } as const;

export interface WrittenReports {
  html: string;
  junit: string;
  markdown: string;
}

/** Writes report.html, junit.xml and summary.md into dir (made if missing); returns their paths. */
export function writeRunReports(dir: string, input: RunReportInput, limits: TraceLimits = DEFAULT_TRACE_LIMITS): WrittenReports {
  mkdirSync(dir, { recursive: true });
  const paths = { html: join(dir, REPORT_FILES.html), junit: join(dir, REPORT_FILES.junit), markdown: join(dir, REPORT_FILES.markdown) };
  const basis = reportBasis(input);
  writeFileSync(paths.html, renderHtmlReport(input, limits, basis));
  writeFileSync(paths.junit, renderJunit(input));
  writeFileSync(paths.markdown, renderMarkdown(input, basis));
  return paths;
}
