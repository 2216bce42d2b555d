import { describe, expect, it } from 'vitest';
import { ResultsStore } from '../runners/store.ts';
import { recordGateVerdict, recordedGateVerdict } from '../runners/gate-verdict.ts';
import { formatHistory, historyChoices, historyOf } from './history.ts';
import { NEW_COMMIT, OLD_COMMIT, storeHistoryRuns } from './history-fixtures.ts';

function store(): ResultsStore {
  const s = new ResultsStore(':memory:');
  storeHistoryRuns(s);
  return s;
}

describe('historyOf', () => {
  it('gives each run × group oldest first, with the figures worked out by hand', () => {
    const s = store();
    const rows = historyOf(s);
    expect(rows.map((r) => [r.runId, r.suite, r.target])).toEqual([
      ['old', 's', 'baseline'],
      ['new', 's', 'baseline'],
      ['new-t', 't', 'other'],
    ]);
    const [old, now, t] = rows;
    expect(old).toMatchObject({ startedAt: '2026-01-01T00:00:00.000Z', commit: OLD_COMMIT.slice(0, 10), dirty: false, attempts: 10, passed: 8, judged: 10, passRate: 0.8, costUsd: 0, gate: null, gateFailures: [] });
    expect(old!.latencyP95Ms).toBeCloseTo(95.5, 9);
    expect(old!.scorers).toEqual({ answer_contains: 0.8 });
    expect(old!.passRateInterval!.low).toBeCloseTo(0.4902, 4);
    expect(old!.passRateInterval!.high).toBeCloseTo(0.9433, 4);
    expect(now).toMatchObject({ commit: NEW_COMMIT.slice(0, 10), dirty: true, passed: 5, passRate: 0.5 });
    expect(now!.passRateInterval!.low).toBeCloseTo(0.2366, 4);
    expect(now!.passRateInterval!.high).toBeCloseTo(0.7634, 4);
    // A run with no lock (made before locks existed) has no commit.
    expect(t).toMatchObject({ commit: null, passRate: 1, passRateInterval: { high: 1 } });
    s.close();
  });

  it('filters by suite and by target', () => {
    const s = store();
    expect(historyOf(s, { suite: 't' }).map((r) => r.runId)).toEqual(['new-t']);
    expect(historyOf(s, { target: 'baseline' }).map((r) => r.runId)).toEqual(['old', 'new']);
    expect(historyOf(s, { suite: 's', target: 'other' })).toEqual([]);
    expect(historyChoices(historyOf(s))).toEqual({ suites: ['s', 't'], targets: ['baseline', 'other'] });
    s.close();
  });

  it('marks the runs whose recorded gate failed, and lists the failed checks of the group', () => {
    const s = store();
    const check = { suite: 's', config: 'default', target: 'baseline', measure: 'pass_rate' };
    recordGateVerdict(s, 'old', { checked_at: '2026-01-02T00:00:00Z', failed: 0, held: 1, checks: [{ ...check, verdict: 'held', text: 'pass rate 0.800 >= 0.7' }] });
    recordGateVerdict(s, 'new', { checked_at: '2026-02-02T00:00:00Z', failed: 1, held: 0, checks: [{ ...check, verdict: 'failed', text: 'pass rate 0.500 < 0.7' }] });
    // What the run recorded before stays beside the verdict.
    expect(s.run('new')!.config).toMatchObject({ lock: { git: { commit: NEW_COMMIT } }, gate: { failed: 1 } });
    expect(recordedGateVerdict(s.run('new-t')!.config)).toBeUndefined();
    const rows = historyOf(s);
    expect(rows.map((r) => r.gate)).toEqual(['held', 'failed', null]);
    expect(rows[1]!.gateFailures).toEqual(['pass rate 0.500 < 0.7']);
    const table = formatHistory(rows).split('\n');
    expect(table[0]).toMatch(/^run +date +commit +suite\/config\/target +pass rate +95% interval +answer_contains +cost +p95 ms +gate$/);
    expect(table[1]).toMatch(/^old +2026-01-01 +aaaaaaaaaa +s\/default\/baseline +80\.0% \(8\/10\) +\[49\.0–94\.3%\] +0\.800 +\$0\.0000 +95\.5 +held$/);
    expect(table[2]).toMatch(/^new +2026-02-01 +bbbbbbbbbb\+ +s\/default\/baseline +50\.0% \(5\/10\) +\[23\.7–76\.3%\] +0\.500 +\$0\.0000 +95\.5 +FAILED$/);
    expect(table[3]).toMatch(/^new-t +2026-02-01 +- +t\/default\/other +100\.0% \(2\/2\) +\[34\.2–100\.0%\] +1\.000 .* -$/);
    s.close();
  });
});
