// One retry policy for every provider: exponential backoff with full jitter on retryable
// failures (429, 5xx, network, timeout), honouring Retry-After, with a per-attempt timeout.
// The SDKs' own retry loops are switched off so that this is the only one. Streams open through
// openStream, which also bounds the wait for every later chunk by the same timeout.

import { ProviderError, aborted, withAttempts } from './errors.ts';

export interface RetryPolicy {
  retries: number;
  /** Per attempt, and for a stream also the longest wait between two chunks. */
  timeoutMs: number;
  backoffBaseMs: number;
  /** Longest computed backoff wait; a server's Retry-After is not held to it. */
  backoffMaxMs: number;
  /** Longest Retry-After honoured: a server asking for more is given up on at once. */
  retryAfterMaxMs: number;
  /** Told of each failure about to be retried (the scheduler slows a provider on 429s). */
  onRetry?: (failure: ProviderError) => void;
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
  retryAfterMaxMs: 120_000,
};

export interface Attempted<T> {
  value: T;
  attempts: number;
  latencyMs: number;
}

/**
 * Runs `attempt` until it succeeds or fails in a way not worth retrying; the error it gives up
 * with carries the attempts made. `classify` turns whatever the SDK threw into a ProviderError;
 * it is called only for errors that are not already ProviderErrors, timeouts or aborts.
 */
export async function withRetry<T>(
  provider: string,
  policy: RetryPolicy,
  callerSignal: AbortSignal | undefined,
  attempt: (signal: AbortSignal) => Promise<T>,
  classify: (error: unknown) => ProviderError,
): Promise<Attempted<T>> {
  const started = performance.now();
  const sleep = policy.sleep ?? ((ms: number, signal?: AbortSignal) => abortableSleep(provider, ms, signal));
  // The failure being retried: an abort that comes after one carries it (see ProviderError.lastFailure).
  let lastFailure: ProviderError | undefined;
  for (let n = 1; ; n++) {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), policy.timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout.signal]) : timeout.signal;
    let failure: ProviderError;
    try {
      const value = await attempt(signal);
      return { value, attempts: n, latencyMs: performance.now() - started };
    } catch (error) {
      failure = toProviderError(provider, error, policy.timeoutMs, callerSignal, timeout.signal, classify);
    } finally {
      clearTimeout(timer);
    }
    if (failure.kind === 'aborted') throw withAttempts(failure, n, failure.message, lastFailure);
    if (!failure.retryable || n > policy.retries) throw withAttempts(failure, n);
    if (failure.retryAfterMs !== undefined && failure.retryAfterMs > policy.retryAfterMaxMs) {
      const asked = `the server asked to wait ${seconds(failure.retryAfterMs)} s, more than the ${seconds(policy.retryAfterMaxMs)} s allowed`;
      throw withAttempts(failure, n, `${failure.message} (${asked}; not retried)`);
    }
    lastFailure = failure;
    policy.onRetry?.(failure);
    try {
      await sleep(backoffDelay(n, failure.retryAfterMs, policy), callerSignal);
    } catch (error) {
      const stopped = error instanceof ProviderError ? error : aborted(provider, error);
      throw withAttempts(stopped, n, stopped.message, lastFailure);
    }
  }
}

/** Delay before retry number `n` (1-based): Retry-After when given, else full jitter over base·2^(n-1). */
export function backoffDelay(n: number, retryAfterMs: number | undefined, policy: RetryPolicy): number {
  if (retryAfterMs !== undefined) return retryAfterMs; // withRetry gives up on waits over retryAfterMaxMs
  const ceiling = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** (n - 1));
  const random = policy.random ?? Math.random;
  // Half fixed, half jitter: never zero, still spreads out concurrent retries.
  return ceiling / 2 + random() * (ceiling / 2);
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

function toProviderError(
  provider: string,
  error: unknown,
  timeoutMs: number,
  callerSignal: AbortSignal | undefined,
  timeoutSignal: AbortSignal,
  classify: (error: unknown) => ProviderError,
): ProviderError {
  if (callerSignal?.aborted) return aborted(provider, error);
  if (timeoutSignal.aborted) {
    return new ProviderError(provider, 'timeout', `${provider}: no answer within ${timeoutMs} ms`, { cause: error });
  }
  if (error instanceof ProviderError) return error;
  return classify(error);
}

/** Waits `ms`; the caller's abort ends the wait with ProviderError 'aborted'. */
function abortableSleep(provider: string, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted(provider, signal.reason));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted(provider, signal?.reason));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface OpenedStream<T> {
  /** Every chunk, the first included. Leaving the loop early closes the connection. */
  chunks: AsyncGenerator<T, void, undefined>;
  /** Attempts it took to open the stream. */
  attempts: number;
}

