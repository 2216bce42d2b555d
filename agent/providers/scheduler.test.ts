import { describe, expect, it } from 'vitest';
import { ProviderError } from './errors.ts';
import { formatLaneStats, LimitsShape, Scheduler, strictestLimits, WINDOW_MS, type Clock, type Lease } from './scheduler.ts';

/** A clock the test moves by hand: timers fire in order as advance() passes them. */
class ManualClock implements Clock {
  t = 0;
  private timers: { at: number; fn: () => void }[] = [];

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer = { at: this.t + Math.max(0, ms), fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  get pending(): number {
    return this.timers.length;
  }

  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.t = due.at;
      due.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}

/** Lets every promise continuation that is ready run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Gate<T = string> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function gate<T = string>(): Gate<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const rateLimited = (retryAfterMs?: number) => new ProviderError('openai', 'rate_limited', 'openai: 429', { status: 429, retryAfterMs });

/** Calls run through a scheduler, each held until the test ends it; records starts and peak concurrency. */
class Harness {
  readonly started: string[] = [];
  readonly gates = new Map<string, Gate>();
  readonly results = new Map<string, Promise<string>>();
  inFlight = 0;
  maxInFlight = 0;

  constructor(readonly scheduler: Scheduler) {}

  call(name: string, provider = 'openai', tokens = 0, signal?: AbortSignal, onLease?: (lease: Lease) => void): Promise<string> {
    const g = gate();
    this.gates.set(name, g);
    const result = this.scheduler.run(
      provider,
      tokens,
      async (lease) => {
        onLease?.(lease);
        this.started.push(name);
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        try {
          return await g.promise;
        } finally {
          this.inFlight--;
        }
      },
      signal,
    );
    result.catch(() => {}); // tests look at rejections through the returned promise
    this.results.set(name, result);
    return result;
  }

  async finish(name: string): Promise<void> {
    this.gates.get(name)!.resolve(name);
    await this.results.get(name);
    await settle();
  }

  async fail(name: string, error: unknown): Promise<void> {
    this.gates.get(name)!.reject(error);
    await this.results.get(name)!.catch(() => {});
    await settle();
  }
}

describe('Scheduler lanes', () => {
  it('gives each provider a sensible default and lets configured limits override it', () => {
    const scheduler = new Scheduler({ providers: { openai: { rpm: 500 }, groq: { concurrency: 3, tpm: 6000 } } });
    expect(scheduler.limitsFor('ollama')).toEqual({ concurrency: 2, rpm: undefined, tpm: undefined });
    expect(scheduler.limitsFor('openai')).toEqual({ concurrency: 8, rpm: 500, tpm: undefined });
    expect(scheduler.limitsFor('gemini')).toEqual({ concurrency: 8, rpm: undefined, tpm: undefined });
    expect(scheduler.limitsFor('groq')).toEqual({ concurrency: 3, rpm: undefined, tpm: 6000 });
    expect(scheduler.limitsFor('baseline').concurrency).toBe(Infinity);
    expect(scheduler.limitsFor('scripted').concurrency).toBe(Infinity);

    const custom = new Scheduler({ defaults: { '*': { concurrency: 4 }, ollama: { concurrency: 1 } } });
    expect(custom.limitsFor('openai').concurrency).toBe(4);
    expect(custom.limitsFor('ollama').concurrency).toBe(1);
    expect(custom.limitsFor('baseline').concurrency).toBe(Infinity);
  });

  it('rejects limits that make no sense', () => {
    expect(() => new Scheduler({ providers: { openai: { concurrency: 0 } } })).toThrow(/openai: concurrency must be a whole number/);
    expect(() => new Scheduler({ providers: { openai: { concurrency: 1.5 } } })).toThrow(RangeError);
    expect(() => new Scheduler({ providers: { openai: { rpm: 0 } } })).toThrow(/rpm/);
    expect(() => new Scheduler({ providers: { openai: { tpm: -5 } } })).toThrow(/tpm/);
  });

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

describe('formatLaneStats', () => {
  it('shows lanes in use only', async () => {
    const scheduler = new Scheduler({ clock: new ManualClock() });
    await scheduler.run('ollama', 0, async () => 'x');
    expect(formatLaneStats(scheduler.stats())).toBe('ollama 0/2');
    expect(formatLaneStats(new Scheduler().stats())).toBe('');
  });
});

describe('limits blocks', () => {
  it('parses a suite’s limits: block and rejects unknown fields and bad numbers', () => {
    expect(LimitsShape.parse({ openai: { rpm: 500, tpm: 200_000 }, ollama: { concurrency: 1 } })).toEqual({
      openai: { rpm: 500, tpm: 200_000 },
      ollama: { concurrency: 1 },
    });
    expect(LimitsShape.safeParse({ openai: { rpm: 0 } }).success).toBe(false);
    expect(LimitsShape.safeParse({ openai: { rpm: 1.5 } }).success).toBe(false);
    expect(LimitsShape.safeParse({ openai: { rps: 5 } }).success).toBe(false);
  });

  it('takes the strictest value of each field across suites', () => {
    expect(
      strictestLimits([{ openai: { rpm: 500, concurrency: 8 } }, undefined, { openai: { rpm: 100, tpm: 9000 }, groq: { tpm: 6000 } }]),
    ).toEqual({ openai: { rpm: 100, concurrency: 8, tpm: 9000 }, groq: { tpm: 6000 } });
  });
});
