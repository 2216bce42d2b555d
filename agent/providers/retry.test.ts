import { describe, expect, it } from 'vitest';
import { oneLine, parseRetryAfter, ProviderError, redact, streamFailed, withoutCredentials } from './errors.ts';
import { backoffDelay, policyFor, withRetry, type RetryPolicy } from './retry.ts';

const policy: RetryPolicy = { retries: 3, timeoutMs: 1_000, backoffBaseMs: 100, backoffMaxMs: 1_000, retryAfterMaxMs: 120_000 };

describe('backoff', () => {
  it('doubles the ceiling each retry with jitter in its upper half, capped', () => {
    expect(backoffDelay(1, undefined, { ...policy, random: () => 0 })).toBe(50);
    expect(backoffDelay(1, undefined, { ...policy, random: () => 1 })).toBe(100);
    expect(backoffDelay(3, undefined, { ...policy, random: () => 0.5 })).toBe(300);
    expect(backoffDelay(10, undefined, { ...policy, random: () => 1 })).toBe(1_000);
  });

  it('waits what Retry-After says, past the backoff cap', () => {
    expect(backoffDelay(1, 700, policy)).toBe(700);
    expect(backoffDelay(1, 60_000, policy)).toBe(60_000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(5_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('withRetry', () => {
  const classify = (e: unknown) => e as ProviderError;
  const waits: number[] = [];
  const sleep = async (ms: number) => void waits.push(ms);
  const limited = (retryAfterMs: number) => new ProviderError('p', 'rate_limited', 'p: HTTP 429: slow down', { status: 429, retryAfterMs });

  it('honours a Retry-After longer than the backoff cap', async () => {
    waits.length = 0;
    let n = 0;
    const result = await withRetry('p', { ...policy, sleep }, undefined, () => (++n === 1 ? Promise.reject(limited(60_000)) : Promise.resolve('ok')), classify);
    expect(result).toMatchObject({ value: 'ok', attempts: 2 });
    expect(waits).toEqual([60_000]);
  });

  it('gives up at once when Retry-After asks for more than retryAfterMaxMs, saying how long', async () => {
    waits.length = 0;
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(limited(300_000));
    };
    const error = await withRetry('p', { ...policy, sleep }, undefined, failing, classify).catch((e: ProviderError) => e);
    expect(error).toMatchObject({ kind: 'rate_limited', status: 429, attempts: 1 });
    expect((error as ProviderError).message).toBe('p: HTTP 429: slow down (the server asked to wait 300 s, more than the 120 s allowed; not retried)');
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it("ends a backoff wait with ProviderError 'aborted' when the caller aborts", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user pressed Ctrl-C')), 20);
    const failing = () => Promise.reject(limited(10_000));
    const error = await withRetry('p', policy, controller.signal, failing, classify).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'aborted', provider: 'p', message: 'p: call aborted', attempts: 1 });
  });

  it('carries the failure being retried on an abort that comes after it, and none on a first try', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('time budget spent')), 20);
    const failing = () => Promise.reject(new ProviderError('p', 'timeout', 'p: no answer within 5 ms'));
    const error = (await withRetry('p', policy, controller.signal, failing, classify).catch((e: unknown) => e)) as ProviderError;
    expect(error).toMatchObject({ kind: 'aborted', attempts: 1, lastFailure: { kind: 'timeout', message: 'p: no answer within 5 ms' } });

    const first = AbortSignal.timeout(20);
    const hang = (signal: AbortSignal) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    const cut = (await withRetry('p', policy, first, hang, classify).catch((e: unknown) => e)) as ProviderError;
    expect(cut).toMatchObject({ kind: 'aborted', attempts: 1 });
    expect(cut.lastFailure).toBeUndefined();
  });

  it("retries a reply the protocol does not allow ('bad_response') as it retries a 5xx", async () => {
    let n = 0;
    const odd = () => (++n === 1 ? Promise.reject(new ProviderError('p', 'bad_response', 'p: answered with no choices')) : Promise.resolve('ok'));
    expect(await withRetry('p', { ...policy, sleep }, undefined, odd, classify)).toMatchObject({ value: 'ok', attempts: 2 });
  });

  it('retries retryable failures and gives up after the last retry', async () => {
    waits.length = 0;
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new ProviderError('p', 'server', 'p: 500'));
    };
    await expect(withRetry('p', { ...policy, sleep, random: () => 1 }, undefined, failing, classify)).rejects.toMatchObject({ kind: 'server', attempts: 4 });
    expect(calls).toBe(4);
    expect(waits).toEqual([100, 200, 400]);
  });

  it('does not retry a bad request', async () => {
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new ProviderError('p', 'bad_request', 'p: 400'));
    };
    await expect(withRetry('p', { ...policy, sleep }, undefined, failing, classify)).rejects.toMatchObject({ kind: 'bad_request' });
    expect(calls).toBe(1);
  });

  it('turns a hung attempt into a timeout and reports the attempts made', async () => {
    const hang = (signal: AbortSignal) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    await expect(withRetry('p', { ...policy, timeoutMs: 30, retries: 0 }, undefined, hang, classify)).rejects.toMatchObject({ kind: 'timeout', message: 'p: no answer within 30 ms' });
    let n = 0;
    const second = await withRetry('p', { ...policy, sleep }, undefined, () => (++n === 1 ? Promise.reject(new ProviderError('p', 'rate_limited', '429', { retryAfterMs: 5 })) : Promise.resolve('ok')), classify);
    expect(second).toMatchObject({ value: 'ok', attempts: 2 });
  });
});

