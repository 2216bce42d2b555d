// Where τ-bench's data lives: the one place that decides. τ-bench's files are not in the repository
// (MIT, but 10+ MB); they sit beside it in ../shared/data/tau_bench, which suites, tests and the
// default run all find through this function.

import path from 'node:path';
import { PACKAGE_ROOT } from '../../../core/package.ts';

/** ../shared/data/tau_bench beside the repository root. */
export const DEFAULT_TAU_DATA_DIR = path.resolve(PACKAGE_ROOT, '../shared/data/tau_bench');

/** A suite's `data:` resolved against the suite's folder; none given: the default folder. */
export function tauDataDir(given?: string, relativeTo?: string): string {
  if (given === undefined) return DEFAULT_TAU_DATA_DIR;
  return path.resolve(relativeTo ?? process.cwd(), given);
}
