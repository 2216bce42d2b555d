import { describe, expect, it } from 'vitest';
import { parseRetryAfter, ProviderError, redact } from './errors.ts';
import { backoffDelay, withRetry, type RetryPolicy } from './retry.ts';

const policy: RetryPolicy = { retries: 3, timeoutMs: 1_000, backoffBaseMs: 100, backoffMaxMs: 1_000 };

describe('backoff', () => {
  it('doubles the ceiling each retry with jitter in its upper half, capped', () => {
    expect(backoffDelay(1, undefined, { ...policy, random: () => 0 })).toBe(50);
    expect(backoffDelay(1, undefined, { ...policy, random: () => 1 })).toBe(100);
    expect(backoffDelay(3, undefined, { ...policy, random: () => 0.5 })).toBe(300);
    expect(backoffDelay(10, undefined, { ...policy, random: () => 1 })).toBe(1_000);
  });

  it('waits what Retry-After says, up to the cap', () => {
    expect(backoffDelay(1, 700, policy)).toBe(700);
    expect(backoffDelay(1, 60_000, policy)).toBe(1_000);
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

  it('retries retryable failures and gives up after the last retry', async () => {
    waits.length = 0;
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new ProviderError('p', 'server', 'p: 500'));
    };
    await expect(withRetry('p', { ...policy, sleep, random: () => 1 }, undefined, failing, classify)).rejects.toMatchObject({ kind: 'server' });
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

describe('redact', () => {
  it('removes bearer tokens, key query parameters and named secrets', () => {
    expect(redact('Authorization: Bearer sk-abc.def GET /x?key=AIza123&alt=sse with sk-secret-999', ['sk-secret-999'])).toBe(
      'Authorization: Bearer [redacted] GET /x?key=[redacted]&alt=sse with [redacted]',
    );
  });
});
