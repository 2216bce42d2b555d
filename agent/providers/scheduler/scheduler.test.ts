// The Scheduler's own rules: how many calls a lane lets in and in what order, how 429s shrink and
// successes grow its limit, Retry-After pauses, and what an abort does to a queued or running
// call. The rpm and tpm windows, the limits and the progress line have their tests beside them.

import { describe, expect, it } from 'vitest';
import { ProviderError } from '../errors.ts';
import { formatLaneStats, type Lease } from './lane.ts';
import { Scheduler } from './scheduler.ts';
import { Harness, ManualClock, rateLimited, settle } from './test-fixtures.ts';

describe('Scheduler lanes', () => {
  it('never has more calls in flight than the lane allows', async () => {
    const h = new Harness(new Scheduler({ providers: { openai: { concurrency: 3 } }, clock: new ManualClock() }));
    const names = Array.from({ length: 10 }, (_, i) => `c${i}`);
    for (const name of names) h.call(name);
    await settle();
    expect(h.started).toEqual(['c0', 'c1', 'c2']);
    expect(h.scheduler.stats().openai).toMatchObject({ limit: 3, inFlight: 3, queued: 7 });
    // End them out of order; each end lets exactly one more in.
    for (const name of ['c1', 'c0', 'c2', 'c4', 'c3', 'c5', 'c6', 'c7', 'c8', 'c9']) await h.finish(name);
    expect(h.started).toEqual(names);
    expect(h.maxInFlight).toBe(3);
    expect(h.scheduler.stats().openai).toMatchObject({ inFlight: 0, queued: 0, started: 10 });
  });

  it('runs an unlimited lane (baseline) without queueing', async () => {
    const h = new Harness(new Scheduler({ clock: new ManualClock() }));
    for (let i = 0; i < 50; i++) h.call(`b${i}`, 'baseline');
    await settle();
    expect(h.started).toHaveLength(50);
    expect(h.scheduler.stats().baseline).toMatchObject({ limit: null, maxConcurrency: null, inFlight: 50, queued: 0 });
  });

  it('keeps lanes apart: a full lane does not hold up another provider', async () => {
    const h = new Harness(new Scheduler({ providers: { openai: { concurrency: 1 } }, clock: new ManualClock() }));
    h.call('o1', 'openai');
    h.call('o2', 'openai');
    h.call('l1', 'ollama');
    h.call('l2', 'ollama');
    h.call('l3', 'ollama');
    await settle();
    expect(h.started).toEqual(['o1', 'l1', 'l2']);
    await h.finish('l1');
    expect(h.started).toEqual(['o1', 'l1', 'l2', 'l3']);
    const stats = h.scheduler.stats();
    expect(stats.openai).toMatchObject({ inFlight: 1, queued: 1 });
    expect(stats.ollama).toMatchObject({ limit: 2, inFlight: 2, queued: 0 });
  });

  it('starts calls in the order they arrived (FIFO within a lane)', async () => {
    const h = new Harness(new Scheduler({ providers: { openai: { concurrency: 1 } }, clock: new ManualClock() }));
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (const name of names) h.call(name);
    for (const name of names) await h.finish(name);
    expect(h.started).toEqual(names);
  });

  it('returns the value fn resolves with and rethrows what it rejects with', async () => {
    const scheduler = new Scheduler({ clock: new ManualClock() });
    await expect(scheduler.run('openai', 10, async () => 42)).resolves.toBe(42);
    const boom = new Error('boom');
    await expect(scheduler.run('openai', 10, async () => Promise.reject(boom))).rejects.toBe(boom);
    expect(scheduler.stats().openai).toMatchObject({ inFlight: 0, started: 2, rateLimited: 0, decreases: 0 });
  });
});

