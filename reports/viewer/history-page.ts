// The viewer's /history page: quality over time (reports/history.ts) as a line chart per suite ×
// configuration × target over the runs, oldest first, and a table of the same rows, the runs a
// recorded gate failed marked in both. The suite and target filters are a GET form, so a filtered
// view is a link. The table needs no script; the chart's script gets the rows through the JSON
// block (jsonForScript) and writes names only as canvas text. Every string from the store goes
// through escapeHtml.

import { dollars, millis, percent, percentInterval, score } from '../format.ts';
import { chartJsScript, pageScript } from '../html/assets.ts';
import { escapeHtml as e, jsonForScript } from '../html/escape.ts';
import { htmlPage } from '../html/page-shell.ts';
import { PAGE_STYLE } from '../html/style.ts';
import { metaPolicy } from './pages.ts';
import { dateOf, gateLabel, type HistoryFilter, type HistoryRow } from '../history.ts';

const HISTORY_STYLE = `
form.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin: 12px 0; }
.chart-box { position: relative; height: 360px; margin: 12px 0; }
tr.gate-failed td { background: #fdecea; } td.gate-failed { color: #c62828; font-weight: 600; }
table.history td { white-space: nowrap; }
a { color: var(--accent); }
`;

/** The page's policy (the header's; the page's meta element carries it without frame-ancestors): its two inlined scripts by hash, inline styles, and the filter form submitted to the viewer itself. */
export function historyCsp(): string {
  return `default-src 'none'; script-src ${chartJsScript().hash} ${pageScript('history-client.js').hash}; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;
}

export interface HistoryPageOptions {
  rows: readonly HistoryRow[];
  /** Every suite and target in the store, for the filters' choices. */
  choices: { suites: string[]; targets: string[] };
  filter: HistoryFilter;
  token?: string;
}

export function historyPage(options: HistoryPageOptions): string {
  const { rows, choices, filter, token } = options;
  const home = token === undefined ? '/' : `/?${new URLSearchParams({ token }).toString()}`;
  const scorers = [...new Set(rows.flatMap((r) => Object.keys(r.scorers)))].sort();
  const failedRuns = new Set(rows.filter((r) => r.gate === 'failed').map((r) => r.runId)).size;
  const select = (name: string, label: string, values: string[], chosen: string | undefined) =>
    `<label>${e(label)} <select name="${name}"><option value="">all</option>${values.map((v) => `<option value="${e(v)}"${v === chosen ? ' selected' : ''}>${e(v)}</option>`).join('')}</select></label>`;
  const form = `<form class="filters" method="get" action="history">
${select('suite', 'suite', choices.suites, filter.suite)}
${select('target', 'target', choices.targets, filter.target)}
${token === undefined ? '' : `<input type="hidden" name="token" value="${e(token)}">`}
<button type="submit">Filter</button>
</form>`;
  const measures = [['pass_rate', 'pass rate'], ...scorers.map((s) => [`scorer:${s}`, `${s} mean`]), ['cost', 'cost'], ['latency_p95', 'p95 latency']] as const;
  const chart = rows.length === 0
    ? ''
    : `<label>measure <select id="history-measure">${measures.map(([value, label]) => `<option value="${e(value)}">${e(label)}</option>`).join('')}</select></label>
<div class="chart-box"><canvas id="chart-history" aria-label="quality over time"></canvas></div>
<noscript><p class="warn">The chart needs JavaScript; the table below does not.</p></noscript>`;
  const body = rows.length === 0 ? '<p>No run matches.</p>' : `${chart}${table(rows, scorers)}`;
  const tail = rows.length === 0
    ? ''
    : `<script type="application/json" id="history-data">${jsonForScript(JSON.stringify({ rows }))}</script>
<script>${chartJsScript().text}</script>
<script>${pageScript('history-client.js').text}</script>
`;
  return htmlPage({
    title: 'Lunar history',
    csp: metaPolicy(historyCsp()),
    style: PAGE_STYLE + HISTORY_STYLE,
    header: `<h1>Quality over time</h1>
<p class="muted"><a href="${e(home)}">All runs</a> · ${new Set(rows.map((r) => r.runId)).size} run(s), oldest first${failedRuns ? `; a gate failed ${failedRuns} of them (marked ✗)` : ''}. Pass rates with their 95% interval (Wilson).</p>`,
    main: `${form}${body}`,
    tail,
  });
}

function table(rows: readonly HistoryRow[], scorers: readonly string[]): string {
  const head = ['run', 'date', 'commit', 'suite', 'config', 'target', 'pass rate', '95% interval', ...scorers, 'cost', 'p95 ms', 'gate'];
  const body = rows.map((r) => {
    const failed = r.gate === 'failed';
    const cells = [
      `<code>${e(r.runId)}</code>`,
      e(dateOf(r.startedAt)),
      r.commit ? `<code>${e(r.commit)}</code>${r.dirty ? ' <span class="muted">(dirty)</span>' : ''}` : '-',
      e(r.suite),
      e(r.config),
      e(r.target),
      `${e(percent(r.passRate))} <span class="muted">(${r.passed}/${r.judged})</span>`,
      e(percentInterval(r.passRateInterval) || '-'),
      ...scorers.map((s) => e(s in r.scorers ? score(r.scorers[s]) : '')),
      e(dollars(r.costUsd + r.judgeCostUsd)),
      e(millis(r.latencyP95Ms)),
      `<span${failed ? ` title="${e(r.gateFailures.join('\n') || 'a check of another group failed')}"` : ''}>${failed ? '✗ ' : ''}${e(gateLabel(r))}</span>`,
    ];
    return `<tr data-run="${e(r.runId)}"${failed ? ' class="gate-failed"' : ''}>${cells.map((c, i) => `<td${i === cells.length - 1 && failed ? ' class="gate-failed"' : ''}>${c}</td>`).join('')}</tr>`;
  });
  return `<div class="scroll"><table id="history-table" class="history"><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>
${body.join('\n')}
</tbody></table></div>`;
}
