// Where τ-bench's data lives: the one place that decides for suites, `lunar tau check` and the
// default run. τ-bench's files are not in the repository (MIT, but 10+ MB): they are the reference
// set tau_bench, found by datasets/reference/locate.ts in ../shared/data beside the checkout, else
// where `lunar data pull tau-bench` put them.

import path from 'node:path';
import { locateReferenceSet } from '../../../datasets/reference/locate.ts';

/** The folder of the tau_bench reference set (where the shared copy would be, when it is missing). */
export function defaultTauDataDir(): string {
  return locateReferenceSet('tau_bench').path;
}

/** A suite's `data:` resolved against the suite's folder; none given: the reference set's folder. */
export function tauDataDir(given?: string, relativeTo?: string): string {
  if (given === undefined) return defaultTauDataDir();
  return path.resolve(relativeTo ?? process.cwd(), given);
}
