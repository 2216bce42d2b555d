// Provider failures as typed values. Each provider file maps its SDK's errors onto these kinds,
// so retries, the harness and the CLI decide on `kind`, never on SDK classes or message text.
// Messages are one line and never carry a credential: addresses go through withoutCredentials,
// free text through oneLine (redact + whitespace folded).

export type ProviderErrorKind =
  | 'missing_key' // the environment variable with the key is not set
  | 'unreachable' // connection refused / DNS / reset: the server is not there
  | 'rate_limited' // HTTP 429
  | 'server' // HTTP 5xx, an error event in the middle of a stream, or an answer cut short
  | 'timeout' // no answer (or no next stream chunk) within the per-attempt timeout
  | 'auth' // HTTP 401/403
  | 'bad_request' // other 4xx: the request itself is wrong, retrying will not help
  | 'bad_response' // the server answered something we cannot read, or that its protocol does not allow
  | 'aborted'; // the caller's signal fired

// A malformed answer is retried as a 5xx is: it is a fault of the server's, not of the request,
// and taking it as an empty answer would score the model for it.
const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set(['unreachable', 'rate_limited', 'server', 'timeout', 'bad_response']);

export interface ProviderErrorExtra {
  status?: number;
  retryAfterMs?: number;
  attempts?: number;
  lastFailure?: ProviderError;
  cause?: unknown;
}

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly provider: string;
  readonly status?: number;
  /** From a Retry-After header (or the body's equivalent), in milliseconds. */
  readonly retryAfterMs?: number;
  /** Attempts made before giving up (set by withRetry, and on errors in the middle of a stream). */
  readonly attempts?: number;
  /**
   * On 'aborted': the failure that was being retried when the caller's signal fired, so whoever
   * cut the call short (the agent loop's time budget) can tell a failing server from a slow model.
   */
  readonly lastFailure?: ProviderError;

  constructor(provider: string, kind: ProviderErrorKind, message: string, extra: ProviderErrorExtra = {}) {
    super(message, { cause: extra.cause });
    this.name = 'ProviderError';
    this.provider = provider;
    this.kind = kind;
    this.status = extra.status;
    this.retryAfterMs = extra.retryAfterMs;
    this.attempts = extra.attempts;
    this.lastFailure = extra.lastFailure;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

/** The same error with the number of attempts made recorded on it (a copy; the stack is kept). */
export function withAttempts(error: ProviderError, attempts: number, message = error.message, lastFailure = error.lastFailure): ProviderError {
  const copy = new ProviderError(error.provider, error.kind, message, {
    status: error.status,
    retryAfterMs: error.retryAfterMs,
    attempts,
    lastFailure,
    cause: error.cause,
  });
  copy.stack = error.stack;
  return copy;
}

export function missingKey(provider: string, variable: string): ProviderError {
  return new ProviderError(
    provider,
    'missing_key',
    `${provider}: ${variable} is not set. Export it (e.g. \`export ${variable}=...\`) or pick another target.`,
  );
}

export function aborted(provider: string, cause?: unknown): ProviderError {
  return new ProviderError(provider, 'aborted', `${provider}: call aborted`, { cause });
}

/** `hint` follows the question, e.g. "Start it with `ollama serve`.". */
export function unreachable(provider: string, address: string, cause?: unknown, hint?: string): ProviderError {
  const message = `${provider}: cannot reach ${withoutCredentials(address)}. Is the server running?${hint ? ` ${hint}` : ''}`;
  return new ProviderError(provider, 'unreachable', message, { cause });
}

/**
 * The network failure a request met, else undefined: 'unreachable' when the server could not be
 * reached or closed the connection before answering; 'server' when it answered and the
 * connection closed in the middle of the answer (the fetch noted how many bytes had come), since
 * "cannot reach … Is the server running?" would then send the user looking for the wrong fault.
 */
export function connectionFailure(provider: string, address: string, error: unknown, hint?: string): ProviderError | undefined {
  const failure = networkFailure(error);
  if (failure === 'connect') return unreachable(provider, address, error, hint);
  if (failure !== 'dropped') return undefined;
  const bytes = bytesBeforeCut(error);
  if (bytes !== undefined) {
    const message = `${provider}: the answer from ${withoutCredentials(address)} ended early: the connection closed after ${bytes} bytes of it`;
    return new ProviderError(provider, 'server', message, { cause: error });
  }
  const message = `${provider}: ${withoutCredentials(address)} closed the connection before the answer was complete`;
  return new ProviderError(provider, 'unreachable', message, { cause: error });
}

/** Network errors met while a response body was read, with the bytes of it that had arrived. */
const cutAfter = new WeakMap<object, number>();

/**
 * Called by the fetches Lunar gives the SDKs when a response body fails: the server had answered
 * and `bytes` of its body had arrived. Kept beside the error rather than on it: the error object
 * is the network stack's, and the SDKs pass it on as it is or as the cause of their own.
 */
export function noteCutShort(error: unknown, bytes: number): void {
  if (error !== null && typeof error === 'object' && !cutAfter.has(error)) cutAfter.set(error, bytes);
}

/** The bytes noted on the error or on one of its causes (see noteCutShort). */
function bytesBeforeCut(error: unknown, depth = 0): number | undefined {
  if (error === null || typeof error !== 'object' || depth > 8) return undefined;
  return cutAfter.get(error) ?? bytesBeforeCut((error as { cause?: unknown }).cause, depth + 1);
}

/**
 * A reply the protocol does not allow (a completion with no choices, a Gemini answer with no
 * candidate, an Ollama reply with no message, a plain JSON body where a stream was asked for):
 * 'bad_response', retried like a 5xx, never taken for an empty answer.
 */
export function malformed(provider: string, address: string, what: string, secrets: readonly (string | undefined)[] = []): ProviderError {
  return new ProviderError(provider, 'bad_response', oneLine(`${provider}: ${withoutCredentials(address)} ${what}`, secrets));
}

/**
 * The one rule for a stream that fails in its body. An error event the server sent: the kind of
 * the status it carries (`code`/`status` 400-599), else 'server'. Bytes that do not parse, or a
 * stream that ends without its closing chunk: 'bad_response' (see unreadable).
 */
export function streamFailed(provider: string, detail: string, status: unknown, cause: unknown, secrets: readonly (string | undefined)[] = []): ProviderError {
  const code = typeof status === 'string' && /^\d{3}$/.test(status) ? Number(status) : status;
  const known = typeof code === 'number' && code >= 400 && code < 600 ? code : undefined;
  const message = oneLine(`${provider}: the stream failed${known ? ` (${known})` : ''}: ${detail}`, secrets);
  return new ProviderError(provider, known ? kindForStatus(known) : 'server', message, { status: known, cause });
}

/** An answer that cannot be read: 'bad_response', naming the address without credentials. */
export function unreadable(provider: string, address: string, error: unknown, secrets: readonly (string | undefined)[] = []): ProviderError {
  const detail = error instanceof Error ? error.message : String(error);
  const message = oneLine(`${provider}: unreadable answer from ${withoutCredentials(address)}: ${detail}`, secrets);
  return new ProviderError(provider, 'bad_response', message, { cause: error });
}

/** Parses a Retry-After header value (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Maps an HTTP status to an error kind. */
export function kindForStatus(status: number): ProviderErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'auth';
  if (status >= 500) return 'server';
  return 'bad_request';
}