describe('Scheduler adaptive concurrency (AIMD)', () => {
  it('halves the limit once when several calls fail with 429 together', async () => {
    const h = new Harness(new Scheduler({ clock: new ManualClock() }));
    for (let i = 0; i < 8; i++) h.call(`c${i}`);
    await settle();
    expect(h.scheduler.stats().openai).toMatchObject({ limit: 8, inFlight: 8 });
    for (const name of ['c0', 'c1', 'c2', 'c3']) await h.fail(name, rateLimited());
    expect(h.scheduler.stats().openai).toMatchObject({ limit: 4, rateLimited: 4, decreases: 1, inFlight: 4 });
    // Calls started before the decrease that fail later belong to the same window.
    await h.fail('c4', rateLimited());
    expect(h.scheduler.stats().openai).toMatchObject({ limit: 4, rateLimited: 5, decreases: 1 });
  });

  it('halves again for a 429 from a call started after the decrease, down to 1 and no lower', async () => {
    const h = new Harness(new Scheduler({ providers: { openai: { concurrency: 4 } }, clock: new ManualClock() }));
    h.call('a');
    await settle();
    await h.fail('a', rateLimited());
    expect(h.scheduler.stats().openai!.limit).toBe(2);
    for (const name of ['b', 'c', 'd']) {
      h.call(name);
      await settle();
      await h.fail(name, rateLimited());
    }
    expect(h.scheduler.stats().openai).toMatchObject({ limit: 1, decreases: 2, rateLimited: 4 });
  });

  it('admits no new call while the lane is over its lowered limit', async () => {
    const h = new Harness(new Scheduler({ clock: new ManualClock() }));
    for (let i = 0; i < 8; i++) h.call(`c${i}`);
    h.call('late');
    await settle();
    await h.fail('c0', rateLimited()); // limit 4, 7 still in flight
    expect(h.started).not.toContain('late');
    for (const name of ['c1', 'c2', 'c3']) await h.finish(name);
    expect(h.started).not.toContain('late'); // 4 in flight, limit 4
    await h.finish('c4');
    expect(h.started).toContain('late');
    expect(h.maxInFlight).toBe(8);
  });

  it('treats other errors as neutral: no decrease, no growth', async () => {
    const scheduler = new Scheduler({ clock: new ManualClock() });
    for (const kind of ['server', 'timeout', 'aborted'] as const) {
      await scheduler.run('openai', 0, async () => Promise.reject(new ProviderError('openai', kind, kind))).catch(() => {});
    }
    await scheduler.run('openai', 0, async () => Promise.reject(new Error('not a provider error'))).catch(() => {});
    expect(scheduler.stats().openai).toMatchObject({ limit: 8, rateLimited: 0, decreases: 0, increases: 0 });
  });

  it('grows back by one after each run of successes as long as the current limit, up to the maximum', async () => {
    const scheduler = new Scheduler({ clock: new ManualClock() });
    await scheduler.run('openai', 0, async () => Promise.reject(rateLimited())).catch(() => {});
    expect(scheduler.stats().openai!.limit).toBe(4);
    const ok = () => scheduler.run('openai', 0, async () => 'ok');
    const limits: number[] = [];
    for (let i = 0; i < 30; i++) {
      await ok();
      limits.push(scheduler.stats().openai!.limit!);
    }
    // 4 successes → 5, 5 more → 6, 6 more → 7, 7 more → 8, then it stays at the maximum.
    expect(limits.indexOf(5)).toBe(3);
    expect(limits.indexOf(6)).toBe(8);
    expect(limits.indexOf(7)).toBe(14);
    expect(limits.indexOf(8)).toBe(21);
    expect(limits.at(-1)).toBe(8);
    expect(scheduler.stats().openai).toMatchObject({ increases: 4, decreases: 1 });
  });

  it('does not count successes of calls started before the decrease towards growth', async () => {
    const h = new Harness(new Scheduler({ providers: { openai: { concurrency: 2 } }, clock: new ManualClock() }));
    h.call('a');
    h.call('b');
    await settle();
    await h.fail('a', rateLimited()); // limit 1
    await h.finish('b'); // started at limit 2: says nothing about limit 1
    expect(h.scheduler.stats().openai).toMatchObject({ limit: 1, increases: 0 });
    await h.scheduler.run('openai', 0, async () => 'ok');
    expect(h.scheduler.stats().openai).toMatchObject({ limit: 2, increases: 1 });
  });

  it('pauses the lane for a 429’s Retry-After (bounded), without stopping calls in flight', async () => {
    const clock = new ManualClock();
    const h = new Harness(new Scheduler({ providers: { openai: { concurrency: 4 } }, clock, maxPauseMs: 10_000 }));
    h.call('a');
    h.call('b');
    await settle();
    await h.fail('a', rateLimited(5_000));
    h.call('c');
    await settle();
    expect(h.started).toEqual(['a', 'b']);
    expect(h.scheduler.stats().openai).toMatchObject({ pausedForMs: 5_000, queued: 1 });
    expect(formatLaneStats(h.scheduler.stats())).toBe('openai 1/2 q1 429×1 paused 5s');
    await clock.advance(4_999);
    expect(h.started).toEqual(['a', 'b']);
    await clock.advance(1);
    expect(h.started).toEqual(['a', 'b', 'c']);
    // A Retry-After beyond maxPauseMs pauses the lane for maxPauseMs only.
    await h.fail('b', rateLimited(3_600_000));
    expect(h.scheduler.stats().openai!.pausedForMs).toBe(10_000);
  });

  it('acts on a 429 reported while the lease is held, once per window', async () => {
    const leases: Lease[] = [];
    const h = new Harness(new Scheduler({ clock: new ManualClock() }));
    h.call('a', 'openai', 0, undefined, (lease) => leases.push(lease));
    h.call('b', 'openai', 0, undefined, (lease) => leases.push(lease));
    await settle();
    leases[0]!.rateLimited(rateLimited()); // a retry inside the call met a 429
    leases[1]!.rateLimited(rateLimited());
    expect(h.scheduler.stats().openai).toMatchObject({ limit: 4, rateLimited: 2, decreases: 1, inFlight: 2 });
    await h.fail('a', rateLimited()); // the retries gave up: same window
    await h.finish('b');
    expect(h.scheduler.stats().openai).toMatchObject({ limit: 4, rateLimited: 3, decreases: 1, inFlight: 0 });
  });

  it('takes noteRateLimited outside a lease as part of the window while older calls are in flight', async () => {
    const h = new Harness(new Scheduler({ clock: new ManualClock() }));
    h.call('a');
    await settle();
    h.scheduler.noteRateLimited('openai');
    expect(h.scheduler.stats().openai).toMatchObject({ limit: 4, decreases: 1 });
    h.scheduler.noteRateLimited('openai'); // a (started before the decrease) is still in flight
    expect(h.scheduler.stats().openai).toMatchObject({ limit: 4, decreases: 1, rateLimited: 2 });
    await h.finish('a');
    h.scheduler.noteRateLimited('openai');
    expect(h.scheduler.stats().openai).toMatchObject({ limit: 2, decreases: 2, rateLimited: 3 });
  });

  it('shrinks an unlimited lane to half of what was in flight', async () => {
    const h = new Harness(new Scheduler({ defaults: { '*': { concurrency: Infinity } }, clock: new ManualClock() }));
    for (let i = 0; i < 10; i++) h.call(`c${i}`);
    await settle();
    await h.fail('c0', rateLimited());
    expect(h.scheduler.stats().openai).toMatchObject({ limit: 5, maxConcurrency: null });
  });
});

