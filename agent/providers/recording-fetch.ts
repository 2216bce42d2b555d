import { noteCutShort, parseRetryAfter } from './errors.ts';

/**
 * A fetch for SDKs whose errors drop the response headers (ollama-js, @google/genai): it keeps
 * the Retry-After of the last response, and notes how many body bytes had come when a body fails
 * (noteCutShort). Given a signal, it also adds it to every request, for SDKs with no per-request
 * signal of their own (ollama-js).
 */
export function recordingFetch(signal?: AbortSignal): Recorded & { fetch: typeof fetch } {
  let retryAfterMs: number | undefined;
  let contentType: string | undefined;
  const recording: typeof fetch = async (input, init = {}) => {
    const signals = [init.signal, signal].filter((s): s is AbortSignal => s != null);
    const merged = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const response = await fetch(input, { ...init, signal: merged });
    retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    contentType = response.ok ? (response.headers.get('content-type') ?? undefined) : undefined;
    if (!response.body) return response;
    return new Response(counted(response.body), { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return { fetch: recording, retryAfterMs: () => retryAfterMs, contentType: () => contentType };
}

/** What the last response said beside its body. */
export interface Recorded {
  retryAfterMs(): number | undefined;
  /** The content type of the last response when it succeeded (2xx), else undefined. */
  contentType(): string | undefined;
}

/** The same body, counting its bytes; a read that fails notes the count on its error. */
function counted(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let received = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        received += value.byteLength;
        controller.enqueue(value);
      } catch (error) {
        noteCutShort(error, received);
        throw error;
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