/** `scheme://user:password@` at the start of an address, or anywhere in a text. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s]*@/gi;

/**
 * An address fit to be shown or stored: user and password removed (`https://user:token@proxy/v1`
 * → `https://proxy/v1`) and key-like query parameters redacted.
 */
export function withoutCredentials(address: string): string {
  return redact(address.replace(URL_CREDENTIALS, '$1'));
}

/**
 * Removes anything that looks like a credential from a message before it is shown or stored:
 * `Bearer …`, user:password in URLs, `…key=` and `…token=` query parameters (`key`, `api-key`,
 * `x-goog-api-key`, `access_token`) and the given secret values.
 */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text
    .replace(/Bearer\s+[A-Za-z0-9._\-]+/g, 'Bearer [redacted]')
    .replace(URL_CREDENTIALS, '$1[redacted]@')
    .replace(/([?&][\w-]*(?:key|token)=)[^&\s]+/gi, '$1[redacted]');
  for (const secret of secrets) if (secret && secret.length >= 6) out = out.split(secret).join('[redacted]');
  return out;
}

/** A message fit to be shown or stored: credentials redacted, on one line. */
export function oneLine(text: string, secrets: readonly (string | undefined)[] = []): string {
  return redact(text, secrets).replace(/\s+/g, ' ').trim();
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const DROP_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/**
 * How a request failed on the network, read from the error's cause chain (Node's fetch throws
 * `TypeError: fetch failed` and hides the socket error in `cause`, sometimes inside an
 * AggregateError): 'connect' when the server could not be reached, 'dropped' when the connection
 * closed mid-request, undefined when the network was not the problem.
 */
export function networkFailure(error: unknown, depth = 0): 'connect' | 'dropped' | undefined {
  if (error == null || typeof error !== 'object' || depth > 8) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECT_CODES.has(code)) return 'connect';
  if (typeof code === 'string' && DROP_CODES.has(code)) return 'dropped';
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const found = networkFailure(inner, depth + 1);
      if (found) return found;
    }
  }
  return networkFailure((error as { cause?: unknown }).cause, depth + 1);
}
