import { describe, expect, it } from 'vitest';
import { traceOf } from '../../metrics/test-fixtures.ts';
import { passFail } from '../../runners/compare-fixtures.ts';
import { compareRuns, loadComparison } from '../compare/compare.ts';
import { ResultsStore, summariseAttempt } from '../../runners/store.ts';
import { XSS_CASE, XSS_CATEGORY } from '../test-fixtures.ts';
import { answerOf, BASE, CANDIDATE, ERROR_A, writeComparedRuns } from './compare-fixtures.ts';
import { ATTEMPT_MEASURE, buildComparePage, type CompareRow } from './compare-model.ts';

function page() {
  const store = new ResultsStore(':memory:');
  writeComparedRuns(store);
  const comparison = loadComparison(store, BASE.run, CANDIDATE.run);
  store.close();
  return { comparison, data: buildComparePage(comparison) };
}

const outcomes = (rows: CompareRow[], measure: number) => rows.map((r) => `${r.id}:${r.cells[measure]?.[2] ?? 'n/a'}`);

describe('buildComparePage', () => {
  it('has one row per paired case, in case order, with the whole attempt and each scorer as measures', () => {
    const { data } = page();
    expect(data.groups).toHaveLength(1);
    expect(data.groups[0]).toMatchObject({ label: `qa · ${BASE.target} → ${CANDIDATE.target}`, targetA: BASE.target, targetB: CANDIDATE.target, measures: [ATTEMPT_MEASURE, 'answer_contains', 'rubric'] });
    // k10 and k11 have no partner; byte order puts "k" before "x".
    expect(data.rows.map((r) => r.id)).toEqual(['k01', 'k02', 'k03', 'k04', 'k05', 'k06', 'k07', 'k08', XSS_CASE]);
    expect(data.categories).toEqual(['math', 'lookup', XSS_CATEGORY]);
  });

  it("gives each case the outcome worked out by hand for every measure (the fixture's table)", () => {
    const { data } = page();
    expect(outcomes(data.rows, 0)).toEqual(['k01:tie', 'k02:win', 'k03:win', 'k04:loss', 'k05:tie', 'k06:tie', 'k07:win', 'k08:tie', `${XSS_CASE}:win`]);
    expect(outcomes(data.rows, 1)).toEqual(['k01:tie', 'k02:win', 'k03:win', 'k04:loss', 'k05:tie', 'k06:tie', 'k07:none', 'k08:tie', `${XSS_CASE}:win`]);
    expect(outcomes(data.rows, 2)).toEqual(['k01:win', 'k02:win', 'k03:tie', 'k04:loss', 'k05:tie', 'k06:win', 'k07:none', 'k08:none', `${XSS_CASE}:win`]);
    const k07 = data.rows[6]!;
    expect(k07.cells[0]!.slice(0, 3)).toEqual(['fail', 'pass', 'win']);
    expect(k07.cells[1]!.slice(0, 3)).toEqual(['error', 1, 'none']);
    expect(data.rows[7]!.cells[2]!.slice(0, 3)).toEqual(['skipped', 'skipped', 'none']);
    expect(data.rows[1]!.cells[2]!).toEqual([0.25, 0.75, 'win', 'graded 0.25', 'graded 0.75']);
  });

  it("counts the same wins, losses and ties as the comparison's headline, measure by measure", () => {
    const { data, comparison } = page();
    const group = comparison.report.groups[0]!;
    expect(data.groups[0]!.wlt).toEqual([
      { n: 9, wins: 4, losses: 1, ties: 4 },
      { n: 8, wins: 3, losses: 1, ties: 4 },
      { n: 7, wins: 4, losses: 1, ties: 2 },
    ]);
    const tally = (m: number) => ({ wins: outcomes(data.rows, m).filter((o) => o.endsWith(':win')).length, losses: outcomes(data.rows, m).filter((o) => o.endsWith(':loss')).length });
    expect(tally(1)).toEqual({ wins: group.scorers[0]!.values.wins, losses: group.scorers[0]!.values.losses });
    expect(tally(2)).toEqual({ wins: group.scorers[1]!.values.wins, losses: group.scorers[1]!.values.losses });
    expect(tally(0)).toEqual({ wins: group.outcome.onlyB, losses: group.outcome.onlyA });
  });

  it("keeps both answers and an errored side's error, as text", () => {
    const { data } = page();
    expect(data.rows[0]!.answers).toEqual([answerOf('A', 'k01'), answerOf('B', 'k01')]);
    expect(data.rows[6]!.answers).toEqual([null, answerOf('B', 'k07')]);
    expect(data.rows[6]!.errors).toEqual([ERROR_A, null]);
  });

  it('charts the per-category differences of each scorer with values on both sides', () => {
    const { data } = page();
    const chart = data.groups[0]!.categories!;
    // The report sorts categories by code unit: "<img…" before "lookup" before "math".
    expect(chart.categories).toEqual([XSS_CATEGORY, 'lookup', 'math']);
    const ac = chart.series.find((s) => s.scorer === 'answer_contains')!;
    // math: k01 1→1, k02 0→1, k03 0→1, k04 1→0: A 0.5, B 0.75, +0.25, 2/1/1. lookup: k05, k06, k08 all ties.
    expect(ac.points[2]).toMatchObject({ n: 4, meanA: 0.5, meanB: 0.75, diff: 0.25, wins: 2, losses: 1, ties: 1 });
    expect(ac.points[1]).toMatchObject({ n: 3, diff: 0, low: 0, high: 0, wins: 0, losses: 0, ties: 3 });
    const rubric = chart.series.find((s) => s.scorer === 'rubric')!;
    // lookup rubric pairs: k05 0.75→0.75, k06 0→0.25 (k07 errored, k08 skipped): +0.125.
    expect(rubric.points[1]).toMatchObject({ n: 2, meanA: 0.375, meanB: 0.5, diff: 0.125, wins: 1, ties: 1 });
  });
});

describe('buildComparePage on a large comparison', () => {
  it('cuts each answer to the run report\'s row budget: 1,000 pairs with one scorer → 3,000,000 / (2,000 · 3) = 500 characters', () => {
    const answer = 'a'.repeat(800);
    const side = (runId: string, target: string) =>
      Array.from({ length: 1000 }, (_, i) =>
        summariseAttempt({ runId, suite: 's', config: 'default', caseId: `c${String(i).padStart(4, '0')}`, category: 'general', target, repeat: 0, status: 'ok', trace: traceOf(answer), scores: [passFail('answer_contains', i % 2 === 0)] }),
      );
    const run = (id: string) => ({ id, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: null, status: 'completed', config: {} });
    const attemptsA = side('a', 'baseline');
    const attemptsB = side('b', 'baseline');
    const data = buildComparePage({ report: compareRuns(run('a'), attemptsA, run('b'), attemptsB), attemptsA, attemptsB });
    expect(data.rowChars).toBe(500);
    expect(data.rows).toHaveLength(1000);
    expect(data.rows[0]!.answers[0]).toBe(`${'a'.repeat(500)}… (+300 characters in results.json)`);
  });
});
