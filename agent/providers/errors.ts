// Provider failures as typed values. Each provider file maps its SDK's errors onto these kinds,
// so retries, the harness and the CLI decide on `kind`, never on SDK classes or message text.

export type ProviderErrorKind =
  | 'missing_key' // the environment variable with the key is not set
  | 'unreachable' // connection refused / DNS / reset: the server is not there
  | 'rate_limited' // HTTP 429
  | 'server' // HTTP 5xx
  | 'timeout' // no answer within the per-call timeout
  | 'auth' // HTTP 401/403
  | 'bad_request' // other 4xx: the request itself is wrong, retrying will not help
  | 'bad_response' // the server answered something we cannot read
  | 'aborted'; // the caller's signal fired

const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set(['unreachable', 'rate_limited', 'server', 'timeout']);

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly provider: string;
  readonly status?: number;
  /** From a Retry-After header (or the body's equivalent), in milliseconds. */
  readonly retryAfterMs?: number;

  constructor(
    provider: string,
    kind: ProviderErrorKind,
    message: string,
    extra: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: extra.cause });
    this.name = 'ProviderError';
    this.provider = provider;
    this.kind = kind;
    this.status = extra.status;
    this.retryAfterMs = extra.retryAfterMs;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

export function missingKey(provider: string, variable: string): ProviderError {
  return new ProviderError(
    provider,
    'missing_key',
    `${provider}: ${variable} is not set. Export it (e.g. \`export ${variable}=...\`) or pick another target.`,
  );
}

export function unreachable(provider: string, address: string, cause?: unknown): ProviderError {
  return new ProviderError(provider, 'unreachable', `${provider}: cannot reach ${address}. Is the server running?`, {
    cause,
  });
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

/**
 * Removes anything that looks like a credential from a message before it is shown or stored:
 * `Bearer …`, `key=…` query parameters and the given secret values.
 */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(/Bearer\s+[A-Za-z0-9._\-]+/g, 'Bearer [redacted]').replace(/([?&]key=)[^&\s]+/g, '$1[redacted]');
  for (const secret of secrets) if (secret && secret.length >= 6) out = out.split(secret).join('[redacted]');
  return out;
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
