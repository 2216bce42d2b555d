// What the scheduler's tests share: a clock they move by hand (so window and pause tests never
// sleep), a way to let ready promise continuations run, and a harness that holds each call open
// until the test ends it, so a test can see exactly which calls a lane has let start.

import { ProviderError } from '../errors.ts';
import type { Clock } from './clock.ts';
import type { Lease } from './lane.ts';
import type { Scheduler } from './scheduler.ts';

/** A clock the test moves by hand: timers fire in order as advance() passes them. */
export class ManualClock implements Clock {
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
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

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

export const rateLimited = (retryAfterMs?: number) => new ProviderError('openai', 'rate_limited', 'openai: 429', { status: 429, retryAfterMs });

/** Calls run through a scheduler, each held until the test ends it; records starts and peak concurrency. */
export class Harness {
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
