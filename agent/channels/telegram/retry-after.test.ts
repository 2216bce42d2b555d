import type { ApiCallFn } from 'grammy';
import { describe, expect, it } from 'vitest';
import { retryAfter } from './retry-after.ts';

const tooMany = (seconds: number) => ({ ok: false as const, error_code: 429, description: `Too Many Requests: retry after ${seconds}`, parameters: { retry_after: seconds } });

/** A Bot API that answers with these responses in turn, noting when each call came. */
function scripted(responses: object[]): { prev: ApiCallFn; times: number[] } {
  const times: number[] = [];
  const prev = (async () => {
    times.push(performance.now());
    return responses.shift();
  }) as unknown as ApiCallFn;
  return { prev, times };
}

describe('retryAfter', () => {
  it('waits retry_after seconds after a 429, then makes the same call again', async () => {
    const { prev, times } = scripted([tooMany(0.05), { ok: true, result: 7 }]);
    const waits: [string, number][] = [];
    const result = await retryAfter({ onWait: (method, seconds) => waits.push([method, seconds]) })(prev, 'sendMessage', { chat_id: 1, text: 'x' } as never);
    expect(result).toEqual({ ok: true, result: 7 });
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(49);
    expect(waits).toEqual([['sendMessage', 0.05]]);
  });

  it('hands back a 429 asking for longer than the cap without waiting', async () => {
    const { prev, times } = scripted([tooMany(61)]);
    expect(await retryAfter({ maxWaitSeconds: 60 })(prev, 'sendMessage', {} as never)).toEqual(tooMany(61));
    expect(times).toHaveLength(1);
  });

  it('gives up after maxRetries retries and returns the last 429', async () => {
    const { prev, times } = scripted([tooMany(0), tooMany(0), tooMany(0)]);
    expect(await retryAfter({ maxRetries: 2 })(prev, 'sendMessage', {} as never)).toEqual(tooMany(0));
    expect(times).toHaveLength(3);
  });

  it('does not retry a typing indicator, nor errors other than 429', async () => {
    const typing = scripted([tooMany(0), { ok: true, result: true }]);
    expect(await retryAfter()(typing.prev, 'sendChatAction', {} as never)).toEqual(tooMany(0));
    expect(typing.times).toHaveLength(1);
    const refused = { ok: false, error_code: 400, description: 'Bad Request: chat not found' };
    const other = scripted([refused, { ok: true, result: true }]);
    expect(await retryAfter()(other.prev, 'sendMessage', {} as never)).toEqual(refused);
    expect(other.times).toHaveLength(1);
  });
});
