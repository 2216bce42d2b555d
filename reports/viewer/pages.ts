// The viewer's own pages: the list of runs (with a form to compare any two) and error pages.
// They need no script at all; every string from the store (run ids, suite and target names,
// messages that quote them) goes through escapeHtml, every link's run id through
// encodeURIComponent. The policy (sent as a header too) allows inline styles and a form
// submitted to the viewer itself, and nothing else.

import { dollars, percent } from '../format.ts';
import { escapeHtml as e } from '../html/escape.ts';
import { htmlPage } from '../html/page-shell.ts';
import { PAGE_STYLE } from '../html/style.ts';
import type { RunSummary } from './run-list.ts';

export const VIEWER_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const VIEWER_STYLE = `
table.runs td { white-space: nowrap; } table.runs td.names { white-space: normal; }
form.compare { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; margin: 12px 0; }
a { color: var(--accent); }
`;

export interface ListPageOptions {
  runs: readonly RunSummary[];
  /** Runs in the store, listed or not. */
  total: number;
  /** The store's path, to say where the runs come from. */
  storePath: string;
  /** Carried on every link and the form when the request came with ?token= (a browser can send nothing else). */
  token?: string;
}

export function listPage(options: ListPageOptions): string {
  const { runs, total } = options;
  const query = (params: Record<string, string>) => {
    const all = options.token === undefined ? params : { ...params, token: options.token };
    const text = new URLSearchParams(all).toString();
    return text ? `?${text}` : '';
  };
  const more = total > runs.length ? `<p class="muted">The newest ${runs.length} of ${total} runs are listed.</p>` : '';
  const body = runs.length === 0 ? `<p>No runs yet: <code>lunar bench</code> stores each run here.</p>` : `${compareForm(runs, options.token)}${runsTable(runs, query)}${more}`;
  return page(
    'Lunar runs',
    `<h1>Lunar runs</h1>
<p class="muted">${total} run(s) in <code>${e(options.storePath)}</code>, newest first. Open a run's report, or pick two runs to compare (A the base, B the candidate). <a href="${e(`history${query({})}`)}">Quality over time</a> across the runs.</p>`,
    body,
  );
}

function compareForm(runs: readonly RunSummary[], token: string | undefined): string {
  const options = (selected: number) =>
    runs.map((r, i) => `<option value="${e(r.id)}"${i === selected ? ' selected' : ''}>${e(`${r.id} · ${r.targets.join(', ') || 'no attempts'}`)}</option>`).join('');
  // A target per side: two of one run's targets compared with each other (pick the run twice), or
  // one target of a run that ran several. Blank: targets pair by name, or the run's two targets.
  const targets = [...new Set(runs.flatMap((r) => r.targets))].sort();
  const targetOptions = `<option value="">any (pair by name)</option>${targets.map((t) => `<option value="${e(t)}">${e(t)}</option>`).join('')}`;
  // By default the newest run is the candidate and the one before it the base.
  return `<form class="compare" method="get" action="compare">
<label>A (base) <select name="a">${options(Math.min(1, runs.length - 1))}</select></label>
<label>target <select name="target_a">${targetOptions}</select></label>
<label>B (candidate) <select name="b">${options(0)}</select></label>
<label>target <select name="target_b">${targetOptions}</select></label>
${token === undefined ? '' : `<input type="hidden" name="token" value="${e(token)}">`}
<button type="submit">Compare</button>
<span class="muted">The same run on both sides compares its two targets.</span>
</form>`;
}

function runsTable(runs: readonly RunSummary[], query: (params: Record<string, string>) => string): string {
  const head = ['run', 'started', 'status', 'suites', 'targets', 'attempts', 'errors', 'pass rate', 'cost', ''];
  const rows = runs.map((r) => {
    const report = `runs/${encodeURIComponent(r.id)}/report.html${query({})}`;
    const cells = [
      `<a href="${e(report)}"><code>${e(r.id)}</code></a>`,
      e(r.startedAt),
      `<span class="status status-${e(r.status)}">${e(r.status)}</span>`,
      e(r.suites.join(', ')),
      e(r.targets.join(', ')),
      String(r.attempts),
      String(r.errors),
      `${e(percent(r.passRate))}${r.judged < r.attempts ? ` <span class="muted">(${r.passed}/${r.judged})</span>` : ''}`,
      e(dollars(r.costUsd, r.unpriced ? 1 : 0)),
      `<a href="${e(report)}">report</a>`,
    ];
    return `<tr data-run="${e(r.id)}">${cells.map((c, i) => `<td${i === 3 || i === 4 ? ' class="names"' : ''}>${c}</td>`).join('')}</tr>`;
  });
  return `<div class="scroll"><table class="runs"><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>
${rows.join('\n')}
</tbody></table></div>`;
}

/** An error as a page: the status, what went wrong, and the way back (with the ?token= the request carried). */
export function errorPage(status: number, title: string, message: string, token?: string): string {
  const home = token === undefined ? '/' : `/?${new URLSearchParams({ token }).toString()}`;
  return page(`${status} ${title}`, `<h1>${status} ${e(title)}</h1>`, `<p>${e(message)}</p><p><a href="${e(home)}">All runs</a></p>`);
}

/**
 * A policy as a page's <meta> element carries it: browsers ignore frame-ancestors there (and say
 * so in the console), so it is left to the header (and x-frame-options) alone.
 */
export function metaPolicy(policy: string): string {
  return policy
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d && !d.startsWith('frame-ancestors'))
    .join('; ');
}

function page(title: string, header: string, main: string): string {
  return htmlPage({ title, csp: metaPolicy(VIEWER_CSP), style: PAGE_STYLE + VIEWER_STYLE, header, main });
}
