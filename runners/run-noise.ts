// A stored run's attempts as the noise statistics read them: one verdict per attempt, by the same
// rule the pass rate counts by (metrics/outcome.ts), grouped by suite/configuration/target, the
// name the gate prints and the quarantine file keys its entries by. An unscored attempt is no
// verdict (null), as in the pass rate.

import { attemptOutcome } from '../metrics/outcome.ts';
import type { NoiseAttempt } from '../metrics/noise.ts';
import type { CaseDraws } from '../metrics/reliability.ts';
import type { StoredAttempt } from './store.ts';

/** suite/config/target: the group a case's flakiness belongs to. */
export function noiseGroup(a: Pick<StoredAttempt, 'suite' | 'config' | 'target'>): string {
  return `${a.suite}/${a.config}/${a.target}`;
}

export function noiseAttempts(attempts: readonly StoredAttempt[]): NoiseAttempt[] {
  return attempts.map((a) => {
    const outcome = attemptOutcome(a);
    return { caseId: a.caseId, category: a.category, group: noiseGroup(a), repeat: a.repeat, pass: outcome === 'unscored' ? null : outcome === 'pass' };
  });
}

/** Per case of each group, its verdicts and passes: what power planning reads of a base run. */
export function caseDrawsByGroup(attempts: readonly StoredAttempt[]): Map<string, CaseDraws[]> {
  const byCase = new Map<string, Map<string, CaseDraws>>();
  for (const a of noiseAttempts(attempts)) {
    if (a.pass === null) continue;
    let cases = byCase.get(a.group);
    if (!cases) byCase.set(a.group, (cases = new Map()));
    const draws = cases.get(a.caseId) ?? { n: 0, c: 0 };
    draws.n += 1;
    if (a.pass) draws.c += 1;
    cases.set(a.caseId, draws);
  }
  return new Map([...byCase].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([group, cases]) => [group, [...cases.values()]]));
}

/** The most attempts any case has in any group: 1 for a run without repeats. */
export function maxRepeats(attempts: readonly Pick<StoredAttempt, 'suite' | 'config' | 'target' | 'caseId'>[]): number {
  const counts = new Map<string, number>();
  for (const a of attempts) {
    const key = `${noiseGroup(a)}\u0000${a.caseId}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Math.max(0, ...counts.values());
}
