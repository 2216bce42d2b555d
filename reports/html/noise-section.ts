// The report's "Noise" section for a run with repeats: per suite, the noise floor of each target ×
// configuration (the run-to-run SD of its pass rate, with its bootstrap interval) and the flaky
// cases with their flip rate and category — the figures `lunar noise` prints, from the same
// computation (reports/noise.ts). Rendered on the server: it needs no script.

import { fixed } from '../format.ts';
import type { ReportNoise, ReportNoiseGroup } from '../noise.ts';
import { escapeHtml as e } from './escape.ts';

/** Flaky cases listed in the open per suite; a longer list folds into a <details>. */
const LISTED_FLAKY = 30;

export function noiseSection(noise: ReportNoise | null): string {
  if (!noise) return '';
  const suites = [...new Set(noise.groups.map((g) => g.suite))];
  return `<section id="noise">
<h2>Noise</h2>
<p class="muted">How far the pass rate moves from one run to the next with nothing changed, from the ${noise.maxRepeats} repeats (at most) of each case. A case is flaky when its verdicts flipped between repeats; its flip rate is the share of its repeats that differ from its majority verdict. The noise floor is the run-to-run SD of a one-repeat pass rate (√Σ p̂(1−p̂)·n/(n−1) / N over the cases), with a 95% bootstrap interval over cases; averaged over R repeats it shrinks by √R. A change smaller than about twice the floor is hard to tell from noise. <code>lunar noise</code> prints the same figures.</p>
${suites.map((suite) => suiteNoise(suite, noise.groups.filter((g) => g.suite === suite))).join('\n')}
</section>`;
}

function suiteNoise(suite: string, groups: readonly ReportNoiseGroup[]): string {
  const showConfig = groups.some((g) => g.config !== 'default');
  const head = [...(showConfig ? ['config'] : []), 'target', 'cases', 'flaky', 'pass rate by repeat', 'SD across repeats', 'noise floor (SD, one repeat)', '95% CI', `averaged over the repeats`];
  const rows = groups.map((g) => {
    const f = g.floor;
    const judged = g.cases.filter((c) => c.repeats > 0).length;
    const r = Math.max(1, ...g.cases.map((c) => c.repeats));
    const sd = f.expectedRunSd;
    const cells = [
      ...(showConfig ? [e(g.config)] : []),
      `<strong>${e(g.target)}</strong>`,
      String(judged),
      String(g.flaky.length),
      e(f.perRepeat.map((p) => p.passRate.toFixed(3)).join(', ')),
      e(fixed(f.repeatSd)),
      e(fixed(sd?.estimate ?? null)),
      sd ? e(`[${sd.low.toFixed(3)}, ${sd.high.toFixed(3)}]`) : '-',
      sd && r > 1 ? e(`${(sd.estimate / Math.sqrt(r)).toFixed(3)} (${r} repeats)`) : '-',
    ];
    return `<tr data-group="${e(g.group)}">${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  });
  const flaky = groups.flatMap((g) => g.flaky.map((c) => ({ g, c })));
  const flakyHead = ['case', ...(showConfig ? ['config'] : []), 'target', 'category', 'flip rate', 'passed'];
  const flakyRows = flaky.map(({ g, c }) => {
    const cells = [`<code>${e(c.caseId)}</code>`, ...(showConfig ? [e(g.config)] : []), e(g.target), e(c.category ?? ''), c.flipRate.toFixed(2), `${c.passes} of ${c.repeats}`];
    return `<tr>${cells.map((x) => `<td>${x}</td>`).join('')}</tr>`;
  });
  const flakyTable = `<div class="scroll"><table class="noise-flaky"><thead><tr>${flakyHead.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${flakyRows.join('')}</tbody></table></div>`;
  const caption = `${flaky.length} flaky case(s) in ${suite}`;
  const flakyPart = flaky.length === 0 ? `<p class="muted">No case of ${e(suite)} flipped between repeats.</p>` : flaky.length > LISTED_FLAKY ? `<details><summary>${e(caption)}, by flip rate</summary>${flakyTable}</details>` : `<p class="muted">${e(caption)}, by flip rate:</p>${flakyTable}`;
  const single = groups.reduce((n, g) => n + g.floor.singleVerdictCases, 0);
  return `<div class="noise-suite" data-suite="${e(suite)}">
<h3>${e(suite)}</h3>
<div class="scroll"><table class="noise-floor"><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>
${single ? `<p class="muted">${single} case(s) have a single verdict: their noise cannot be seen and counts as none.</p>` : ''}
${flakyPart}
</div>`;
}
