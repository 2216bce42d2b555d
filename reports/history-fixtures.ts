// Stored runs for the history tests (reports, cli, the viewer's browser test), written through the
// real ResultsStore, with figures worked out by hand:
//   old  2026-01-01, commit aaaaaaaaaa…, suite s on baseline: 8 of 10 pass (c01–c08), Wilson 95% [49.0–94.3%]
//   new  2026-02-01, commit bbbbbbbbbb… (dirty), s on baseline: 5 of 10 (c01–c05), [23.7–76.3%];
//        and suite t on other: 2 of 2 pass
// Latencies are 10, 20, … 100 ms over c01–c10, so p95 (linear between order statistics) is 95.5.

import { caseIds, passFail, storeRun } from '../runners/compare-fixtures.ts';
import type { ResultsStore } from '../runners/store.ts';

export const OLD_COMMIT = 'aaaaaaaaaa1111111111aaaaaaaaaa1111111111';
export const NEW_COMMIT = 'bbbbbbbbbb2222222222bbbbbbbbbb2222222222';

function passing(n: number, suite = 's') {
  return caseIds(10).map((caseId, i) => ({ caseId, suite, latencyMs: 10 * (i + 1), scores: [passFail('answer_contains', i < n)] }));
}

/** Writes the two runs; `other` names the second target (the browser test plants markup in it). */
export function storeHistoryRuns(store: ResultsStore, other = 'other'): void {
  storeRun(store, 'old', 'baseline', passing(8), { startedAt: new Date('2026-01-01T00:00:00Z') });
  storeRun(store, 'new', 'baseline', passing(5), { startedAt: new Date('2026-02-01T00:00:00Z') });
  storeRun(store, 'new-t', other, caseIds(2).map((caseId) => ({ caseId, suite: 't', scores: [passFail('answer_contains', true)] })), { startedAt: new Date('2026-02-01T00:00:01Z') });
  // The lock a bench run records; storeRun writes none.
  const lock = (id: string, commit: string, dirty: boolean) => store.setRunConfig(id, { ...(store.run(id)!.config as object), lock: { git: { commit, dirty } } });
  lock('old', OLD_COMMIT, false);
  lock('new', NEW_COMMIT, true);
}