describe('Scheduler abort', () => {
  it('rejects a queued call at once when its signal fires, taking and freeing nothing', async () => {
    const clock = new ManualClock();
    const h = new Harness(new Scheduler({ providers: { openai: { concurrency: 1 } }, clock }));
    h.call('holder');
    const controller = new AbortController();
    const queued = h.call('queued', 'openai', 0, controller.signal);
    h.call('after');
    await settle();
    expect(h.scheduler.stats().openai).toMatchObject({ inFlight: 1, queued: 2 });
    controller.abort(new Error('user stop'));
    const error = await queued.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'aborted', provider: 'openai' });
    expect(h.scheduler.stats().openai).toMatchObject({ inFlight: 1, queued: 1, started: 1 });
    await h.finish('holder');
    expect(h.started).toEqual(['holder', 'after']);
    expect(h.maxInFlight).toBe(1);
    await h.finish('after');
    expect(h.scheduler.stats().openai).toMatchObject({ inFlight: 0, queued: 0, started: 2 });
  });

  it('rejects at once when the signal has already fired, without queueing', async () => {
    const scheduler = new Scheduler({ clock: new ManualClock() });
    let ran = false;
    const error = await scheduler
      .run('openai', 0, async () => void (ran = true), AbortSignal.abort())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'aborted' });
    expect(ran).toBe(false);
    expect(scheduler.stats().openai).toBeUndefined(); // no lane was even opened
  });

  it('lets the next call go when the aborted one was the head holding it back', async () => {
    const clock = new ManualClock();
    const scheduler = new Scheduler({ providers: { groq: { tpm: 1000, rpm: 10 } }, clock });
    await scheduler.run('groq', 600, async () => 'first');
    const controller = new AbortController();
    const big = scheduler.run('groq', 900, async () => 'big', controller.signal);
    const small = scheduler.run('groq', 300, async () => 'small');
    await settle();
    expect(scheduler.stats().groq!.queued).toBe(2);
    controller.abort();
    await expect(big).rejects.toMatchObject({ kind: 'aborted' });
    await expect(small).resolves.toBe('small');
    // The aborted call took no request budget: 2 started in the window, not 3.
    expect(scheduler.stats().groq).toMatchObject({ started: 2, queued: 0 });
  });

  it('cancels its timer when the last queued call leaves, so nothing keeps the process alive', async () => {
    const clock = new ManualClock();
    const scheduler = new Scheduler({ providers: { openai: { rpm: 1 } }, clock });
    await scheduler.run('openai', 0, async () => 'first');
    const controller = new AbortController();
    const waiting = scheduler.run('openai', 0, async () => 'second', controller.signal);
    await settle();
    expect(clock.pending).toBe(1);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ kind: 'aborted' });
    expect(clock.pending).toBe(0);
  });

  it('does nothing to a call already running when its signal fires (the call honours it)', async () => {
    const h = new Harness(new Scheduler({ clock: new ManualClock() }));
    const controller = new AbortController();
    const running = h.call('a', 'openai', 0, controller.signal);
    await settle();
    controller.abort();
    await settle();
    expect(h.scheduler.stats().openai!.inFlight).toBe(1);
    await h.finish('a');
    await expect(running).resolves.toBe('a');
  });
});
