import { describe, expect, it } from 'vitest';
import { KeyedQueue } from './keyed-queue.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KeyedQueue', () => {
  it('runs the jobs of one key one after another, in order, and other keys alongside', async () => {
    const queue = new KeyedQueue();
    const events: string[] = [];
    const job = (name: string, ms: number) => async () => {
      events.push(`${name} start`);
      await sleep(ms);
      events.push(`${name} end`);
      return name;
    };
    const a1 = queue.run('a', job('a1', 40));
    const a2 = queue.run('a', job('a2', 0));
    const b1 = queue.run('b', job('b1', 10));
    expect(await Promise.all([a1, a2, b1])).toEqual(['a1', 'a2', 'b1']);
    expect(events).toEqual(['a1 start', 'b1 start', 'b1 end', 'a1 end', 'a2 start', 'a2 end']);
  });

  it('runs the next job of a key after one that failed, and gives the failure to its caller', async () => {
    const queue = new KeyedQueue();
    const failed = queue.run('a', async () => {
      throw new Error('boom');
    });
    const next = queue.run('a', async () => 'still runs');
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe('still runs');
  });

  it('is idle only once every job, including jobs queued meanwhile, has settled', async () => {
    const queue = new KeyedQueue();
    let done = 0;
    void queue.run('a', async () => {
      await sleep(20);
      void queue.run('b', async () => {
        await sleep(20);
        done++;
      });
      done++;
    });
    expect(queue.busy).toBe(true);
    await queue.idle();
    expect(done).toBe(2);
    expect(queue.busy).toBe(false);
  });
});
