// The end of a run, for its judges: each configuration with judge scorers gets its reliability
// measured (judges/reliability.ts) and checked against its suite's `judge_floors:`
// (judges/advisory.ts). What comes back is the record to keep with the run and the score details
// to write over, so the gate reads the advisory marks from the results store.

import type { AttemptRow } from './store.ts';
import type { Caching } from '../agent/providers/model-path.ts';
import type { PreparedSuite } from './plan.ts';
import type { Scheduler } from '../agent/providers/scheduler/scheduler.ts';
import { advisoryReasons, markAdvisory } from '../judges/advisory.ts';
import type { JudgeFloors } from '../judges/floors.ts';
import type { CalibrationRecord } from '../judges/calibration-store.ts';
import { needsJudge } from '../judges/registry.ts';
import { measureJudgeReliability, type JudgeReliability } from '../judges/reliability.ts';

/** One configuration's judge reliability, as recorded with the run. */
export interface ConfigReliability {
  suite: string;
  config: string;
  reliability: JudgeReliability;
  floors: JudgeFloors | null;
  /** Scorer → why its judge-based scores are advisory. */
  advisory: Record<string, string>;
  /** Scores marked advisory. */
  marked: number;
}

/** New details for one stored score. */
export interface ScoreUpdate {
  suite: string;
  config: string;
  caseId: string;
  target: string;
  repeat: number;
  scorer: string;
  details: Record<string, unknown>;
}

export interface CheckRunJudgesInput {
  prepared: readonly PreparedSuite[];
  /** The run's stored attempts with their traces (ResultsStore.rows). */
  rows: readonly Omit<AttemptRow, 'runId'>[];
  floorsOf: (prepared: PreparedSuite) => JudgeFloors | undefined;
  scheduler: Scheduler;
  caching?: Caching;
  calibrations: readonly CalibrationRecord[];
}

export async function checkRunJudges(input: CheckRunJudgesInput): Promise<{ reports: ConfigReliability[]; updates: ScoreUpdate[] }> {
  const reports: ConfigReliability[] = [];
  const updates: ScoreUpdate[] = [];
  for (const prepared of input.prepared) {
    if (!needsJudge(prepared.scorers)) continue;
    const suite = prepared.suite.name;
    const config = prepared.variant.config;
    const rows = input.rows.filter((r) => r.suite === suite && r.config === config);
    const floors = input.floorsOf(prepared);
    const reliability = await measureJudgeReliability({
      attempts: rows,
      cases: prepared.cases,
      scorers: prepared.scorers,
      judge: prepared.judge,
      scheduler: input.scheduler,
      caching: input.caching,
      calibrations: input.calibrations,
      sample: floors?.sample,
      k: floors?.k,
      seed: floors?.seed,
    });
    const reasons = advisoryReasons(reliability, floors);
    let marked = 0;
    for (const row of rows) {
      const result = markAdvisory(row.scores, reasons);
      marked += result.marked;
      result.scores.forEach((score, i) => {
        if (score !== row.scores[i]) updates.push({ suite, config, caseId: row.caseId, target: row.target, repeat: row.repeat, scorer: score.scorer, details: score.details! });
      });
    }
    reports.push({ suite, config, reliability, floors: floors ?? null, advisory: Object.fromEntries(reasons), marked });
  }
  return { reports, updates };
}

/** Attempts with these score details written over (for what a run already holds in memory). */
export function applyScoreUpdates<T extends Pick<AttemptRow, 'suite' | 'config' | 'caseId' | 'target' | 'repeat' | 'scores'>>(attempts: readonly T[], updates: readonly ScoreUpdate[]): T[] {
  if (updates.length === 0) return [...attempts];
  const key = (a: Omit<ScoreUpdate, 'details'>) => [a.suite, a.config, a.caseId, a.target, a.repeat, a.scorer].join('\u0000');
  const details = new Map(updates.map((u) => [key(u), u.details]));
  return attempts.map((a) => ({
    ...a,
    scores: a.scores.map((s) => {
      const d = details.get(key({ suite: a.suite, config: a.config, caseId: a.caseId, target: a.target, repeat: a.repeat, scorer: s.scorer }));
      return d ? { ...s, details: d } : s;
    }),
  }));
}
