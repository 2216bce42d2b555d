// The figures several reports of one run share — totals, intervals, the lock — worked out once
// when all of them are written together.

import type { Lock } from '../runners/provenance.ts';
import { aggregateIntervals, type AggregateIntervals } from './intervals.ts';
import { runLock, type RunReportInput } from './report-input.ts';
import { runTotals, type RunTotals } from './totals.ts';

export interface ReportBasis {
  totals: RunTotals;
  intervals: Map<string, AggregateIntervals>;
  lock: Lock | null;
}

export function reportBasis(input: Pick<RunReportInput, 'run' | 'aggregates' | 'attempts'>): ReportBasis {
  return { totals: runTotals(input.aggregates, input.attempts), intervals: aggregateIntervals(input.aggregates, input.attempts), lock: runLock(input.run) };
}
