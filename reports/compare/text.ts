// The terminal form of a ComparisonReport: per group a header line, the whole-attempt pass rate
// with McNemar's p, a table of scorers, the per-category differences, and every pair or case that
// could not be compared, named.

import type { BootstrapInterval } from '../../metrics/paired.ts';
import type { ComparisonReport, GroupComparison, JudgedPreference } from './compare.ts';
import { caseLabel, type CaseKey, type NotCompared, type ScorerComparison } from '../../metrics/paired-cases.ts';
import { fixed, percent } from '../format.ts';

/** Cases named per list; longer lists end with "and N more". */
const NAMED_CASES = 20;

export function formatComparison(report: ComparisonReport): string {
  const head = [
    `A (base):      run ${report.a.id} (${report.a.status})${report.a.targets.length ? `, ${report.a.targets.join(', ')}` : ''}`,
    `B (candidate): run ${report.b.id} (${report.b.status})${report.b.targets.length ? `, ${report.b.targets.join(', ')}` : ''}`,
    `diff = B − A over pairs both scored; ${interval95(report)}: paired bootstrap (${report.method.interval.resamples.toLocaleString('en-US')} resamples, seed ${report.method.interval.seed}); p: McNemar exact on pass/fail`,
  ];
  const groups = report.groups.map(formatGroup);
  const unpaired = report.unpairedGroups.map(
    (g) => `not compared: ${g.suite}/${g.config}/${g.target} (${g.attempts} attempts) is only in run ${g.side === 'A' ? report.a.id : report.b.id}; pick targets with --target-a/--target-b`,
  );
  return [head.join('\n'), ...groups, ...(unpaired.length ? [unpaired.join('\n')] : [])].join('\n\n');
}

function interval95(report: ComparisonReport): string {
  return `${Math.round(report.method.interval.level * 100)}% CI`;
}

function formatGroup(g: GroupComparison): string {
  const targets = g.targetA === g.targetB ? g.targetA : `${g.targetA} → ${g.targetB}`;
  const o = g.outcome;
  const lines = [
    `${g.suite}  ${g.config}  ${targets}  ${g.pairs} pairs (A ${g.attemptsA}, B ${g.attemptsB} attempts)`,
    `  pass rate: A ${percent(o.passRateA)}  B ${percent(o.passRateB)}  diff ${points(o.difference)} ${pointsInterval(o.interval)}  ` +
      `(both ${o.bothPass}, only A ${o.onlyA}, only B ${o.onlyB}, neither ${o.neither}; p = ${pValue(o.mcnemarP)})` +
      (o.unscoredA || o.unscoredB ? `; unscored left out: A ${o.unscoredA}, B ${o.unscoredB}` : ''),
  ];
  // With repeats the attempt pairs are not independent: the case-level figure is the one to read.
  const c = o.cluster;
  if (c) {
    lines.push(
      `  pass rate by case (repeats): A ${percent(c.passRateA)}  B ${percent(c.passRateB)}  diff ${points(c.difference)} ${pointsInterval(c)}  ` +
        `(cluster bootstrap over ${c.cases} cases, A ${c.verdictsA} and B ${c.verdictsB} verdicts; p = ${pValue(c.pValue)})`,
    );
  }
  if (g.scorers.length) lines.push(indent(columns([SCORER_HEADER, ...g.scorers.map(scorerRow)], 1)));
  if (g.scorers.some((s) => s.passFail.cluster || s.values.cluster)) lines.push(`  *: cluster bootstrap over ${c?.cases ?? 'the'} cases (the cases have repeats: a case, not an attempt pair, is the unit)`);
  const categoryRows = g.scorers.flatMap((s) => (s.categories.length > 1 ? s.categories.map((c) => [s.scorer, c.category, ...valueCells(c)]) : []));
  if (categoryRows.length) lines.push('  by category:', indent(columns([['scorer', 'category', 'n', 'w/l/t', 'mean A', 'mean B', 'diff', '95% CI'], ...categoryRows], 2), 4));
  for (const s of g.scorers) {
    const why = notComparedText(s.notCompared);
    if (why) lines.push(`  ${s.scorer}: not compared: ${why}`);
    if (s.advisory) lines.push(`  ${s.scorer}: advisory: ${s.advisory}`);
  }
  if (g.preference) lines.push(...preferenceLines(g.preference));
  if (g.onlyInA.length) lines.push(`  only in A (${g.onlyInA.length}): ${named(g.onlyInA)}`);
  if (g.onlyInB.length) lines.push(`  only in B (${g.onlyInB.length}): ${named(g.onlyInB)}`);
  return lines.join('\n');
}

