// One retry policy for every provider: exponential backoff with full jitter on retryable
// failures (429, 5xx, network, timeout), honouring Retry-After, with a per-attempt timeout.
// The SDKs' own retry loops are switched off so that this is the only one.

import { ProviderError } from './errors.ts';

export interface RetryPolicy {
  retries: number;
  timeoutMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Injectable for tests; defaults to Math.random. */
  random?: () => number;
  /** Injectable for tests; defaults to a timer that respects the caller's signal. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 4,
  timeoutMs: 60_000,
  backoffBaseMs: 500,
  backoffMaxMs: 30_000,
};

export interface Attempted<T> {
  value: T;
  attempts: number;
  latencyMs: number;
}

/**
 * Runs `attempt` until it succeeds or fails in a way not worth retrying.
 * `classify` turns whatever the SDK threw into a ProviderError; it is called only for errors
 * that are not already timeouts or aborts of our own making.
 */
export async function withRetry<T>(
  provider: string,
  policy: RetryPolicy,
  callerSignal: AbortSignal | undefined,
  attempt: (signal: AbortSignal) => Promise<T>,
  classify: (error: unknown) => ProviderError,
): Promise<Attempted<T>> {
  const started = performance.now();
  const sleep = policy.sleep ?? abortableSleep;
  for (let n = 1; ; n++) {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), policy.timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout.signal]) : timeout.signal;
    try {
      const value = await attempt(signal);
      return { value, attempts: n, latencyMs: performance.now() - started };
    } catch (error) {
      const failure = toProviderError(provider, error, policy.timeoutMs, callerSignal, timeout.signal, classify);
      if (!failure.retryable || n > policy.retries) throw failure;
      await sleep(backoffDelay(n, failure.retryAfterMs, policy), callerSignal);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Delay before retry number `n` (1-based): Retry-After when given, else full jitter over base·2^(n-1). */
export function backoffDelay(n: number, retryAfterMs: number | undefined, policy: RetryPolicy): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.backoffMaxMs);
  const ceiling = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** (n - 1));
  const random = policy.random ?? Math.random;
  // Half fixed, half jitter: never zero, still spreads out concurrent retries.
  return ceiling / 2 + random() * (ceiling / 2);
}

function toProviderError(
  provider: string,
  error: unknown,
  timeoutMs: number,
  callerSignal: AbortSignal | undefined,
  timeoutSignal: AbortSignal,
  classify: (error: unknown) => ProviderError,
): ProviderError {
  if (callerSignal?.aborted) return new ProviderError(provider, 'aborted', `${provider}: call aborted`, { cause: error });
  if (timeoutSignal.aborted) {
    return new ProviderError(provider, 'timeout', `${provider}: no answer within ${timeoutMs} ms`, { cause: error });
  }
  if (error instanceof ProviderError) return error;
  return classify(error);
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Builds a policy from provider options, filling defaults. */
export function retryPolicyFrom(options: {
  retries?: number;
  timeoutMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}): RetryPolicy {
  return {
    retries: options.retries ?? DEFAULT_RETRY_POLICY.retries,
    timeoutMs: options.timeoutMs ?? DEFAULT_RETRY_POLICY.timeoutMs,
    backoffBaseMs: options.backoffBaseMs ?? DEFAULT_RETRY_POLICY.backoffBaseMs,
    backoffMaxMs: options.backoffMaxMs ?? DEFAULT_RETRY_POLICY.backoffMaxMs,
  };
}
