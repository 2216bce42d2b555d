// Quality over time (`lunar history`, the viewer's /history): for every stored run, oldest first,
// and each suite × configuration × target in it, the figures a report gives for that run (pass
// rate with its 95% Wilson interval, each scorer's mean, cost, p95 latency), with the git commit
// the run's lock recorded and the verdict `lunar gate` recorded on it. Everything is computed from
// the stored attempts with the same aggregate and interval helpers the reports use, so a row here
// reads the same as that run's report.

import { z } from 'zod';
import { aggregate } from '../runners/aggregate.ts';
import { recordedGateVerdict } from '../runners/gate-verdict.ts';
import type { ResultsStore } from '../runners/store.ts';
import { dollars, millis, percent, percentInterval, score } from './format.ts';
import { aggregateIntervals, groupKey, type Interval } from './intervals.ts';

export interface HistoryRow {
  runId: string;
  /** When the run started (ISO 8601). */
  startedAt: string;
  status: string;
  /** The lock's git commit, shortened to 10 characters as describeLock does; null when the run recorded none. */
  commit: string | null;
  /** The working tree had uncommitted changes when the run started. */
  dirty: boolean;
  suite: string;
  config: string;
  target: string;
  attempts: number;
  passed: number;
  /** Attempts something could check: the pass rate's denominator. */
  judged: number;
  passRate: number | null;
  passRateInterval: Interval | null;
  /** Each scorer's mean over the attempts it scored. */
  scorers: Record<string, number | null>;
  /** The agent's model calls; the judge's are apart, as in the reports. */
  costUsd: number;
  judgeCostUsd: number;
  latencyP95Ms: number | null;
  /**
   * The verdict `lunar gate` recorded on the run: 'failed' when any check failed it, 'held' when
   * every check held, null when no gate checked it. It is the run's verdict: a gate fails a run.
   */
  gate: 'failed' | 'held' | null;
  /** The failed checks of this suite × configuration × target, as the gate printed them. */
  gateFailures: string[];
}

export interface HistoryFilter {
  suite?: string;
  target?: string;
}

/** Only what history needs of the lock: a run made before locks existed has none. */
const LockGit = z.object({ lock: z.object({ git: z.object({ commit: z.string(), dirty: z.boolean() }).nullable() }) });

/** The history of every run in the store, oldest first; within a run, groups in byte order of suite, config, target. */
export function historyOf(store: ResultsStore, filter: HistoryFilter = {}): HistoryRow[] {
  const runs = [...store.runs()].reverse();
  const rows: HistoryRow[] = [];
  for (const run of runs) {
    const attempts = store.attempts(run.id).filter((a) => (filter.suite === undefined || a.suite === filter.suite) && (filter.target === undefined || a.target === filter.target));
    if (attempts.length === 0) continue;
    const lock = LockGit.safeParse(run.config);
    const git = lock.success ? lock.data.lock.git : null;
    const verdict = recordedGateVerdict(run.config);
    const aggregates = aggregate(attempts);
    const intervals = aggregateIntervals(aggregates, attempts);
    for (const agg of aggregates) {
      rows.push({
        runId: run.id,
        startedAt: run.startedAt,
        status: run.status,
        commit: git ? git.commit.slice(0, 10) : null,
        dirty: git?.dirty ?? false,
        suite: agg.suite,
        config: agg.config,
        target: agg.target,
        attempts: agg.attempts,
        passed: agg.passed,
        judged: agg.attempts - agg.unscored,
        passRate: agg.passRate,
        passRateInterval: intervals.get(groupKey(agg))?.passRate ?? null,
        scorers: Object.fromEntries(Object.entries(agg.scorers).map(([name, s]) => [name, s.mean])),
        costUsd: agg.costUsd,
        judgeCostUsd: agg.judgeCostUsd,
        latencyP95Ms: agg.latencyMs.p95,
        gate: verdict ? (verdict.failed > 0 ? 'failed' : 'held') : null,
        gateFailures: (verdict?.checks ?? [])
          .filter((c) => c.verdict === 'failed' && c.suite === agg.suite && c.config === agg.config && c.target === agg.target)
          .map((c) => c.text),
      });
    }
  }
  return rows;
}

/** The suites and targets a store's runs hold, for the filters. */
export function historyChoices(rows: readonly HistoryRow[]): { suites: string[]; targets: string[] } {
  const sorted = (values: Iterable<string>) => [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { suites: sorted(rows.map((r) => r.suite)), targets: sorted(rows.map((r) => r.target)) };
}

/** `2026-01-01` from an ISO time: the date is what a trend needs. */
export function dateOf(iso: string): string {
  return iso.slice(0, 10);
}

export function gateLabel(row: Pick<HistoryRow, 'gate'>): string {
  return row.gate === 'failed' ? 'FAILED' : row.gate === 'held' ? 'held' : '-';
}

/** The compact table `lunar history` prints: one line per run × group, oldest first. */
export function formatHistory(rows: readonly HistoryRow[]): string {
  if (rows.length === 0) return 'no runs match';
  const scorerNames = [...new Set(rows.flatMap((r) => Object.keys(r.scorers)))].sort();
  const head = ['run', 'date', 'commit', 'suite/config/target', 'pass rate', '95% interval', ...scorerNames, 'cost', 'p95 ms', 'gate'];
  const body = rows.map((r) => [
    r.runId,
    dateOf(r.startedAt),
    r.commit ? `${r.commit}${r.dirty ? '+' : ''}` : '-',
    `${r.suite}/${r.config}/${r.target}`,
    `${percent(r.passRate)} (${r.passed}/${r.judged})`,
    percentInterval(r.passRateInterval) || '-',
    ...scorerNames.map((name) => (name in r.scorers ? score(r.scorers[name]) : '')),
    dollars(r.costUsd + r.judgeCostUsd),
    millis(r.latencyP95Ms),
    gateLabel(r),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((line) => line[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), ...body.map(line)].join('\n');
}
