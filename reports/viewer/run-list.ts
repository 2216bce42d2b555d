// The viewer's list of runs: every run in results.db, newest first, with its headline figures
// from the aggregates in its results.json (the figures the terminal table printed), or, when that
// file is missing, unreadable or from another run, worked out again from the stored attempts.
// results.json is parsed once per version of the file (its mtime and size), so a list of many
// large runs is read once, not on every request.

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ResultsStore } from '../../runners/store.ts';
import { aggregate } from '../../runners/aggregate.ts';

export interface RunSummary {
  id: string;
  startedAt: string;
  finishedAt: string | null;
  status: string;
  suites: string[];
  targets: string[];
  attempts: number;
  errors: number;
  passed: number;
  /** Attempts something could check: the pass rate's denominator. */
  judged: number;
  /** passed / judged, pooled over the run's groups (the report's headline); null when nothing was checked. */
  passRate: number | null;
  costUsd: number;
  /** Some model calls had no price: the cost is a lower bound. */
  unpriced: boolean;
  /** Where the figures came from. */
  source: 'results.json' | 'results store';
}

/** What the list needs of results.json: its run and the aggregates (the attempts are not read into anything). */
const ResultsHead = z.object({
  schema: z.literal('lunar.results'),
  version: z.literal(1),
  run: z.object({ id: z.string() }),
  aggregates: z.array(
    z.object({
      suite: z.string(),
      target: z.string(),
      attempts: z.number().int().nonnegative(),
      errors: z.number().int().nonnegative(),
      unscored: z.number().int().nonnegative(),
      passed: z.number().int().nonnegative(),
      costUsd: z.number().nonnegative(),
      unpricedCalls: z.number().int().nonnegative(),
    }),
  ),
});
type HeadAggregate = z.infer<typeof ResultsHead>['aggregates'][number];

export class RunLister {
  private readonly cache = new Map<string, { version: string; aggregates: HeadAggregate[] | null }>();

  constructor(private readonly home: string) {}

  /** The newest `limit` runs of the store, with how many there are in all. */
  list(store: ResultsStore, limit = Number.POSITIVE_INFINITY): { runs: RunSummary[]; total: number } {
    const all = store.runs();
    const runs = all.slice(0, limit).map((run): RunSummary => {
      const fromFile = this.fileAggregates(run.id);
      const aggregates = fromFile ?? aggregate(store.attempts(run.id));
      return { id: run.id, startedAt: run.startedAt, finishedAt: run.finishedAt, status: run.status, ...headline(aggregates), source: fromFile ? 'results.json' : 'results store' };
    });
    return { runs, total: all.length };
  }

  /** The aggregates of <home>/runs/<id>/results.json; null when it is missing, not a results file, or another run's. */
  private fileAggregates(runId: string): HeadAggregate[] | null {
    const path = join(this.home, 'runs', runId, 'results.json');
    let version: string;
    try {
      const stat = statSync(path);
      version = `${stat.mtimeMs}:${stat.size}`;
    } catch {
      return null;
    }
    const cached = this.cache.get(path);
    if (cached?.version === version) return cached.aggregates;
    let aggregates: HeadAggregate[] | null = null;
    try {
      const parsed = ResultsHead.safeParse(JSON.parse(readFileSync(path, 'utf8')));
      if (parsed.success && parsed.data.run.id === runId) aggregates = parsed.data.aggregates;
    } catch {
      // Half-written or hand-edited: the store has the same figures.
    }
    this.cache.set(path, { version, aggregates });
    return aggregates;
  }
}

type Headline = Pick<RunSummary, 'suites' | 'targets' | 'attempts' | 'errors' | 'passed' | 'judged' | 'passRate' | 'costUsd' | 'unpriced'>;

export function headline(aggregates: readonly HeadAggregate[]): Headline {
  const sum = (f: (a: HeadAggregate) => number) => aggregates.reduce((total, a) => total + f(a), 0);
  const judged = sum((a) => a.attempts - a.unscored);
  const passed = sum((a) => a.passed);
  return {
    suites: [...new Set(aggregates.map((a) => a.suite))],
    targets: [...new Set(aggregates.map((a) => a.target))],
    attempts: sum((a) => a.attempts),
    errors: sum((a) => a.errors),
    passed,
    judged,
    passRate: judged ? passed / judged : null,
    costUsd: sum((a) => a.costUsd),
    unpriced: aggregates.some((a) => a.unpricedCalls > 0),
  };
}
