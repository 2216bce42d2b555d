// The figures several reports of one run share — totals, intervals, the lock — worked out once
// when all of them are written together.

import type { Lock } from '../runners/provenance.ts';
import { aggregateIntervals, type AggregateIntervals } from './intervals.ts';
import { runLock } from './report-input.ts';
import { type RunReportInput } from '../runners/reporter.ts';
import { runTotals, type RunTotals } from './totals.ts';

export interface ReportBasis {
  totals: RunTotals;
  intervals: Map<string, AggregateIntervals>;
  lock: Lock | null;
}

// Keyed by the input the reporters are handed together, so the HTML and Markdown reporters of one
// write share one computation.
const computed = new WeakMap<object, ReportBasis>();

export function reportBasis(input: Pick<RunReportInput, 'run' | 'aggregates' | 'attempts'>): ReportBasis {
  let basis = computed.get(input);
  if (!basis) {
    basis = { totals: runTotals(input.aggregates, input.attempts), intervals: aggregateIntervals(input.aggregates, input.attempts), lock: runLock(input.run) };
    computed.set(input, basis);
  }
  return basis;
}
