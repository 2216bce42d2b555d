// The scheduler's time, injectable so the tests drive a manual clock and never sleep: queue
// waits, the rpm and tpm windows and Retry-After pauses all read it, and every timer a lane sets
// to wake its queue goes through it.

/** Time, injectable for tests. */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Calls `fn` after `ms`; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer(fn, ms) {
    const timer = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(timer);
  },
};
