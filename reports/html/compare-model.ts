// The data the comparison page's script reads: per group the measures (the whole attempt's
// pass/fail, then each scorer), their wins/losses/ties and per-category differences for the
// charts, and one row per paired case with both sides' values, the case's outcome per measure
// and both final answers (cut in a large comparison; each run's results.json has them whole).
// Every figure is taken from the ComparisonReport itself or worked out by the same rules
// (metrics/paired-cases.ts), so the table's wins add up to the headline's.

import type { ComparisonReport, GroupComparison, RunRef } from '../compare/compare.ts';
import { caseKey, caseLabel } from '../../metrics/paired-cases.ts';
import type { StoredAttempt } from '../../runners/store.ts';
import { attemptOutcome } from '../../metrics/outcome.ts';
import { cutText, interner, rowStringChars } from './model.ts';

export interface ComparisonPageInput {
  report: ComparisonReport;
  /** The attempts of run A and run B the report was built from (answers and values per case). */
  attemptsA: readonly StoredAttempt[];
  attemptsB: readonly StoredAttempt[];
}

/** The first measure of every group: the attempt passed every check (the pass rate's definition). */
export const ATTEMPT_MEASURE = 'whole attempt';

/** One side's value for a measure: a score, pass/fail/unscored (whole attempt), or why there is none. */
export type SideValue = number | 'pass' | 'fail' | 'unscored' | 'skipped' | 'error' | 'missing';

/** A pair's outcome from the candidate's side; 'none' when the two sides cannot be compared. */
export type CaseOutcome = 'win' | 'loss' | 'tie' | 'none';

/** [A, B, outcome, A's reason, B's reason]; null when neither side has the measure (it did not apply). */
export type Cell = [SideValue, SideValue, CaseOutcome, string, string] | null;

export interface CompareRow {
  /** Index into ComparePageData.groups. */
  g: number;
  /** The case, with its repeat past the first (caseLabel). */
  id: string;
  /** Index into ComparePageData.categories. */
  k: number;
  /** Aligned with the group's measures. */
  cells: Cell[];
  answers: [string | null, string | null];
  errors: [string | null, string | null];
}

export interface CategoryPoint {
  n: number;
  meanA: number | null;
  meanB: number | null;
  diff: number;
  low: number;
  high: number;
  wins: number;
  losses: number;
  ties: number;
}

export interface CategoryChart {
  categories: string[];
  /** One series per scorer with values on both sides; a point per category, null where it has none. */
  series: { scorer: string; points: (CategoryPoint | null)[] }[];
}

export interface CompareGroupData {
  label: string;
  targetA: string;
  targetB: string;
  measures: string[];
  /** Aligned with measures: the whole attempt's from the pass/fail table, a scorer's over pairs both scored. */
  wlt: { n: number; wins: number; losses: number; ties: number }[];
  categories: CategoryChart | null;
}

export interface ComparePageData {
  a: RunRef;
  b: RunRef;
  groups: CompareGroupData[];
  categories: string[];
  rows: CompareRow[];
  /** Answers, errors and reasons longer than this are cut. */
  rowChars: number;
}

export function buildComparePage(input: ComparisonPageInput): ComparePageData {
  const { report } = input;
  const categories = interner();
  const paired = report.groups.map((g) => pairsOf(g, input));
  const scorers = Math.max(1, ...report.groups.map((g) => g.scorers.length));
  // Each pair is two attempts' strings (an answer and a reason per scorer on each side), bounded as the run report bounds its rows.
  const chars = rowStringChars(2 * paired.reduce((n, p) => n + p.length, 0), scorers);
  const cut = (text: string | null | undefined) => (text === null || text === undefined ? null : cutText(text, chars));
  const rows: CompareRow[] = [];
  const groups = report.groups.map((group, g): CompareGroupData => {
    const scorerNames = group.scorers.map((s) => s.scorer);
    for (const [a, b] of paired[g]!) {
      rows.push({
        g,
        id: caseLabel(a),
        k: categories.id(a.category),
        cells: [attemptCell(a, b, cut), ...scorerNames.map((name) => scorerCell(a, b, name, cut))],
        answers: [cut(a.finalAnswer), cut(b.finalAnswer)],
        errors: [cut(a.error), cut(b.error)],
      });
    }
    return {
      label: groupLabel(group),
      targetA: group.targetA,
      targetB: group.targetB,
      measures: [ATTEMPT_MEASURE, ...scorerNames],
      wlt: [
        { n: group.outcome.n, wins: group.outcome.onlyB, losses: group.outcome.onlyA, ties: group.outcome.bothPass + group.outcome.neither },
        ...group.scorers.map((s) => ({ n: s.values.n, wins: s.values.wins, losses: s.values.losses, ties: s.values.ties })),
      ],
      categories: categoryChart(group),
    };
  });
  return { a: report.a, b: report.b, groups, categories: categories.list, rows, rowChars: chars };
}

