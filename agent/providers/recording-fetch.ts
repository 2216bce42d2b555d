import { parseRetryAfter } from './errors.ts';

/**
 * A fetch for SDKs whose errors drop the response headers (ollama-js, @google/genai): it keeps
 * the Retry-After of the last response. Given a signal, it also adds it to every request, for
 * SDKs with no per-request signal of their own (ollama-js).
 */
export function recordingFetch(signal?: AbortSignal): { fetch: typeof fetch; retryAfterMs: () => number | undefined } {
  let retryAfterMs: number | undefined;
  const recording: typeof fetch = async (input, init = {}) => {
    const signals = [init.signal, signal].filter((s): s is AbortSignal => s != null);
    const merged = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const response = await fetch(input, { ...init, signal: merged });
    retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return response;
  };
  return { fetch: recording, retryAfterMs: () => retryAfterMs };
}
