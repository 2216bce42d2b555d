// Reading one stored run for the commands that analyse a run (noise, plan): the store must exist
// and hold the run; an unknown id or an empty store is bad input (exit 2), said in one line.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import { ResultsStore, type StoredAttempt } from '../runners/store.ts';

export type StoredRun = NonNullable<ReturnType<ResultsStore['run']>>;

/** The run (default: the newest) and its attempts, from <home>/results.db. */
export function readStoredRun(home: string, runId: string | undefined, flag = 'run'): { run: StoredRun; attempts: StoredAttempt[] } {
  const file = join(home, 'results.db');
  if (!existsSync(file)) throw new InputError(`${file}: no results store here; run lunar bench first, or point --home at one`);
  const store = new ResultsStore(file);
  try {
    const run = runId ? store.run(runId) : store.runs()[0];
    if (!run) throw new InputError(runId ? `${flag} ${runId}: not in ${file}` : `${file}: holds no runs yet; run lunar bench first`);
    return { run, attempts: store.attempts(run.id) };
  } finally {
    store.close();
  }
}
