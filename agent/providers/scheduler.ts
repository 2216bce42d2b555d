// Scheduling for model calls, so a run against a hosted API stays under its quota instead of
// collecting 429s. Each provider has a lane:
//   - a concurrency limit (Ollama serialises requests, so 2; hosted APIs 8; baseline and
//     scripted unlimited), adapted AIMD-style: a 429 halves the lane's current limit (minimum 1),
//     once per congestion window; each run of successes as long as the current limit adds one
//     back, up to the configured maximum;
//   - optional requests-per-minute and tokens-per-minute budgets, kept as sliding 60-second
//     windows: a call starts only when the calls (tokens) started in the last minute leave room
//     for it, so no minute-long window ever holds more than the quota, whatever the burst;
//   - a pause after a 429 that carried Retry-After: nothing new starts in that lane until then.
// Calls wait in FIFO order within a lane (the head of the queue blocks those behind it, so a
// large request is not starved by small ones); lanes never wait on each other. A call aborted
// while queued leaves at once, having taken nothing.
//
// Congestion window: every call records the lane's epoch when it starts; a decrease bumps the
// epoch. A 429 from a call that started before the last decrease was already answered by it, so
// several calls failing together halve the limit once, not once each.
//
// Time is injectable (Clock): the tests drive a manual clock and never sleep. Nothing here is
// random: the lane is the one place calls start from, so there is no herd to spread out.

import { z } from 'zod';
import { aborted, ProviderError } from './errors.ts';

/** Limits for one provider's lane. Unset fields fall back to the defaults. */
export interface LaneLimits {
  /** Most calls in flight at once (whole number ≥ 1, or Infinity for no limit). */
  concurrency?: number;
  /** Requests per minute: calls started in any 60-second window. */
  rpm?: number;
  /** Tokens per minute: estimated tokens (input + max output) of the calls started in any 60-second window. */
  tpm?: number;
}

/** One lane in a suite's `limits:` block (YAML), e.g. `limits: { openai: { rpm: 500, tpm: 200000 }, ollama: { concurrency: 1 } }`. */
export const LaneLimitsShape = z
  .object({
    concurrency: z.number().int().positive().optional(),
    rpm: z.number().int().positive().optional(),
    tpm: z.number().int().positive().optional(),
  })
  .strict();

/** A suite's `limits:` block: lanes by provider name (check the names against the provider registry). */
export const LimitsShape = z.record(z.string().min(1), LaneLimitsShape);

/**
 * The limits for a run of several suites (one scheduler serves the whole run): for each provider
 * and field, the strictest value any suite sets.
 */
export function strictestLimits(blocks: readonly (Record<string, LaneLimits> | undefined)[]): Record<string, LaneLimits> {
  const out: Record<string, LaneLimits> = {};
  for (const block of blocks) {
    for (const [provider, limits] of Object.entries(block ?? {})) {
      const merged: LaneLimits = { ...out[provider] };
      for (const field of ['concurrency', 'rpm', 'tpm'] as const) {
        const value = limits[field];
        if (value !== undefined) merged[field] = Math.min(value, merged[field] ?? Infinity);
      }
      out[provider] = merged;
    }
  }
  return out;
}

/**
 * Default lanes by provider name, `*` for any other. Ollama answers one request at a time per
 * model (2 keeps the next prompt ready); hosted APIs take 8; the local stand-ins need no limit.
 */
export const DEFAULT_LANE_LIMITS: Readonly<Record<string, LaneLimits>> = {
  ollama: { concurrency: 2 },
  baseline: { concurrency: Infinity },
  scripted: { concurrency: Infinity },
  '*': { concurrency: 8 },
};

/** The window rpm and tpm are counted over. */
export const WINDOW_MS = 60_000;
/** Longest pause a Retry-After can impose on a lane (a longer one is the provider's retry's business). */
export const DEFAULT_MAX_PAUSE_MS = 60_000;

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

export interface SchedulerOptions {
  /** Per-provider limits (e.g. from a suite's `limits:` block); each field overrides the defaults. */
  providers?: Record<string, LaneLimits>;
  /** Default limits by provider name, `*` for the rest; merged over DEFAULT_LANE_LIMITS. */
  defaults?: Record<string, LaneLimits>;
  clock?: Clock;
  /** Longest pause a 429's Retry-After imposes on its lane (default 60 s). */
  maxPauseMs?: number;
}

/** One lane's figures, for the progress line and the run record. */
export interface LaneStats {
  provider: string;
  /** The current (adaptive) concurrency limit; null when unlimited. */
  limit: number | null;
  /** The configured maximum; null when unlimited. */
  maxConcurrency: number | null;
  rpm: number | null;
  tpm: number | null;
  inFlight: number;
  queued: number;
  /** Calls started through the lane. */
  started: number;
  /** 429s seen (each one, whether or not it changed the limit). */
  rateLimited: number;
  /** Times a 429 lowered the limit (once per congestion window). */
  decreases: number;
  /** Times a run of successes raised it by one. */
  increases: number;
  /** Total time calls spent queued, in milliseconds. */
  waitedMs: number;
  /** How much longer the lane is paused by a Retry-After, in milliseconds (0 when not paused). */
  pausedForMs: number;
}

