// A provider's lane as data: the state the Scheduler keeps for it, the Lease a started call
// holds, and the figures it reports. The state is plain records, changed only by scheduler.ts
// (and the window functions it calls), so every rule about when a call starts and how 429s move
// the limit reads in that one file; this one says what the fields mean and what a lease allows.

import type { ProviderError } from '../errors.ts';
import type { RequestWindow, TokenWindow } from './rate-window.ts';

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

export interface Waiter {
  tokens: number;
  enqueuedAt: number;
  resolve(lease: Lease): void;
  reject(error: unknown): void;
  cleanup(): void;
}

export interface Lane extends RequestWindow, TokenWindow {
  provider: string;
  max: number;
  limit: number;
  inFlight: number;
  queue: Waiter[];
  /** Bumped by each decrease, so a 429 from a call started before it is known to be answered already. */
  epoch: number;
  /** In-flight calls by the epoch they started in. */
  live: Map<number, number>;
  successes: number;
  pausedUntil: number;
  wake?: { at: number; cancel: () => void };
  stats: { started: number; rateLimited: number; decreases: number; increases: number; waitedMs: number };
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
