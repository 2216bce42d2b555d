// A time limit for a child started in its own process group (spawn with detached: true): when it
// passes, the whole group is killed, so a child cannot outlive it through something it started.

import type { ChildProcess } from 'node:child_process';

export interface TimeLimit {
  /** Whether the limit passed and the group was killed. */
  readonly timedOut: boolean;
  /** Stops the clock (the child ended). */
  clear(): void;
}

export function killGroupAfter(child: ChildProcess, ms: number): TimeLimit {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }, ms);
  return {
    get timedOut() {
      return timedOut;
    },
    clear: () => clearTimeout(timer),
  };
}