function preferenceLines(p: JudgedPreference): string[] {
  const flips = p.flips ? ` (${p.flips} position flips)` : '';
  const lines = [
    `  judge ${p.judge}: B preferred on ${p.winsB}, A on ${p.winsA}, ties ${p.ties}${flips} of ${p.judged} pairs judged; ` +
      `B's preference rate ${percent(p.preferenceB)} (ties as half), sign test p = ${pValue(p.signTestP)}; judging cost $${p.usage.cost_usd.toFixed(4)}`,
  ];
  const { noAnswer, skipped, error } = p.notJudged;
  if (noAnswer || skipped || error) {
    const parts = [noAnswer && `${noAnswer} without a final answer`, skipped && `${skipped} skipped`, error && `${error} errored`].filter(Boolean).join(', ');
    lines.push(`  judge ${p.judge}: not judged: ${parts}${p.firstFailure ? ` (first: ${p.firstFailure})` : ''}`);
  }
  return lines;
}

const SCORER_HEADER = ['scorer', 'n', 'w/l/t', 'mean A', 'mean B', 'diff', '95% CI', 'pass A', 'pass B', 'p'];

function scorerRow(s: ScorerComparison): string[] {
  const pf = s.passFail;
  // With repeats the p is the cluster bootstrap's (case as the unit), marked with a *.
  const p = pf.cluster ? `${pValue(pf.cluster.pValue)}*` : pf.n ? pValue(pf.mcnemarP) : '-';
  const cells = valueCells(s.values);
  const c = s.values.cluster;
  // The mean's difference and interval likewise, over the cases' means.
  if (c) cells.splice(4, 2, `${signed(c.difference)}*`, `${interval(c)}*`);
  return [s.scorer, ...cells, percent(pf.passRateA), percent(pf.passRateB), p];
}

function valueCells(v: { n: number; wins: number; losses: number; ties: number; meanA: number | null; meanB: number | null; difference: BootstrapInterval | null }): string[] {
  return [String(v.n), `${v.wins}/${v.losses}/${v.ties}`, fixed(v.meanA), fixed(v.meanB), signed(v.difference?.mean ?? null), interval(v.difference)];
}

function notComparedText(n: NotCompared): string {
  const parts: string[] = [];
  for (const [count, what] of [
    [n.skippedA, 'skipped in A'],
    [n.skippedB, 'skipped in B'],
    [n.errorA, 'errored in A'],
    [n.errorB, 'errored in B'],
    [n.missingA, 'not scored by this scorer in A'],
    [n.missingB, 'not scored by this scorer in B'],
  ] as const) {
    if (count) parts.push(`${count} ${what}`);
  }
  return parts.join(', ');
}

function named(keys: readonly CaseKey[]): string {
  const shown = keys.slice(0, NAMED_CASES).map(caseLabel).join(', ');
  return keys.length > NAMED_CASES ? `${shown} and ${keys.length - NAMED_CASES} more` : shown;
}

/** Aligned columns: the first `textColumns` left-aligned, the rest right-aligned; a rule under the header. */
function columns(rows: string[][], textColumns: number): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((cell, i) => (i < textColumns ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function indent(text: string, spaces = 2): string {
  return text
    .split('\n')
    .map((l) => ' '.repeat(spaces) + l)
    .join('\n');
}

export function signed(value: number | null, digits = 3): string {
  if (value === null) return '-';
  const text = value.toFixed(digits);
  // −0.000 and +0.000 both read as no change.
  return Number(text) === 0 ? (0).toFixed(digits) : value > 0 ? `+${text}` : text;
}

export function interval(i: Pick<BootstrapInterval, 'low' | 'high'> | null, digits = 3): string {
  return i ? `[${signed(i.low, digits)}, ${signed(i.high, digits)}]` : '-';
}

/** A difference of rates in percentage points: "+50.0 pts". */
export function points(value: number | null): string {
  return value === null ? '-' : `${signed(value * 100, 1)} pts`;
}

/** "[+25.0, +75.0]": an interval of a rate difference, in points. */
export function pointsInterval(i: Pick<BootstrapInterval, 'low' | 'high'> | null): string {
  return i ? `[${signed(i.low * 100, 1)}, ${signed(i.high * 100, 1)}]` : '-';
}

/** p to 4 significant figures, in plain notation down to 0.0001. */
export function pValue(p: number): string {
  return p < 0.0001 ? p.toExponential(2) : p === 1 ? '1' : p.toPrecision(4).replace(/0+$/, '').replace(/\.$/, '');
}