/** `suite · config · A → B`, the configuration left out when it is the default, one target when both sides ran the same. */
export function groupLabel(g: Pick<GroupComparison, 'suite' | 'config' | 'targetA' | 'targetB'>): string {
  const targets = g.targetA === g.targetB ? g.targetA : `${g.targetA} → ${g.targetB}`;
  return [g.suite, ...(g.config === 'default' ? [] : [g.config]), targets].join(' · ');
}

/** The group's pairs in A's order (the store's: case id, then repeat). */
function pairsOf(group: GroupComparison, input: ComparisonPageInput): [StoredAttempt, StoredAttempt][] {
  const inGroup = (a: StoredAttempt, target: string) => a.suite === group.suite && a.config === group.config && a.target === target;
  const byKey = new Map(input.attemptsB.filter((b) => inGroup(b, group.targetB)).map((b) => [caseKey(b), b]));
  return input.attemptsA.flatMap((a) => {
    if (!inGroup(a, group.targetA)) return [];
    const b = byKey.get(caseKey(a));
    return b ? [[a, b] as [StoredAttempt, StoredAttempt]] : [];
  });
}

type Cut = (text: string | null | undefined) => string | null;

/** Pass/fail of the whole attempt; a side nothing could check leaves the pair uncompared, as in the pass rate. */
function attemptCell(a: StoredAttempt, b: StoredAttempt, cut: Cut): Cell {
  const va = attemptOutcome(a);
  const vb = attemptOutcome(b);
  const outcome: CaseOutcome = va === 'unscored' || vb === 'unscored' ? 'none' : va === vb ? 'tie' : vb === 'pass' ? 'win' : 'loss';
  return [va, vb, outcome, cut(a.error) ?? '', cut(b.error) ?? ''];
}

/**
 * A scorer's values, compared as paired-cases.ts compares them: only two scored values make a
 * win, loss or tie; a side that errored (the score, or the attempt before it was scored), was
 * skipped or lacks the scorer leaves the pair out of the values.
 */
function scorerCell(a: StoredAttempt, b: StoredAttempt, scorer: string, cut: Cut): Cell {
  const sa = a.scores.find((s) => s.scorer === scorer);
  const sb = b.scores.find((s) => s.scorer === scorer);
  if (!sa && !sb) return null;
  const va = sideValue(a, sa);
  const vb = sideValue(b, sb);
  const outcome: CaseOutcome = typeof va === 'number' && typeof vb === 'number' ? (vb > va ? 'win' : vb < va ? 'loss' : 'tie') : 'none';
  return [va, vb, outcome, cut(sa?.reason ?? a.error) ?? '', cut(sb?.reason ?? b.error) ?? ''];
}

function sideValue(attempt: StoredAttempt, score: StoredAttempt['scores'][number] | undefined): SideValue {
  if (!score) return attempt.status === 'error' ? 'error' : 'missing';
  if (score.status === 'scored' && score.value !== null) return score.value;
  return score.status === 'skipped' ? 'skipped' : 'error';
}

function categoryChart(group: GroupComparison): CategoryChart | null {
  const scorers = group.scorers.filter((s) => s.categories.length > 0);
  if (scorers.length === 0) return null;
  const names = [...new Set(scorers.flatMap((s) => s.categories.map((c) => c.category)))].sort();
  return {
    categories: names,
    series: scorers.map((s) => ({
      scorer: s.scorer,
      points: names.map((name) => {
        const c = s.categories.find((x) => x.category === name);
        if (!c?.difference) return null;
        return { n: c.n, meanA: c.meanA, meanB: c.meanB, diff: c.difference.mean, low: c.difference.low, high: c.difference.high, wins: c.wins, losses: c.losses, ties: c.ties };
      }),
    })),
  };
}
