import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallCache } from '../agent/providers/cache.ts';
import { faithfulness } from './faithfulness.ts';
import { resolveJudge } from './resolve.ts';
import { rubric } from './rubric.ts';
import { chatCount, chunk, judgeCase, judgeTrace, json } from '../test/fakes/judge-fixtures.ts';
import { OpenAiFake, TEST_KEY } from '../test/fakes/openai-server.ts';
import { judgeForAttempt } from './access.ts';
import { Scheduler } from '../agent/providers/scheduler/scheduler.ts';

describe('judgeForAttempt', () => {
  let fake: OpenAiFake;
  let cache: CallCache;
  beforeEach(async () => {
    fake = await new OpenAiFake().start();
    cache = new CallCache(':memory:');
  });
  afterEach(async () => {
    cache.close();
    await fake.close();
  });

  const judge = () => resolveJudge('openai:gpt-4o-mini', { providerOptions: { baseUrl: `${fake.url}/v1`, apiKey: TEST_KEY, env: {}, retries: 0 } });
  const criteria = { criteria: 'Correct.', steps: ['Check.'] };

  it('passes on why there is no judge, and the judge scorers are skipped with it', async () => {
    const access = judgeForAttempt(resolveJudge(undefined), judgeCase(), 0, new Scheduler(), undefined);
    expect(access.available).toBe(false);
    const score = await rubric(criteria).score({ case: judgeCase(), trace: judgeTrace(), judge: access });
    expect(score).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^no judge configured: add `judge: <target id>` to the suite/) });
  });

  it('gives each attempt a judge behind the scheduler lane and the cache under its repeat index', async () => {
    fake.say({ text: json({ reasoning: 'r0', score: 5 }) }, { text: json({ reasoning: 'r1', score: 1 }) });
    const prepared = judge();
    const scheduler = new Scheduler();
    const caching = { cache, mode: 'on' as const };
    const scoreOn = (repeat: number) => rubric(criteria).score({ case: judgeCase(), trace: judgeTrace(), judge: judgeForAttempt(prepared, judgeCase(), repeat, scheduler, caching) });
    expect(await scoreOn(0)).toMatchObject({ value: 1, details: { judge: { calls: 1, cached_calls: 0 } } });
    // Another attempt of repeat 0 asks the same: the cache answers, no HTTP request.
    expect(await scoreOn(0)).toMatchObject({ value: 1, details: { judge: { calls: 1, cached_calls: 1 } } });
    expect(chatCount(fake)).toBe(1);
    // Repeat 1 is its own draw.
    expect(await scoreOn(1)).toMatchObject({ value: 0, details: { judge: { calls: 1, cached_calls: 0 } } });
    expect(chatCount(fake)).toBe(2);
    expect(scheduler.stats().openai).toMatchObject({ started: 2 });
  });

  it('replays a judge answer from the cache with no key and no server', async () => {
    fake.say({ text: json({ reasoning: 'r', score: 4 }) });
    const recorded = await rubric(criteria).score({ case: judgeCase(), trace: judgeTrace(), judge: judgeForAttempt(judge(), judgeCase(), 0, new Scheduler(), { cache, mode: 'on' }) });
    const url = fake.url;
    await fake.close();
    const replaying = resolveJudge('openai:gpt-4o-mini', { providerOptions: { baseUrl: `${url}/v1`, env: {}, retries: 0 }, keys: false });
    const replayed = await rubric(criteria).score({ case: judgeCase(), trace: judgeTrace(), judge: judgeForAttempt(replaying, judgeCase(), 0, new Scheduler(), { cache, mode: 'replay' }) });
    expect(replayed!.value).toBe(recorded!.value);
    expect(replayed!.value).toBe(0.75);
  });

  it('skips the judge scores of a replay whose judge answer was never recorded, naming the case', async () => {
    const replaying = resolveJudge('openai:gpt-4o-mini', { providerOptions: { baseUrl: `${fake.url}/v1`, env: {}, retries: 0 }, keys: false });
    const trace = judgeTrace({ retrieved: [chunk('a.md#0', 'text')] });
    const score = await faithfulness().score({ case: judgeCase(), trace, judge: judgeForAttempt(replaying, judgeCase(), 0, new Scheduler(), { cache, mode: 'replay' }) });
    expect(score).toMatchObject({ status: 'skipped', reason: expect.stringContaining('replay: no cached answer for case refund-1 (judge) on openai:gpt-4o-mini') });
    expect(chatCount(fake)).toBe(0);
  });
});
