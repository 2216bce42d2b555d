// The HTML report's page. The parts that need no script (status, totals, the targets × scorers
// overview, the provenance lock) are rendered here, every data string through escapeHtml; the
// charts and the case table are drawn by client.js from the JSON block. A Content-Security-Policy
// allows exactly the two inlined scripts (by hash) and nothing from the network: even markup that
// slipped through escaping could neither run nor load anything.

import type { Lock } from '../../runners/provenance.ts';
import type { Aggregate } from '../../runners/aggregate.ts';
import { dollars, millis, percent, percentInterval, score, scoreInterval } from '../format.ts';
import { groupKey, type AggregateIntervals } from '../intervals.ts';
import type { RunTotals } from '../totals.ts';
import { chartJsScript, clientScript, contentSecurityPolicy } from './assets.ts';
import { escapeHtml as e, jsonForScript } from './escape.ts';
import type { PageData } from './model.ts';
import type { SuiteCharts } from './charts-data.ts';
import type { ReportNoise } from '../noise.ts';
import { noiseSection } from './noise-section.ts';
import { caseTableFrame, htmlPage } from './page-shell.ts';
import { PAGE_STYLE } from './style.ts';

export interface PageInput {
  data: PageData;
  /** pageJson(model): the data and embedded traces as JSON text. */
  json: string;
  aggregates: readonly Aggregate[];
  intervals: Map<string, AggregateIntervals>;
  totals: RunTotals;
  lock: Lock | null;
  /** With repeats: the noise figures (reports/noise.ts); null without. */
  noise: ReportNoise | null;
}

export function renderPage(input: PageInput): string {
  const { data } = input;
  const chart = chartJsScript();
  const client = clientScript();
  return htmlPage({
    title: `Lunar run ${data.run.id}`,
    csp: contentSecurityPolicy([chart, client], { connectSelf: true }),
    style: PAGE_STYLE,
    header: `<h1>Lunar run <code>${e(data.run.id)}</code> <span class="status status-${e(data.run.status)}">${e(data.run.status)}</span></h1>
<p class="muted">started ${e(data.run.startedAt)}${data.run.finishedAt ? `, finished ${e(data.run.finishedAt)}` : ''}</p>
<noscript><p class="warn">The charts and the case table need JavaScript; the figures below do not.</p></noscript>`,
    main: `${totalsSection(input.totals)}
${overviewSection(input.aggregates, input.intervals)}
${chartsSection(data)}
${noiseSection(input.noise)}
${casesSection(data)}
${lockSection(input.lock)}`,
    tail: `<script type="application/json" id="lunar-data">${jsonForScript(input.json)}</script>
<script>${chart.text}</script>
<script>${client.text}</script>
`,
  });
}

function totalsSection(t: RunTotals): string {
  const card = (label: string, value: string, note = '') => `<div class="card"><div class="card-value">${e(value)}</div><div class="card-label">${e(label)}</div>${note ? `<div class="card-note">${e(note)}</div>` : ''}</div>`;
  const tokens = `${t.estimatedUsage ? '~' : ''}${t.tokens.input + t.tokens.output}`;
  return `<section id="totals" class="cards">
${card('attempts', String(t.attempts))}
${card('pass rate', percent(t.passRate), 'passed of attempts something could check')}
${card('passed', String(t.outcomes.passed))}
${card('failed', String(t.outcomes.failed))}
${card('errored', String(t.outcomes.errored), 'no answer: provider failure, exhausted script…')}
${t.outcomes.unscored ? card('unscored', String(t.outcomes.unscored), 'nothing could check them') : ''}
${card('cost', dollars(t.costUsd, t.unpricedCalls), t.unpricedCalls ? `${t.unpricedCalls} call(s) had no price: a lower bound` : '')}
${card('tokens', tokens, t.estimatedUsage ? `${t.estimatedUsage} call(s) estimated` : '')}
</section>`;
}

function overviewSection(aggregates: readonly Aggregate[], intervals: Map<string, AggregateIntervals>): string {
  const suites = [...new Set(aggregates.map((a) => a.suite))];
  const tables = suites.map((suite) => suiteTable(suite, aggregates.filter((a) => a.suite === suite), intervals)).join('\n');
  return `<section id="overview">
<h2>Targets × scorers</h2>
<p class="muted">Means and pass rates with 95% intervals (Wilson for pass rates and 0/1 scorers, Student's t for graded scorers; attempts taken as independent draws). (scored/attempts) when a scorer did not check every attempt.</p>
${tables || '<p>No attempt was stored.</p>'}
</section>`;
}

