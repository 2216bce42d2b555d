// One line per reason a test skipped, printed once per run however many test files share it
// (each file runs in its own process: the line is claimed by creating a file, named for it, in a
// folder the global setup makes for the run). Outside `vitest run` (no folder), once per process.

import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder where each skip line is claimed (test/global-setup.ts). */
    skipNotices: string;
  }
}

/** CI runs every test: there a missing prerequisite is a failure, not a skip. */
export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.CI) && env.CI !== 'false' && env.CI !== '0';
}

const saidHere = new Set<string>();

export function sayOnce(line: string): void {
  const key = createHash('sha256').update(line).digest('hex').slice(0, 16);
  if (saidHere.has(key)) return;
  saidHere.add(key);
  const folder = noticeFolder();
  if (folder) {
    try {
      writeFileSync(join(folder, key), line, { flag: 'wx' });
    } catch {
      return; // Another test file said it.
    }
  }
  // Straight to stdout: one plain line, not console.log's "stdout | file" block.
  process.stdout.write(`${line}\n`);
}

function noticeFolder(): string | undefined {
  try {
    return inject('skipNotices');
  } catch {
    return undefined;
  }
}
