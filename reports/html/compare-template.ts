// The comparison page. What needs no script is rendered here, every data string through
// escapeHtml: the two runs, each group's verdict table (per measure: the verdict, wins/losses/
// ties, the means, the difference with its paired bootstrap 95% interval, McNemar's p), the
// pairwise judge's preference, and the cases without a partner. The charts and the case table
// are drawn by compare-client.js from the JSON block, under the run report's CSP.

import type { ComparisonReport, GroupComparison, JudgedPreference, UnpairedGroup } from '../compare/compare.ts';
import { interval, points, pointsInterval, pValue, signed } from '../compare/text.ts';
import { fixed, percent } from '../format.ts';
import { caseLabel, type CaseKey, type NotCompared, type ScorerComparison } from '../../metrics/paired-cases.ts';
import type { ClusterComparison } from '../../metrics/cluster-bootstrap.ts';
import type { BootstrapInterval } from '../../metrics/paired.ts';
import { chartJsScript, contentSecurityPolicy, pageScript } from './assets.ts';
import { ATTEMPT_MEASURE, groupLabel } from './compare-model.ts';
import { VERDICT_LABELS, verdictOf, type VerdictResult } from './compare-verdict.ts';
import { escapeHtml as e, jsonForScript } from './escape.ts';
import { caseTableFrame, htmlPage } from './page-shell.ts';
import { PAGE_STYLE } from './style.ts';

export const COMPARE_SCRIPT = 'compare-client.js';

/** Cases listed in the open; longer lists fold into a <details>. */
const LISTED_CASES = 20;

const COMPARE_STYLE = `
.verdict { font-weight: 600; padding: 1px 8px; border-radius: 10px; border: 1px solid var(--line); white-space: nowrap; }
.v-better { color: var(--pass); } .v-worse { color: var(--fail); } .v-none, .v-not-compared { color: var(--muted); }
.o-win { color: var(--pass); font-weight: 600; } .o-loss { color: var(--fail); font-weight: 600; } .o-tie, .o-none { color: var(--muted); }
table.verdicts td { white-space: nowrap; } table.verdicts td.notes { white-space: normal; min-width: 240px; }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; } .side { min-width: 0; }
.judge { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; margin: 10px 0; }
`;

export function renderComparisonPage(report: ComparisonReport, json: string): string {
  const chart = chartJsScript();
  const client = pageScript(COMPARE_SCRIPT);
  return htmlPage({
    title: `Lunar comparison: run ${report.b.id} against ${report.a.id}`,
    csp: contentSecurityPolicy([chart, client]),
    style: PAGE_STYLE + COMPARE_STYLE,
    header: `<h1>Comparison: candidate <code>${e(report.b.id)}</code> against base <code>${e(report.a.id)}</code></h1>
${runsPart(report)}
<noscript><p class="warn">The charts and the case table need JavaScript; the verdicts below do not.</p></noscript>`,
    main: `${report.groups.map((g, i) => groupSection(g, i)).join('\n')}
${unpairedGroupsSection(report)}
${casesSection(report)}
${methodSection(report)}`,
    tail: `<script type="application/json" id="lunar-compare-data">${jsonForScript(json)}</script>
<script>${chart.text}</script>
<script>${client.text}</script>
`,
  });
}

function runsPart(report: ComparisonReport): string {
  const run = (role: string, r: ComparisonReport['a']) =>
    `<dt>${e(role)}</dt><dd>run <code>${e(r.id)}</code> <span class="status status-${e(r.status)}">${e(r.status)}</span> started ${e(r.startedAt)}${r.targets.length ? ` · ${e(r.targets.join(', '))}` : ''}</dd>`;
  return `<dl class="facts">${run('A (base)', report.a)}${run('B (candidate)', report.b)}</dl>
<p class="muted">Differences are B − A over the pairs both sides scored: positive means the candidate scored higher. A verdict is significant when the paired bootstrap 95% interval of the mean difference excludes 0; McNemar's exact test on pass/fail is shown beside it.</p>`;
}

function groupSection(g: GroupComparison, index: number): string {
  const o = g.outcome;
  const unscored = o.unscoredA || o.unscoredB ? ` Left out of the whole-attempt row as unscored: A ${o.unscoredA}, B ${o.unscoredB}.` : '';
  return `<section class="group" id="group-${index}">
<h2>${e(groupLabel(g))}</h2>
<p class="muted group-size">${e(groupSize(g))}${unscored}</p>
<div class="scroll"><table class="verdicts"><thead><tr>${['measure', 'verdict', 'n', 'wins / losses / ties', 'mean A', 'mean B', 'difference', '95% CI', 'pass A', 'pass B', g.outcome.cluster ? 'p (* cluster)' : 'McNemar p', 'notes'].map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead>
<tbody>
${attemptRow(g)}
${g.scorers.map(scorerRow).join('\n')}
</tbody></table></div>
${g.preference ? preferencePart(g.preference) : ''}
<div class="charts">
<figure id="fig-wlt-${index}"><figcaption>Wins, losses and ties of the candidate, per measure</figcaption><div class="chart"><canvas id="chart-wlt-${index}"></canvas></div></figure>
<figure id="fig-cat-${index}"><figcaption>Mean difference (B − A) per category</figcaption>${
    g.scorers.some((s) => s.categories.length > 0) ? `<div class="chart"><canvas id="chart-cat-${index}"></canvas></div>` : '<p class="muted">No scorer has values on both sides.</p>'
  }</figure>
</div>
${unpairedCases('A', g.onlyInA)}${unpairedCases('B', g.onlyInB)}
</section>`;
}