function suiteTable(suite: string, rows: readonly Aggregate[], intervals: Map<string, AggregateIntervals>): string {
  const scorers = [...new Set(rows.flatMap((a) => Object.keys(a.scorers)))].sort();
  const showConfig = rows.some((a) => a.config !== 'default');
  const repeated = rows.some((a) => (a.repeats ?? 1) > 1);
  const head = [...(showConfig ? ['config'] : []), 'target', 'attempts', 'errors', 'pass rate', ...(repeated ? ['pass^n / pass@n'] : []), ...scorers, 'p50 / p95 ms', 'cost'];
  const body = rows.map((a) => {
    const iv = intervals.get(groupKey(a));
    const cells = [
      ...(showConfig ? [e(a.config)] : []),
      `<strong>${e(a.target)}</strong>`,
      String(a.attempts),
      String(a.errors),
      `${percent(a.passRate)} <span class="ci">${percentInterval(iv?.passRate)}</span>${a.unscored ? `<div class="muted">${a.unscored} unscored</div>` : ''}`,
      ...(repeated ? [repeatCell(a)] : []),
      ...scorers.map((name) => scorerCell(a, name, iv)),
      `${millis(a.latencyMs.p50)} / ${millis(a.latencyMs.p95)}`,
      e(dollars(a.costUsd, a.unpricedCalls)),
    ];
    return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  });
  return `<h3>${e(suite)}</h3>
<div class="scroll"><table class="overview"><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead>
<tbody>${body.join('\n')}</tbody></table></div>`;
}

function repeatCell(a: Aggregate): string {
  const n = a.repeats ?? 1;
  if (n <= 1) return '-';
  return `${percent(a.passHatK![n])} / ${percent(a.passAtK![n])} <span class="muted">(n=${n})</span>`;
}

function scorerCell(a: Aggregate, name: string, iv: AggregateIntervals | undefined): string {
  const s = a.scorers[name];
  if (!s) return '-';
  const cover = s.scored === a.attempts ? '' : ` <span class="muted">(${s.scored}/${a.attempts})</span>`;
  const spread = s.acrossRepeats?.std != null ? ` <span class="muted">±${s.acrossRepeats.std.toFixed(3)} across repeats</span>` : '';
  const skipped = s.skipped || s.errors ? `<div class="muted">${s.skipped ? `${s.skipped} skipped` : ''}${s.skipped && s.errors ? ', ' : ''}${s.errors ? `${s.errors} errored` : ''}</div>` : '';
  return `${score(s.mean)} <span class="ci">${scoreInterval(iv?.scorers[name]?.mean)}</span>${cover}${spread}<div>pass ${percent(s.passRate)} <span class="ci">${percentInterval(iv?.scorers[name]?.passRate)}</span></div>${skipped}`;
}

function chartsSection(data: PageData): string {
  const suites = data.charts.suites;
  const parts = suites.map((c, i) => suiteCharts(c, i, suites.length > 1));
  return `<section id="charts">
<h2>Charts</h2>
<p class="muted">Per suite: a suite's cases, costs and latencies are its own, so no chart mixes suites${suites.length > 1 ? ` (${suites.length} suites)` : ''}.</p>
${parts.join('\n') || '<p class="muted">No attempts.</p>'}
</section>`;
}

function suiteCharts(charts: SuiteCharts, i: number, named: boolean): string {
  const figure = (id: string, title: string, body: string) => `<figure id="fig-${id}-${i}"><figcaption>${e(title)}</figcaption>${body}</figure>`;
  // A horizontal bar per category and series: the chart grows with them, so 40 categories stay readable.
  const rows = charts.categories.categories.length * Math.max(1, charts.categories.series.length);
  const canvas = (id: string, height?: number) => `<div class="chart"${height ? ` style="height:${height}px"` : ''}><canvas id="chart-${id}-${i}"></canvas></div>`;
  const none = (why: string) => `<p class="muted">${e(why)}</p>`;
  const hasNa = charts.categories.series.some((s) => s.passRate.some((v) => v === null));
  return `<div class="suite-charts" data-suite="${e(charts.suite)}">
${named ? `<h3>${e(charts.suite)}</h3>` : ''}
<div class="charts">
${figure(
  'categories',
  'Pass rate per category, lowest first',
  charts.categories.categories.length
    ? canvas('categories', Math.max(160, 60 + rows * 18)) + (hasNa ? '<p class="muted">n/a: nothing in that category could be checked for that target (not the same as 0%).</p>' : '')
    : none('No attempts.'),
)}
${figure('latency', 'Latency of attempts that ran (ms, log scale)', charts.latency.edges.length ? canvas('latency') : none('No attempt ran to an answer.'))}
${figure(
  'tradeoff',
  'Quality against cost or latency, per target × configuration',
  charts.tradeoff.points.some((p) => p.quality !== null)
    ? `<label>x axis <select id="tradeoff-axis-${i}"><option value="cost">cost per attempt ($)</option><option value="latency">median latency (ms)</option></select></label>${canvas('tradeoff')}<p class="muted" id="tradeoff-front-${i}"></p>`
    : none('Nothing could be checked, so there is no quality to plot.'),
)}
${charts.passK ? figure('passk', 'pass@k (solid) and pass^k (dashed) across repeats', canvas('passk')) : ''}
</div>
</div>`;
}

