// The rpm and tpm budgets as a lane applies them: sliding windows, each call charged its
// estimate (raised, never lowered, by what it used), FIFO behind a call that does not fit, and
// both budgets alongside the concurrency limit. Driven through the Scheduler on a manual clock.

import { describe, expect, it } from 'vitest';
import { WINDOW_MS } from './rate-window.ts';
import { Scheduler } from './scheduler.ts';
import { Harness, ManualClock, settle } from './test-fixtures.ts';

describe('Scheduler rate budgets', () => {
  it('spaces requests to stay under rpm in every 60-second window', async () => {
    const clock = new ManualClock();
    const scheduler = new Scheduler({ providers: { openai: { rpm: 2 } }, clock });
    const startedAt: number[] = [];
    const calls = Array.from({ length: 5 }, () => scheduler.run('openai', 0, async () => void startedAt.push(clock.now())));
    await settle();
    expect(startedAt).toEqual([0, 0]);
    await clock.advance(WINDOW_MS - 1);
    expect(startedAt).toEqual([0, 0]);
    await clock.advance(1);
    expect(startedAt).toEqual([0, 0, WINDOW_MS, WINDOW_MS]);
    await clock.advance(WINDOW_MS);
    expect(startedAt).toEqual([0, 0, WINDOW_MS, WINDOW_MS, 2 * WINDOW_MS]);
    await Promise.all(calls);
    expect(scheduler.stats().openai).toMatchObject({ rpm: 2, started: 5, waitedMs: 2 * WINDOW_MS + 2 * WINDOW_MS });
  });

  it('counts the window sliding, not in fixed minutes', async () => {
    const clock = new ManualClock();
    const scheduler = new Scheduler({ providers: { openai: { rpm: 2 } }, clock });
    const startedAt: number[] = [];
    const go = () => scheduler.run('openai', 0, async () => void startedAt.push(clock.now()));
    await go();
    await clock.advance(30_000);
    await go();
    const third = go();
    await clock.advance(29_999);
    expect(startedAt).toEqual([0, 30_000]);
    await clock.advance(1); // the call at 0 leaves the window
    await third;
    expect(startedAt).toEqual([0, 30_000, 60_000]);
  });

  it('spaces requests to stay under tpm, charging each its estimate', async () => {
    const clock = new ManualClock();
    const scheduler = new Scheduler({ providers: { groq: { tpm: 1000 } }, clock });
    const startedAt: Record<string, number> = {};
    const go = (name: string, tokens: number) => scheduler.run('groq', tokens, async () => void (startedAt[name] = clock.now()));
    const calls = [go('a', 400), go('b', 400), go('c', 300), go('d', 100)];
    await settle();
    // c does not fit (800 + 300 > 1000), and d waits behind it (FIFO), though d alone would fit.
    expect(startedAt).toEqual({ a: 0, b: 0 });
    expect(scheduler.stats().groq).toMatchObject({ inFlight: 0, queued: 2 });
    await clock.advance(WINDOW_MS);
    await Promise.all(calls);
    expect(startedAt).toEqual({ a: 0, b: 0, c: WINDOW_MS, d: WINDOW_MS });
  });

  it('lets a call bigger than the whole tpm budget run alone in an empty window', async () => {
    const clock = new ManualClock();
    const scheduler = new Scheduler({ providers: { groq: { tpm: 1000 } }, clock });
    const startedAt: number[] = [];
    await scheduler.run('groq', 100, async () => void startedAt.push(clock.now()));
    const big = scheduler.run('groq', 50_000, async () => void startedAt.push(clock.now()));
    await settle();
    expect(startedAt).toEqual([0]);
    await clock.advance(WINDOW_MS);
    await big;
    expect(startedAt).toEqual([0, WINDOW_MS]);
  });

  it('raises a call’s charge to the tokens it really used, never lowers it', async () => {
    const clock = new ManualClock();
    const scheduler = new Scheduler({ providers: { groq: { tpm: 1000 } }, clock });
    const startedAt: number[] = [];
    await scheduler.run('groq', 200, async (lease) => lease.settle(900)); // used more than estimated
    await scheduler.run('groq', 50, async (lease) => lease.settle(1)); // used less: still charged 50
    const next = scheduler.run('groq', 100, async () => void startedAt.push(clock.now()));
    await settle();
    expect(startedAt).toEqual([]); // 900 + 50 + 100 > 1000
    await clock.advance(WINDOW_MS);
    await next;
    expect(startedAt).toEqual([WINDOW_MS]);
  });

  it('applies rpm and tpm together with the concurrency limit', async () => {
    const clock = new ManualClock();
    const h = new Harness(new Scheduler({ providers: { openai: { concurrency: 1, rpm: 10, tpm: 10_000 } }, clock }));
    h.call('a', 'openai', 100);
    h.call('b', 'openai', 100);
    await settle();
    expect(h.started).toEqual(['a']); // budget left, but no slot
    await h.finish('a');
    expect(h.started).toEqual(['a', 'b']);
    await h.finish('b');
  });
});
