// Which attempts of a run become training data: good trajectories only. An attempt that errored,
// stopped without a final answer or spans several sessions (each a conversation of its own) never
// does; the rest must reach the minimum score: the mean of its scored scores, or one named
// scorer's value. Without a minimum, an attempt must pass as `lunar bench` counts it (or the named
// scorer must pass). Skipped scores (a judge that could not run) count neither way; an attempt
// with an errored score is left out, since its quality is not known.

import type { AttemptRow } from '../../runners/store.ts';
import { attemptOutcome } from '../../metrics/outcome.ts';

export interface SelectOptions {
  /** 0..1: the mean of scored values (or the named scorer's value) must be at least this. */
  minScore?: number;
  /** Judge by this scorer alone. */
  scorer?: string;
}

export type Selection = { keep: true } | { keep: false; reason: string };

export function selectAttempt(row: Pick<AttemptRow, 'status' | 'trace' | 'scores'>, options: SelectOptions = {}): Selection {
  if (row.status === 'error') return drop('errored');
  if (row.trace.stopReason !== 'final' || row.trace.finalAnswer === null) return drop('no final answer');
  if ((row.trace.sessions?.length ?? 0) > 1) return drop('several sessions');
  if (options.scorer !== undefined) {
    const score = row.scores.find((s) => s.scorer === options.scorer);
    if (!score || score.status !== 'scored' || score.value === null) return drop(`no ${options.scorer} score`);
    if (options.minScore === undefined) return score.pass ? { keep: true } : drop(`did not pass ${options.scorer}`);
    return score.value >= options.minScore ? { keep: true } : drop('below the minimum score');
  }
  if (row.scores.some((s) => s.status === 'error')) return drop('a scorer errored');
  const values = row.scores.filter((s) => s.status === 'scored' && s.value !== null).map((s) => s.value!);
  if (values.length === 0) return drop('unscored');
  if (options.minScore === undefined) return attemptOutcome(row) === 'pass' ? { keep: true } : drop('did not pass');
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return mean >= options.minScore ? { keep: true } : drop('below the minimum score');
}

function drop(reason: string): Selection {
  return { keep: false, reason };
}