function casesSection(data: PageData): string {
  const t = data.traces;
  const total = data.rows.length;
  let note: string;
  if (!t.available) note = 'This report was written without access to the results store: it holds no traces.';
  else if (t.leftOut.failures + t.leftOut.others === 0) note = `Every attempt's trace is embedded (${t.embedded}).`;
  else {
    note = `Traces embedded for ${t.embedded} of ${total} attempts: failed and errored attempts first${t.leftOut.failures ? ` (${t.leftOut.failures} of them left out)` : ''}, then ${t.taken.others} others (${t.leftOut.others} left out), shared fairly across suites and targets. The results store has every trace: opened through \`lunar view\`, this page loads any other trace from it when you click its row; \`lunar report ${data.run.id} --all-traces\` writes a report that embeds them all.`;
  }
  if (t.cutStrings) note += ` ${t.cutStrings} very long string(s) in embedded traces are cut.`;
  note += ` In the table, answers, errors, reasons and details past ${data.rowChars} characters are cut; results.json has them whole.`;
  const select = (id: string, label: string, show: boolean) => (show ? `<label>${e(label)} <select id="filter-${id}"><option value="">all</option></select></label>` : '');
  return `<section id="cases">
<h2>Cases</h2>
<p class="muted" id="traces-note">${e(note)}</p>
<p class="muted">Failed and errored attempts first, then by suite, case id (in number order), target, configuration and repeat.</p>
<div class="filters">
${select('suite', 'suite', data.suites.length > 1)}
${select('config', 'config', data.configs.length > 1)}
${select('target', 'target', true)}
${select('category', 'category', true)}
<label>outcome <select id="filter-outcome"><option value="">all</option><option value="passed">passed</option><option value="failed">failed</option><option value="errored">errored</option><option value="unscored">unscored</option></select></label>
<label>case <input id="filter-case" type="search" placeholder="case id contains"></label>
</div>
${caseTableFrame()}
</section>`;
}

function lockSection(lock: Lock | null): string {
  if (!lock) return `<section id="lock"><h2>Provenance</h2><p>This run recorded no lock (it was made by an older Lunar).</p></section>`;
  const table = (head: string[], rows: string[][]) =>
    rows.length ? `<div class="scroll"><table class="lock"><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`).join('')}</tbody></table></div>` : '<p class="muted">none</p>';
  const git = lock.git ? `${lock.git.commit}${lock.git.dirty ? ' (uncommitted changes)' : ''}` : 'not a git checkout';
  return `<section id="lock">
<h2>Provenance</h2>
<p class="muted">What produced these numbers: content hashes of every suite, dataset and corpus, the targets, versions, git commit, seed and options.</p>
<dl class="facts"><dt>Lunar</dt><dd>${e(lock.lunar)}</dd><dt>Node</dt><dd>${e(lock.node)}</dd><dt>git</dt><dd><code>${e(git)}</code></dd><dt>seed</dt><dd>${lock.seed}</dd></dl>
<h3>Targets</h3>${table(['id', 'provider', 'model', 'address'], lock.targets.map((t) => [t.id, t.provider, t.model, t.address ?? '']))}
<h3>Suites</h3>${table(['name', 'file', 'sha256'], lock.suites.map((s) => [s.name, s.file, s.sha256]))}
<h3>Datasets</h3>${table(['path', 'cases', 'sha256'], lock.datasets.map((d) => [d.path, String(d.cases), d.sha256]))}
<h3>Corpora</h3>${table(['path', 'files', 'sha256'], lock.corpora.map((c) => [c.path, String(c.files), c.sha256]))}
<h3>Judge prompts</h3>${table(['name', 'sha256'], lock.judgePrompts.map((j) => [j.name, j.sha256]))}
<h3>Options</h3><pre>${e(JSON.stringify(lock.options, null, 2))}</pre>
</section>`;
}
