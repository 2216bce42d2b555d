// The errored attempts of a run, as one line per distinct error and target, most frequent first:
// what `lunar bench` prints after its table and run_suite answers with.

import type { StoredAttempt } from './store.ts';

/**
 * One line per distinct failure, most frequent first: `3 attempts failed on openai:gpt-4o-mini:
 * openai: cannot reach …`, so a missing model or a bad key is named once, not hidden in a table.
 */
export function describeFailures(attempts: readonly StoredAttempt[]): string[] {
  const counts = new Map<string, { target: string; error: string; count: number }>();
  for (const a of attempts) {
    if (a.status !== 'error') continue;
    const error = (a.error ?? 'unknown error').split('\n')[0]!;
    const key = `${a.target}\u0000${error}`;
    const entry = counts.get(key) ?? { target: a.target, error, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()]
    .sort((a, b) => b.count - a.count || a.target.localeCompare(b.target) || a.error.localeCompare(b.error))
    .map(({ target, error, count }) => `${count} ${count === 1 ? 'attempt' : 'attempts'} failed on ${target}: ${error}`);
}
