// Telegram answers a bot that sends too fast with 429 and `parameters.retry_after` (seconds).
// This grammY API transformer waits that long and makes the same call again, a few times at
// most; a wait longer than the cap, or a caller's abort, hands the 429 back as it came. The
// plugin that does this (@grammyjs/auto-retry) is not a dependency; this is the part we need.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Transformer } from 'grammy';

export interface RetryAfterOptions {
  /** Calls after the first (default 3). */
  maxRetries?: number;
  /** Longest retry_after waited for, in seconds (default 60). */
  maxWaitSeconds?: number;
  /** Told before each wait (for a log line). */
  onWait?: (method: string, seconds: number) => void;
}

/**
 * A typing indicator sent late is worse than none, and the reply waits for it: those calls are
 * not retried.
 */
const NOT_RETRIED = new Set(['sendChatAction']);

export function retryAfter(options: RetryAfterOptions = {}): Transformer {
  const maxRetries = options.maxRetries ?? 3;
  const maxWait = options.maxWaitSeconds ?? 60;
  return async (prev, method, payload, signal) => {
    for (let retry = 0; ; retry++) {
      const response = await prev(method, payload, signal);
      if (response.ok || response.error_code !== 429 || retry >= maxRetries || NOT_RETRIED.has(method)) return response;
      const seconds = response.parameters?.retry_after;
      if (typeof seconds !== 'number' || seconds < 0 || seconds > maxWait) return response;
      options.onWait?.(method, seconds);
      try {
        await sleep(seconds * 1000, undefined, { signal: signal as AbortSignal | undefined });
      } catch {
        return response;
      }
    }
  };
}
