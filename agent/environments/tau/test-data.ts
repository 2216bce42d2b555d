// Where the tests find τ-bench's data: ../shared/data/tau_bench beside the repository. The data is
// not in the repository; tests that need it skip, saying what is missing, when it is absent.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tauDataDir } from './data-dir.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const TAU_DATA_DIR = tauDataDir();
export const HAS_TAU_DATA = existsSync(TAU_DATA_DIR);

/** Logs one line naming the missing folder when the data is absent; true when tests should skip. */
export function skipWithoutTauData(what: string): boolean {
  if (!HAS_TAU_DATA) console.log(`skipping ${what}: ${TAU_DATA_DIR} is missing`);
  return !HAS_TAU_DATA;
}

export const golden = (name: string) => path.join(TAU_DATA_DIR, 'goldens', name);