function verdictCell(v: VerdictResult): string {
  return `<span class="verdict v-${v.verdict.replace(' ', '-')}">${e(VERDICT_LABELS[v.verdict])}</span>`;
}

function attemptRow(g: GroupComparison): string {
  const o = g.outcome;
  const c = o.cluster;
  // With repeats the case is the unit: the verdict, difference, interval and p are the cluster
  // bootstrap's (as the gate's), and McNemar over attempt pairs is only mentioned.
  const v = c ? verdictOf(clusterInterval(c), null) : verdictOf(o.interval, o);
  const cells = [
    `<strong>${e(ATTEMPT_MEASURE)}</strong> <span class="muted">(pass rate${c ? ', by case' : ''})</span>`,
    verdictCell(v),
    String(c ? c.cases : o.n),
    `${o.onlyB} / ${o.onlyA} / ${o.bothPass + o.neither}`,
    '-',
    '-',
    e(points(c ? c.difference : o.difference)),
    e(pointsInterval(c ?? o.interval)),
    e(percent(c ? c.passRateA : o.passRateA)),
    e(percent(c ? c.passRateB : o.passRateB)),
    c ? `${e(pValue(c.pValue))}*` : o.n ? e(pValue(o.mcnemarP)) : '-',
    notes([c ? clusterNote(c, o.n, o.n ? o.mcnemarP : null) : undefined, v.disagreement]),
  ];
  return `<tr class="measure" data-measure="${e(ATTEMPT_MEASURE)}">${cells.map((c, i) => `<td${i === cells.length - 1 ? ' class="notes"' : ''}>${c}</td>`).join('')}</tr>`;
}

/** "70 cases × 10 repeats (700 attempt pairs; A 700, B 700 attempts)", or "20 pairs (…)" without repeats. */
export function groupSize(g: GroupComparison): string {
  const c = g.outcome.cluster;
  const attempts = `A ${g.attemptsA}, B ${g.attemptsB} attempts`;
  if (!c) return `${g.pairs} pairs (${attempts}).`;
  const perCase = g.pairs / c.cases;
  const repeats = Number.isInteger(perCase) ? `${perCase} repeats` : `${perCase.toFixed(1)} repeats on average`;
  return `${c.cases} cases × ${repeats} (${g.pairs} attempt pairs; ${attempts}). With repeats the case is the unit: the figures marked * are a cluster bootstrap over the ${c.cases} cases, not ${g.pairs} independent draws.`;
}

function clusterInterval(c: ClusterComparison): BootstrapInterval {
  return { mean: c.difference, low: c.low, high: c.high, level: c.level, n: c.cases, resamples: c.resamples, seed: c.seed };
}

function clusterNote(c: ClusterComparison, pairs: number, mcnemarP: number | null): string {
  const mcnemar = mcnemarP === null ? '' : `; McNemar over the ${pairs} attempt pairs, taken as independent, would give p = ${pValue(mcnemarP)}`;
  return `* cluster bootstrap over ${c.cases} cases (A ${c.verdictsA}, B ${c.verdictsB} verdicts; ${c.resamples.toLocaleString('en-US')} resamples, seed ${c.seed})${mcnemar}`;
}

function scorerRow(s: ScorerComparison): string {
  const pf = s.passFail;
  const c = s.values.cluster;
  const pc = pf.cluster;
  // With repeats: the mean's difference and interval, and the pass/fail p, over cases (marked *).
  const v = c ? verdictOf(clusterInterval(c), null) : pc && !s.values.difference ? verdictOf(clusterInterval(pc), null) : verdictOf(s.values.difference, pf);
  const cells = [
    `<strong>${e(s.scorer)}</strong>`,
    verdictCell(v),
    String(c ? c.cases : s.values.n),
    `${s.values.wins} / ${s.values.losses} / ${s.values.ties}`,
    e(fixed(s.values.meanA)),
    e(fixed(s.values.meanB)),
    c ? `${e(signed(c.difference))}*` : e(signed(s.values.difference?.mean ?? null)),
    c ? `${e(interval(c))}*` : e(interval(s.values.difference)),
    e(percent(pf.passRateA)),
    e(percent(pf.passRateB)),
    pc ? `${e(pValue(pc.pValue))}*` : pf.n ? e(pValue(pf.mcnemarP)) : '-',
    notes([
      v.basis === 'mcnemar' ? `no pair has values on both sides: the verdict rests on McNemar's test over ${pf.n} pass/fail pairs` : undefined,
      c ?? pc ? clusterNote((c ?? pc)!, pf.n, null) : undefined,
      v.disagreement,
      notComparedText(s.notCompared),
      s.advisory ? `advisory: ${s.advisory}` : undefined,
    ]),
  ];
  return `<tr class="measure" data-measure="${e(s.scorer)}">${cells.map((c, i) => `<td${i === cells.length - 1 ? ' class="notes"' : ''}>${c}</td>`).join('')}</tr>`;
}

