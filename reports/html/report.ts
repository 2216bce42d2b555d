// The HTML report of a run: one self-contained file (Chart.js and the page's script inlined, the
// data in one JSON block), which opens from file:// with no network.

import { reportBasis, type ReportBasis } from '../basis.ts';
import { type RunReportInput } from '../../runners/reporter.ts';
import { buildPageModel, pageJson } from './model.ts';
import { renderPage } from './template.ts';
import { reportNoise } from '../noise.ts';
import { DEFAULT_TRACE_LIMITS, type TraceLimits } from './traces.ts';

export function renderHtmlReport(input: RunReportInput, limits: TraceLimits = DEFAULT_TRACE_LIMITS, basis: ReportBasis = reportBasis(input)): string {
  const model = buildPageModel(input, limits);
  return renderPage({ data: model.data, json: pageJson(model), aggregates: input.aggregates, ...basis, noise: reportNoise(input.attempts) });
}