describe('policyFor', () => {
  it("lets a request's own timeout win over the provider's, leaving the rest", () => {
    expect(policyFor(policy, {})).toBe(policy);
    expect(policyFor(policy, { timeoutMs: 250 })).toEqual({ ...policy, timeoutMs: 250 });
  });
});

describe('redact', () => {
  it('removes bearer tokens, key query parameters and named secrets', () => {
    expect(redact('Authorization: Bearer sk-abc.def GET /x?key=AIza123&alt=sse with sk-secret-999', ['sk-secret-999'])).toBe(
      'Authorization: Bearer [redacted] GET /x?key=[redacted]&alt=sse with [redacted]',
    );
  });

  it('removes every key-like query parameter and credentials in URLs', () => {
    expect(redact('GET /v1/chat?api-version=2024&api-key=abc123 and &x-goog-api-key=AIza9&API_KEY=zz&access_token=t0k')).toBe(
      'GET /v1/chat?api-version=2024&api-key=[redacted] and &x-goog-api-key=[redacted]&API_KEY=[redacted]&access_token=[redacted]',
    );
    expect(redact('Request cannot be constructed from a URL that includes credentials: http://lunar:s3cret@proxy:8080/v1/chat')).toBe(
      'Request cannot be constructed from a URL that includes credentials: http://[redacted]@proxy:8080/v1/chat',
    );
  });

  it('names an address without its credentials', () => {
    expect(withoutCredentials('https://user:token@proxy.example.com/v1')).toBe('https://proxy.example.com/v1');
    expect(withoutCredentials('https://user:p@ss@proxy.example.com')).toBe('https://proxy.example.com');
    expect(withoutCredentials('http://127.0.0.1:11434')).toBe('http://127.0.0.1:11434');
    expect(withoutCredentials('https://gw.example.com/v1?api-key=abc')).toBe('https://gw.example.com/v1?api-key=[redacted]');
    expect(oneLine('a\n  b Bearer xyz')).toBe('a b Bearer [redacted]');
  });
});

describe('stream failures', () => {
  it("reads an error event by the status it carries, else as 'server'", () => {
    expect(streamFailed('p', 'boom', undefined, null)).toMatchObject({ kind: 'server', message: 'p: the stream failed: boom' });
    expect(streamFailed('p', 'slow down', 429, null)).toMatchObject({ kind: 'rate_limited', status: 429 });
    expect(streamFailed('p', 'too long', '400', null)).toMatchObject({ kind: 'bad_request', status: 400 });
    expect(streamFailed('p', 'odd', 'rate_limit_exceeded', null)).toMatchObject({ kind: 'server', status: undefined });
  });
});
