// The Scheduler, through which model calls run so a run against a hosted API stays under its
// quota instead of collecting 429s. Each provider has a lane (lane.ts) with a concurrency limit
// adapted AIMD-style (a 429 halves the lane's current limit, minimum 1, once per congestion
// window; each run of successes as long as the current limit adds one back, up to the configured
// maximum), the rpm and tpm windows of rate-window.ts, and a pause after a 429 that carried
// Retry-After, during which nothing new starts in that lane. Calls wait in FIFO order within a
// lane (the head of the queue blocks those behind it, so a large request is not starved by small
// ones); lanes never wait on each other; a call aborted while queued leaves at once, having taken
// nothing. The congestion window: every call records the lane's epoch when it starts and a
// decrease bumps the epoch, so a 429 from a call that started before the last decrease was
// already answered by it, and several calls failing together halve the limit once, not once each.
// Nothing here is random: the lane is the one place calls start from, so there is no herd to
// spread out.

import { aborted, ProviderError } from '../errors.ts';
import { systemClock, type Clock } from './clock.ts';
import type { Lane, LaneStats, Lease, Waiter } from './lane.ts';
import { checkLimits, DEFAULT_LANE_LIMITS, type LaneLimits } from './limits.ts';
import { rpmReadyAt, tpmReadyAt, type TokenEntry } from './rate-window.ts';

/** Longest pause a Retry-After can impose on a lane (a longer one is the provider's retry's business). */
export const DEFAULT_MAX_PAUSE_MS = 60_000;

export interface SchedulerOptions {
  /** Per-provider limits (e.g. from a suite's `limits:` block); each field overrides the defaults. */
  providers?: Record<string, LaneLimits>;
  /** Default limits by provider name, `*` for the rest; merged over DEFAULT_LANE_LIMITS. */
  defaults?: Record<string, LaneLimits>;
  clock?: Clock;
  /** Longest pause a 429's Retry-After imposes on its lane (default 60 s). */
  maxPauseMs?: number;
}

export class Scheduler {
  private readonly lanes = new Map<string, Lane>();
  private readonly providers: Record<string, LaneLimits>;
  private readonly defaults: Record<string, LaneLimits>;
  private readonly clock: Clock;
  private readonly maxPauseMs: number;

  constructor(options: SchedulerOptions = {}) {
    this.providers = { ...options.providers };
    this.defaults = { ...DEFAULT_LANE_LIMITS, ...options.defaults };
    this.clock = options.clock ?? systemClock;
    this.maxPauseMs = options.maxPauseMs ?? DEFAULT_MAX_PAUSE_MS;
    for (const [name, limits] of [...Object.entries(this.defaults), ...Object.entries(this.providers)]) checkLimits(name, limits);
  }

  /** The limits a provider's lane runs under: its own, over its default, over `*`. */
  limitsFor(provider: string): Required<Pick<LaneLimits, 'concurrency'>> & Pick<LaneLimits, 'rpm' | 'tpm'> {
    const merged = { ...this.defaults['*'], ...this.defaults[provider], ...this.providers[provider] };
    return { concurrency: merged.concurrency ?? Infinity, rpm: merged.rpm, tpm: merged.tpm };
  }

  /**
   * Runs `fn` once the provider's lane has a free slot and request and token budget for
   * `estimatedTokens`. The slot is held until fn settles: resolving counts as a success, a
   * rate_limited ProviderError shrinks the lane. `signal` aborting while the call is queued
   * rejects with ProviderError 'aborted' at once; once fn runs, the signal is fn's to honour.
   */
  async run<T>(provider: string, estimatedTokens: number, fn: (lease: Lease) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const lease = await this.acquire(provider, estimatedTokens, signal);
    let value: T;
    try {
      value = await fn(lease);
    } catch (error) {
      lease.failure(error);
      throw error;
    }
    lease.success();
    return value;
  }

