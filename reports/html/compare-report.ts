// The HTML comparison report: one self-contained file (Chart.js and the page's script inlined,
// the data in one JSON block) written beside comparison.json, opening from file:// with no network.

import { buildComparePage, type ComparisonPageInput } from './compare-model.ts';
import { renderComparisonPage } from './compare-template.ts';

export const COMPARISON_HTML = 'comparison.html';

export function renderComparisonHtml(input: ComparisonPageInput): string {
  return renderComparisonPage(input.report, JSON.stringify(buildComparePage(input)));
}