/**
 * A slot in a lane, held from the moment a call may start until it ends. Ending it is
 * idempotent: the first of success/failure/release counts, the rest do nothing.
 */
export interface Lease {
  readonly provider: string;
  /** How long the call waited in the queue, in milliseconds. */
  readonly waitedMs: number;
  /**
   * The tokens the call really used (input + output), when known. Only ever raises what the
   * call counts for in the tpm window: hosted APIs reserve the estimate (input + max_tokens) up
   * front, so a smaller actual figure does not free budget early.
   */
  settle(tokens: number): void;
  /** A 429 met while the lease is held (e.g. by a retry inside the call): counted and acted on as one. */
  rateLimited(error?: ProviderError): void;
  /** The call succeeded: counts towards growing the limit back. Frees the slot. */
  success(): void;
  /** The call failed: a rate_limited ProviderError shrinks the lane, any other error is neutral. Frees the slot. */
  failure(error: unknown): void;
  /** Frees the slot without counting anything (e.g. a stream its consumer left early). */
  release(): void;
}

interface Waiter {
  tokens: number;
  enqueuedAt: number;
  resolve(lease: Lease): void;
  reject(error: unknown): void;
  cleanup(): void;
}

interface TokenEntry {
  at: number;
  tokens: number;
}

interface Lane {
  provider: string;
  max: number;
  limit: number;
  rpm?: number;
  tpm?: number;
  inFlight: number;
  queue: Waiter[];
  /** Start times of the calls in the rpm window. */
  requests: number[];
  /** Start times and token counts of the calls in the tpm window. */
  tokens: TokenEntry[];
  epoch: number;
  /** In-flight calls by the epoch they started in. */
  live: Map<number, number>;
  successes: number;
  pausedUntil: number;
  wake?: { at: number; cancel: () => void };
  stats: { started: number; rateLimited: number; decreases: number; increases: number; waitedMs: number };
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

/** One short line for the progress display: `openai 6/8 q3 429×2 paused 4s`, only lanes in use. */
export function formatLaneStats(stats: Record<string, LaneStats>): string {
  const parts: string[] = [];
  for (const lane of Object.values(stats)) {
    if (lane.started === 0 && lane.queued === 0) continue;
    let text = `${lane.provider} ${lane.inFlight}/${lane.limit ?? '∞'}`;
    if (lane.queued) text += ` q${lane.queued}`;
    if (lane.rateLimited) text += ` 429×${lane.rateLimited}`;
    if (lane.pausedForMs > 0) text += ` paused ${Math.ceil(lane.pausedForMs / 1000)}s`;
    parts.push(text);
  }
  return parts.join(', ');
}

/** When the rpm window has room for one more call (`now` if it has; drops expired entries). */
function rpmReadyAt(lane: Lane, now: number): number {
  if (lane.rpm === undefined) return now;
  while (lane.requests.length > 0 && lane.requests[0]! + WINDOW_MS <= now) lane.requests.shift();
  if (lane.requests.length < lane.rpm) return now;
  return lane.requests[lane.requests.length - lane.rpm]! + WINDOW_MS;
}

/** When the tpm window has room for `cost` more tokens (`now` if it has; drops expired entries). */
function tpmReadyAt(lane: Lane, now: number, cost: number): number {
  if (lane.tpm === undefined) return now;
  while (lane.tokens.length > 0 && lane.tokens[0]!.at + WINDOW_MS <= now) lane.tokens.shift();
  let used = 0;
  for (const entry of lane.tokens) used += entry.tokens;
  if (used + cost <= lane.tpm) return now;
  for (const entry of lane.tokens) {
    used -= entry.tokens;
    if (used + cost <= lane.tpm) return entry.at + WINDOW_MS;
  }
  return now; // unreachable: cost ≤ tpm, so an empty window always fits
}

function finiteOrNull(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

function checkLimits(name: string, limits: LaneLimits): void {
  const { concurrency, rpm, tpm } = limits;
  if (concurrency !== undefined && !(concurrency === Infinity || (Number.isInteger(concurrency) && concurrency >= 1))) {
    throw new RangeError(`scheduler: ${name}: concurrency must be a whole number, 1 or more (got ${concurrency})`);
  }
  for (const [field, value] of [['rpm', rpm], ['tpm', tpm]] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      throw new RangeError(`scheduler: ${name}: ${field} must be a whole number, 1 or more (got ${value})`);
    }
  }
}