  /**
   * Waits for a slot as run() does and hands back the lease; the caller must end it (success,
   * failure or release). For work that outlives one promise, such as a stream.
   */
  acquire(provider: string, estimatedTokens: number, signal?: AbortSignal): Promise<Lease> {
    if (!(estimatedTokens >= 0)) return Promise.reject(new RangeError(`scheduler: estimated tokens must be 0 or more (got ${estimatedTokens})`));
    if (signal?.aborted) return Promise.reject(aborted(provider, signal.reason));
    const lane = this.lane(provider);
    return new Promise<Lease>((resolve, reject) => {
      const onAbort = () => {
        const index = lane.queue.indexOf(waiter);
        if (index < 0) return;
        lane.queue.splice(index, 1);
        reject(aborted(provider, signal?.reason));
        // The head may have been what held the rest back (a large token estimate).
        if (index === 0) this.pump(lane);
        // Nothing left to wake for: a pending timer must not keep the process alive.
        if (lane.queue.length === 0) this.cancelWake(lane);
      };
      const waiter: Waiter = {
        tokens: estimatedTokens,
        enqueuedAt: this.clock.now(),
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      lane.queue.push(waiter);
      this.pump(lane);
    });
  }

  /**
   * A 429 seen outside a lease (e.g. reported by a provider's retry hook): counted, and the lane
   * halves unless a call that started before the last decrease is still in flight (that 429 is
   * then taken as part of the window already answered).
   */
  noteRateLimited(provider: string, error?: ProviderError): void {
    const lane = this.lane(provider);
    const stale = [...lane.live].some(([epoch, count]) => epoch < lane.epoch && count > 0);
    this.onRateLimited(lane, stale ? lane.epoch - 1 : lane.epoch, error);
  }

  /** The most calls a provider's lane lets run at once (Infinity for unlimited). */
  maxConcurrency(provider: string): number {
    return this.lane(provider).max;
  }

  /** Every lane used so far (and every configured one), by provider. */
  stats(): Record<string, LaneStats> {
    for (const provider of Object.keys(this.providers)) this.lane(provider);
    const now = this.clock.now();
    const out: Record<string, LaneStats> = {};
    for (const lane of this.lanes.values()) {
      out[lane.provider] = {
        provider: lane.provider,
        limit: finiteOrNull(lane.limit),
        maxConcurrency: finiteOrNull(lane.max),
        rpm: lane.rpm ?? null,
        tpm: lane.tpm ?? null,
        inFlight: lane.inFlight,
        queued: lane.queue.length,
        ...lane.stats,
        pausedForMs: Math.max(0, lane.pausedUntil - now),
      };
    }
    return out;
  }

  private lane(provider: string): Lane {
    let lane = this.lanes.get(provider);
    if (!lane) {
      const limits = this.limitsFor(provider);
      lane = {
        provider,
        max: limits.concurrency,
        limit: limits.concurrency,
        rpm: limits.rpm,
        tpm: limits.tpm,
        inFlight: 0,
        queue: [],
        requests: [],
        tokens: [],
        epoch: 0,
        live: new Map(),
        successes: 0,
        pausedUntil: -Infinity,
        stats: { started: 0, rateLimited: 0, decreases: 0, increases: 0, waitedMs: 0 },
      };
      this.lanes.set(provider, lane);
    }
    return lane;
  }

  /** Starts queued calls, in order, while the lane has room; else sets a timer for when it will. */
  private pump(lane: Lane): void {
    while (lane.queue.length > 0) {
      if (lane.inFlight >= lane.limit) return; // a release pumps again
      const now = this.clock.now();
      const head = lane.queue[0]!;
      const cost = lane.tpm === undefined ? head.tokens : Math.min(head.tokens, lane.tpm);
      const readyAt = Math.max(lane.pausedUntil, rpmReadyAt(lane, now), tpmReadyAt(lane, now, cost));
      if (readyAt > now) {
        this.wakeAt(lane, readyAt);
        return;
      }
      lane.queue.shift();
      head.cleanup();
      head.resolve(this.start(lane, head, cost, now));
    }
    this.cancelWake(lane);
  }

  private cancelWake(lane: Lane): void {
    lane.wake?.cancel();
    lane.wake = undefined;
  }

  private wakeAt(lane: Lane, at: number): void {
    if (lane.wake && lane.wake.at <= at) return;
    lane.wake?.cancel();
    const cancel = this.clock.setTimer(() => {
      lane.wake = undefined;
      this.pump(lane);
    }, at - this.clock.now());
    lane.wake = { at, cancel };
  }

  private start(lane: Lane, waiter: Waiter, cost: number, now: number): Lease {
    lane.inFlight++;
    lane.stats.started++;
    const waitedMs = now - waiter.enqueuedAt;
    lane.stats.waitedMs += waitedMs;
    if (lane.rpm !== undefined) lane.requests.push(now);
    const entry: TokenEntry = { at: now, tokens: cost };
    if (lane.tpm !== undefined) lane.tokens.push(entry);
    const epoch = lane.epoch;
    lane.live.set(epoch, (lane.live.get(epoch) ?? 0) + 1);
    let ended = false;
    const end = (outcome: 'success' | 'neutral' | { error: unknown }) => {
      if (ended) return;
      ended = true;
      if (outcome === 'success') {
        if (epoch === lane.epoch) lane.successes++;
        if (lane.successes >= lane.limit && lane.limit < lane.max) {
          lane.limit++;
          lane.stats.increases++;
          lane.successes = 0;
        }
      } else if (outcome !== 'neutral' && isRateLimited(outcome.error)) {
        this.onRateLimited(lane, epoch, outcome.error as ProviderError);
      }
      lane.inFlight--;
      const left = (lane.live.get(epoch) ?? 1) - 1;
      if (left > 0) lane.live.set(epoch, left);
      else lane.live.delete(epoch);
      this.pump(lane);
    };
    return {
      provider: lane.provider,
      waitedMs,
      settle: (tokens) => {
        if (tokens > entry.tokens) entry.tokens = tokens;
      },
      rateLimited: (error) => {
        if (!ended) this.onRateLimited(lane, epoch, error);
      },
      success: () => end('success'),
      failure: (error) => end({ error }),
      release: () => end('neutral'),
    };
  }

  /** A 429 from a call started in `epoch`: counted always; halves the lane once per window. */
  private onRateLimited(lane: Lane, epoch: number, error?: ProviderError): void {
    lane.stats.rateLimited++;
    const now = this.clock.now();
    if (error?.retryAfterMs !== undefined && error.retryAfterMs > 0) {
      lane.pausedUntil = Math.max(lane.pausedUntil, now + Math.min(error.retryAfterMs, this.maxPauseMs));
    }
    if (epoch !== lane.epoch) return; // this window has already been answered
    const base = lane.limit === Infinity ? Math.max(1, lane.inFlight) : lane.limit;
    const lowered = Math.max(1, Math.floor(base / 2));
    if (lowered < lane.limit) lane.stats.decreases++; // at 1 already: a new window, nothing lower to go
    lane.limit = lowered;
    lane.epoch++;
    lane.successes = 0;
  }
}

/** Whether an error is a 429 (kind 'rate_limited'). */
export function isRateLimited(error: unknown): boolean {
  return error instanceof ProviderError && error.kind === 'rate_limited';
}

function finiteOrNull(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}
