// A stored run's files written again from the results store (`lunar report`, and `lunar view`
// for a run whose page is missing): the same reporters a run writes through when it ends.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import { aggregate } from '../runners/aggregate.ts';
import { traceReader, writeRunFiles } from '../runners/reporter.ts';
import { ResultsStore } from '../runners/store.ts';
import { REPORTERS } from './reporters.ts';

export interface StoredRunReportOptions {
  home: string;
  out?: string;
  allTraces?: boolean;
}

/** Writes the four files of run `runId`; returns the folder. Unknown store or run: InputError. */
export function writeStoredRunReports(runId: string, options: StoredRunReportOptions): string {
  const file = join(options.home, 'results.db');
  // Opening a missing file would create an empty store; a typo in --home should say so instead.
  if (!existsSync(file)) throw new InputError(`report: no results store at ${file}; run \`lunar bench\` first, or point --home (or LUNAR_HOME) at the folder that holds results.db`);
  const store = new ResultsStore(file);
  try {
    const run = store.run(runId);
    if (!run) {
      const recent = store.runs().slice(0, 5).map((r) => r.id);
      throw new InputError(`report: no run ${runId} in ${file}${recent.length ? `; the latest are ${recent.join(', ')}` : '; it holds no runs'}`);
    }
    const attempts = store.attempts(runId);
    const aggregates = aggregate(attempts);
    const dir = options.out ?? join(options.home, 'runs', runId);
    writeRunFiles(dir, { run, aggregates, attempts, trace: traceReader(store, runId) }, REPORTERS, { allTraces: options.allTraces });
    return dir;
  } finally {
    store.close();
  }
}