function notes(parts: (string | undefined)[]): string {
  return parts
    .filter((p): p is string => Boolean(p))
    .map((p) => `<div>${e(p)}</div>`)
    .join('');
}

function notComparedText(n: NotCompared): string | undefined {
  const parts = (
    [
      [n.skippedA, 'skipped in A'],
      [n.skippedB, 'skipped in B'],
      [n.errorA, 'errored in A'],
      [n.errorB, 'errored in B'],
      [n.missingA, 'not scored by it in A'],
      [n.missingB, 'not scored by it in B'],
    ] as const
  )
    .filter(([count]) => count > 0)
    .map(([count, what]) => `${count} ${what}`);
  return parts.length ? `not compared: ${parts.join(', ')}` : undefined;
}

function preferencePart(p: JudgedPreference): string {
  const { noAnswer, skipped, error } = p.notJudged;
  const notJudged = [noAnswer && `${noAnswer} without a final answer`, skipped && `${skipped} skipped`, error && `${error} errored`].filter(Boolean).join(', ');
  return `<div class="judge">
<strong>Pairwise judge ${e(p.judge)}</strong>: the candidate's preference rate is <strong>${e(percent(p.preferenceB))}</strong> (ties count half) over ${p.judged} pairs judged of ${p.asked}:
B preferred on ${p.winsB}, A on ${p.winsA}, ties ${p.ties}${p.flips ? ` (${p.flips} of them position flips: the two orders disagreed)` : ''}; sign test p = ${e(pValue(p.signTestP))}.
${p.criteria ? `<div class="muted">criteria: ${e(p.criteria)}</div>` : ''}${notJudged ? `<div class="muted">not judged: ${e(notJudged)}${p.firstFailure ? ` (first: ${e(p.firstFailure)})` : ''}</div>` : ''}
<div class="muted">judging: ${p.usage.calls} calls, $${p.usage.cost_usd.toFixed(4)}</div>
</div>`;
}

function unpairedCases(side: 'A' | 'B', keys: readonly CaseKey[]): string {
  if (keys.length === 0) return '';
  const items = keys.map((k) => `<code>${e(caseLabel(k))}</code>`).join(', ');
  const head = `${keys.length} case(s) only in ${side === 'A' ? 'A (base)' : 'B (candidate)'}, not compared`;
  const body = keys.length > LISTED_CASES ? `<details><summary>${e(head)}</summary><p>${items}</p></details>` : `<p>${e(head)}: ${items}</p>`;
  return `<div class="unpaired unpaired-${side.toLowerCase()}">${body}</div>`;
}

function unpairedGroupsSection(report: ComparisonReport): string {
  if (report.unpairedGroups.length === 0) return '';
  const line = (g: UnpairedGroup) =>
    `<li><code>${e(groupLabel({ suite: g.suite, config: g.config, targetA: g.target, targetB: g.target }))}</code>: ${g.attempts} attempts only in run <code>${e(g.side === 'A' ? report.a.id : report.b.id)}</code></li>`;
  return `<section id="unpaired-groups">
<h2>Not compared</h2>
<p class="muted">These suite × configuration × target groups have no partner in the other run (<code>lunar compare --target-a/--target-b</code> picks the two targets to pair).</p>
<ul>${report.unpairedGroups.map(line).join('')}</ul>
</section>`;
}

function casesSection(report: ComparisonReport): string {
  const groupFilter =
    report.groups.length > 1
      ? `<label>group <select id="filter-group"><option value="">all</option>${report.groups.map((g, i) => `<option value="${i}">${e(groupLabel(g))}</option>`).join('')}</select></label>`
      : '';
  return `<section id="cases">
<h2>Cases</h2>
<p class="muted" id="cases-note"></p>
<div class="filters">
${groupFilter}
<label>measure <select id="filter-measure"></select></label>
<label>outcome <select id="filter-outcome"><option value="">all</option><option value="win">wins</option><option value="loss">losses</option><option value="tie">ties</option><option value="none">not compared</option></select></label>
<label>case <input id="filter-case" type="search" placeholder="case id contains"></label>
</div>
${caseTableFrame()}
</section>`;
}

function methodSection(report: ComparisonReport): string {
  const m = report.method;
  return `<section id="method">
<h2>Method</h2>
<dl class="facts">
<dt>pairing</dt><dd>${e(m.pairing)}</dd>
<dt>difference</dt><dd>${e(m.difference)}</dd>
<dt>interval</dt><dd>${e(`${m.interval.kind}, ${Math.round(m.interval.level * 100)}%, ${m.interval.resamples.toLocaleString('en-US')} resamples, seed ${m.interval.seed}`)}</dd>
<dt>pass/fail</dt><dd>${e(m.passFail)}</dd>
</dl>
</section>`;
}
