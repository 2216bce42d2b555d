// The limits a provider's lane runs under and where they come from: the `limits:` block a suite
// writes, the defaults by provider name, and the merge of several suites' blocks for a run that
// shares one scheduler. The schema checks what a suite file says; checkLimits is the Scheduler's
// own check, because defaults and limits passed in code never go through the schema (and may say
// Infinity, which YAML cannot).

import { z } from 'zod';

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
export const LaneLimits = z
  .object({
    concurrency: z.number().int().positive().optional(),
    rpm: z.number().int().positive().optional(),
    tpm: z.number().int().positive().optional(),
  })
  .strict();

/** A suite's `limits:` block: lanes by provider name (check the names against the provider registry). */
export const Limits = z.record(z.string().min(1), LaneLimits);

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

/** Throws a RangeError naming the lane and field, so a bad limit fails when the scheduler is made rather than stalling a lane. */
export function checkLimits(name: string, limits: LaneLimits): void {
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
