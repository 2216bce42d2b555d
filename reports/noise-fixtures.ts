// Runs with repeats written as verdict strings, for the noise tests of the reports.

import { passFail, skippedScore, type AttemptSpec } from '../runners/compare-fixtures.ts';

/** Attempts from verdict strings per case: 'PPF' is pass, pass, fail in repeats 0, 1, 2; 'E' errored, 'U' unscored. */
export function verdictAttempts(verdicts: Record<string, string>, extra: Partial<AttemptSpec> = {}): AttemptSpec[] {
  return Object.entries(verdicts).flatMap(([caseId, v]) =>
    [...v].map((ch, repeat) => ({ caseId, repeat, category: caseId === 'c02' ? 'lookup' : 'general', ...extra, ...(ch === 'E' ? { error: 'boom' } : { scores: [ch === 'U' ? skippedScore('exact') : passFail('exact', ch === 'P')] }) })),
  );
}

