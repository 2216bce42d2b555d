import { describe, expect, it } from 'vitest';
import { runPool } from './pool.ts';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runPool', () => {
  it('runs every item with at most `limit` in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    await runPool([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      most = Math.max(most, ++inFlight);
      await tick(5);
      inFlight--;
      done.push(item);
    });
    expect(most).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('stops handing out items after a task fails, waits for the tasks in flight, then rethrows', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const failure = await runPool(Array.from({ length: 20 }, (_, i) => i), 3, async (item) => {
      started.push(item);
      if (item === 1) {
        await tick(5);
        throw new Error('task 1 broke');
      }
      await tick(item === 2 ? 60 : 20);
      finished.push(item);
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe('task 1 broke');
    // Items 0 and 2 were in flight when 1 failed: they finished before runPool returned.
    expect(finished).toContain(0);
    expect(finished).toContain(2);
    // Nothing was started after the failure (1 failed at ~5 ms; 0 frees its worker at ~20 ms).
    expect(started.sort((a, b) => a - b)).toEqual([0, 1, 2]);
  });

  it('stops starting items once the signal fires and lets those in flight finish', async () => {
    const stop = new AbortController();
    const finished: number[] = [];
    await runPool([0, 1, 2, 3, 4, 5], 2, async (item) => {
      if (item === 1) stop.abort();
      await tick(10);
      finished.push(item);
    }, stop.signal);
    expect(finished.sort()).toEqual([0, 1]);
  });

  it('refuses a limit that is not a whole number of 1 or more instead of running nothing', async () => {
    for (const limit of [0, -1, Number.NaN, 1.5]) {
      await expect(runPool([1, 2], limit, async () => {})).rejects.toThrow(/limit must be a whole number, 1 or more/);
    }
    const ran: number[] = [];
    await runPool([1, 2], Infinity, async (item) => void ran.push(item));
    expect(ran).toEqual([1, 2]);
  });
});