/** What a provider's stream must hold to be an answer at all. */
export interface StreamShape<T> {
  /** Whether a chunk carries part of an answer (a choice, a candidate, a message). */
  answers(chunk: T): boolean;
  /** The 'bad_response' for a stream that ended before any chunk answered; `chunks` came before its end. */
  empty(chunks: number): ProviderError;
}

/**
 * Opens a stream with retries and hands back its chunks. Opening reads up to the first chunk
 * that answers (those before it are held and handed on), so a server that accepts and then
 * stalls, drops or ends before answering — or sends something that is no stream of answers — is
 * retried like any other failed attempt. After that nothing is retried (text has gone to the
 * consumer), but every later chunk must come within policy.timeoutMs or the stream fails with
 * 'timeout'. Failures come out as ProviderErrors carrying the attempts: the caller's abort as
 * 'aborted', anything else through `classify`. `open` must stop its connection when the signal
 * it is given fires.
 */
export async function openStream<T>(
  provider: string,
  policy: RetryPolicy,
  callerSignal: AbortSignal | undefined,
  open: (signal: AbortSignal) => Promise<AsyncIterable<T>>,
  classify: (error: unknown) => ProviderError,
  shape: StreamShape<T>,
): Promise<OpenedStream<T>> {
  const opened = await withRetry(
    provider,
    policy,
    callerSignal,
    async (signal) => {
      const connection = new AbortController(); // closes this attempt's connection
      try {
        const iterator = (await open(AbortSignal.any([signal, connection.signal])))[Symbol.asyncIterator]();
        const held: T[] = [];
        for (;;) {
          const first = await iterator.next();
          // The SDKs end a stream silently on abort; without this a timeout would look like an empty answer.
          if (signal.aborted) throw signal.reason;
          if (first.done) throw shape.empty(held.length);
          if (shape.answers(first.value)) return { iterator, held, first: first as IteratorResult<T>, connection };
          held.push(first.value);
        }
      } catch (error) {
        connection.abort();
        throw error;
      }
    },
    classify,
  );
  const { iterator, held, first, connection } = opened.value;
  const { attempts } = opened;
  const fail = (error: unknown): ProviderError => {
    if (callerSignal?.aborted) return withAttempts(aborted(provider, error), attempts);
    return withAttempts(error instanceof ProviderError ? error : classify(error), attempts);
  };
  async function* chunks(): AsyncGenerator<T, void, undefined> {
    try {
      yield* held;
      for (let step = first; !step.done; step = await nextWithin(provider, iterator, policy.timeoutMs, connection)) yield step.value;
    } catch (error) {
      throw fail(error);
    } finally {
      connection.abort();
      // Not awaited: after a stall the iterator is still waiting on its read, and return() would queue behind it.
      Promise.resolve(iterator.return?.()).catch(() => {});
    }
    if (callerSignal?.aborted) throw fail(undefined);
  }
  return { chunks: chunks(), attempts };
}

/** The next chunk, or a 'timeout' when none comes within `ms` (the connection is then closed). */
function nextWithin<T>(provider: string, iterator: AsyncIterator<T>, ms: number, connection: AbortController): Promise<IteratorResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ProviderError(provider, 'timeout', `${provider}: the stream stalled: no chunk for ${ms} ms`);
      reject(error);
      connection.abort(error);
    }, ms);
  });
  return Promise.race([iterator.next(), stalled]).finally(() => clearTimeout(timer));
}

/** The policy for one call: a request's own per-attempt timeout (a suite's timeout_ms) wins. */
export function policyFor(policy: RetryPolicy, request: { timeoutMs?: number }): RetryPolicy {
  return request.timeoutMs === undefined ? policy : { ...policy, timeoutMs: request.timeoutMs };
}

/** Builds a policy from provider options, filling defaults. */
export function retryPolicyFrom(options: {
  retries?: number;
  timeoutMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  retryAfterMaxMs?: number;
  onRetry?: (failure: ProviderError) => void;
}): RetryPolicy {
  return {
    retries: options.retries ?? DEFAULT_RETRY_POLICY.retries,
    timeoutMs: options.timeoutMs ?? DEFAULT_RETRY_POLICY.timeoutMs,
    backoffBaseMs: options.backoffBaseMs ?? DEFAULT_RETRY_POLICY.backoffBaseMs,
    backoffMaxMs: options.backoffMaxMs ?? DEFAULT_RETRY_POLICY.backoffMaxMs,
    retryAfterMaxMs: options.retryAfterMaxMs ?? DEFAULT_RETRY_POLICY.retryAfterMaxMs,
    onRetry: options.onRetry,
  };
}
