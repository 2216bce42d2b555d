// summary.md: the run in a few lines of GitHub-flavoured Markdown, for $GITHUB_STEP_SUMMARY or a
// pull-request comment: a headline, a targets × scorers table per suite with 95% intervals, the
// first failures, and the lock in one line. Every cell is escaped: a model's answer with a `|`,
// a line break or markup stays one cell of text.

import { describeLock } from '../runners/provenance.ts';
import type { StoredAttempt } from '../runners/store.ts';
import type { Aggregate } from '../runners/aggregate.ts';
import { dollars, millis, percent, percentInterval, score, scoreInterval } from './format.ts';
import { reportBasis, type ReportBasis } from './basis.ts';
import { groupKey, type AggregateIntervals } from './intervals.ts';
import { reportOutcome } from './report-input.ts';
import { type RunReportInput } from '../runners/reporter.ts';
import type { RunTotals } from './totals.ts';

/** Failures listed at most; the rest are counted. */
export const TOP_FAILURES = 10;
/** A failure's reason is cut to this many characters. */
const REASON_CHARS = 200;

export function renderMarkdown(input: Pick<RunReportInput, 'run' | 'aggregates' | 'attempts'>, basis: ReportBasis = reportBasis(input)): string {
  const { totals, intervals, lock } = basis;
  const suites = [...new Set(input.aggregates.map((a) => a.suite))];
  return [
    headline(input.run, totals),
    '',
    ...suites.flatMap((suite) => [...suiteTable(suite, input.aggregates.filter((a) => a.suite === suite), intervals), '']),
    ...failures(input.attempts),
    `<sub>${cell(lock ? describeLock(lock) : 'lock: none recorded (a run made by an older Lunar)')}</sub>`,
    '',
  ].join('\n');
}

function headline(run: RunReportInput['run'], t: RunTotals): string {
  const icon = run.status === 'failed' || t.outcomes.errored > 0 ? '❌' : run.status === 'completed' ? '✅' : '⚠️';
  const counts = [`${t.outcomes.passed} passed`, `${t.outcomes.failed} failed`, `${t.outcomes.errored} errored`, ...(t.outcomes.unscored ? [`${t.outcomes.unscored} unscored`] : [])];
  const tokens = t.estimatedUsage ? ', token counts partly estimated' : '';
  return `### ${icon} Lunar run \`${code(run.id)}\` ${cell(run.status)}: pass rate ${percent(t.passRate)} (${t.attempts} attempts: ${counts.join(', ')}), cost ${dollars(t.costUsd, t.unpricedCalls)}${t.unpricedCalls ? ' (some calls unpriced)' : ''}${tokens}`;
}

function suiteTable(suite: string, rows: readonly Aggregate[], intervals: Map<string, AggregateIntervals>): string[] {
  const scorers = [...new Set(rows.flatMap((a) => Object.keys(a.scorers)))].sort();
  const showConfig = rows.some((a) => a.config !== 'default');
  const head = ['target', ...(showConfig ? ['config'] : []), 'attempts', 'errors', 'pass rate (95% CI)', ...scorers, 'p50 ms', 'cost'];
  const lines = rows.map((a) => {
    const iv = intervals.get(groupKey(a));
    const scorerCells = scorers.map((name) => {
      const s = a.scorers[name];
      if (!s) return '-';
      const cover = s.scored === a.attempts ? '' : ` (${s.scored}/${a.attempts})`;
      return `${score(s.mean)} ${scoreInterval(iv?.scorers[name]?.mean)}${cover}`.replace(/ +/g, ' ').trim();
    });
    return [a.target, ...(showConfig ? [a.config] : []), String(a.attempts), String(a.errors), `${percent(a.passRate)} ${percentInterval(iv?.passRate)}`.trim(), ...scorerCells, millis(a.latencyMs.p50), dollars(a.costUsd, a.unpricedCalls)];
  });
  const faults = rows.filter((a) => a.failedEpisodes).map((a) => `${cell(a.target)}${showConfig ? ` (${cell(a.config)})` : ''}: ${a.failedEpisodes!.userError} failed episode(s) the simulated user's fault, ${a.failedEpisodes!.agentError} the agent's (user_check)`);
  return [`**${cell(suite)}**`, '', row(head), row(head.map(() => '---')), ...lines.map(row), ...(faults.length ? ['', ...faults] : [])];
}

function failures(attempts: readonly StoredAttempt[]): string[] {
  const failing = attempts.filter((a) => {
    const o = reportOutcome(a);
    return o === 'failed' || o === 'errored';
  });
  if (failing.length === 0) return [];
  // Errored attempts first: they say something is broken rather than wrong.
  const ordered = [...failing.filter((a) => a.status === 'error'), ...failing.filter((a) => a.status !== 'error')];
  const shown = ordered.slice(0, TOP_FAILURES);
  const multiSuite = new Set(attempts.map((a) => a.suite)).size > 1;
  const lines = shown.map((a) => {
    const name = `${multiSuite ? `${a.suite} / ` : ''}${a.caseId}${a.config !== 'default' ? ` (${a.config})` : ''}${a.repeat > 0 ? ` #${a.repeat}` : ''}`;
    return row([name, a.target, reportOutcome(a), cut(why(a))]);
  });
  const more = failing.length - shown.length;
  return [
    `**Failures** (${failing.length})`,
    '',
    row(['case', 'target', 'outcome', 'why']),
    row(['---', '---', '---', '---']),
    ...lines,
    ...(more > 0 ? ['', `…and ${more} more: see report.html or junit.xml.`] : []),
    '',
  ];
}

function why(a: StoredAttempt): string {
  if (a.status === 'error') return a.error ?? a.stopReason;
  return a.scores
    .filter((s) => s.status === 'error' || (s.status === 'scored' && s.pass === false))
    .map((s) => `${s.scorer}${s.status === 'error' ? ' errored' : ''}: ${s.reason}`)
    .join('; ');
}

function cut(s: string): string {
  return s.length <= REASON_CHARS ? s : `${s.slice(0, REASON_CHARS)}…`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}

/**
 * Text safe in a table cell (and inline): line breaks become spaces, `|` and `\` are escaped, and
 * markup characters become entities so an answer holding `<img onerror=…>` shows as text.
 */
export function cell(s: string): string {
  return s
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Text inside a code span: no backtick can end it early, no line break can split it. */
function code(s: string): string {
  return s.replace(/`/g, "'").replace(/\r\n|\r|\n/g, ' ');
}
