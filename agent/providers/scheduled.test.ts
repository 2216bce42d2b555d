import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenAiFake, collect, rejection } from '../../test/fakes/openai-server.ts';
import type { Clock } from './scheduler/clock.ts';
import { WINDOW_MS } from './scheduler/rate-window.ts';
import { Scheduler } from './scheduler/scheduler.ts';
import { openaiProvider } from './openai.ts';
import { DEFAULT_OUTPUT_ESTIMATE, estimateCallTokens, scheduledChatModel } from './scheduled.ts';
import { estimateInputTokens } from './usage.ts';
import type { ChatModel, ChatRequest } from './types.ts';

/** A clock that only moves when the test says so (the HTTP traffic is real). */
class ManualClock implements Clock {
  t = 0;
  private timers: { at: number; fn: () => void }[] = [];
  now(): number {
    return this.t;
  }
  setTimer(fn: () => void, ms: number): () => void {
    const timer = { at: this.t + ms, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }
  advance(ms: number): void {
    this.t += ms;
    const due = this.timers.filter((t) => t.at <= this.t);
    this.timers = this.timers.filter((t) => t.at > this.t);
    for (const timer of due) timer.fn();
  }
}

const HI: ChatRequest = { messages: [{ role: 'user', content: 'hi' }] };

/** Lets pending continuations (and any request the scheduler wrongly let out) run a few rounds. */
async function ticks(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Polls (a few ms at a time) until `condition` holds; fails after a second. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

describe('scheduledChatModel', () => {
  let fake: OpenAiFake;
  let inner: ChatModel;
  beforeEach(async () => {
    fake = await new OpenAiFake().start();
    inner = openaiProvider.create('gpt-4o-mini', { baseUrl: `${fake.url}/v1`, apiKey: 'sk-test', retries: 0 });
  });
  afterEach(() => fake.close());

  it('keeps the inner model’s identity and answers through it', async () => {
    fake.say({ text: 'hello' });
    const model = scheduledChatModel(inner, new Scheduler());
    expect(model).toMatchObject({ id: 'openai:gpt-4o-mini', provider: 'openai', model: 'gpt-4o-mini' });
    expect(await model.chat(HI)).toMatchObject({ text: 'hello', finishReason: 'stop' });
    expect(fake.requests).toHaveLength(1);
  });

  it('estimates a call as its input tokens plus maxTokens, or 512 when unset', () => {
    const request: ChatRequest = {
      messages: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: 'What is the refund window?' }],
      tools: [{ name: 'search', description: 'search the docs', parameters: { type: 'object', properties: { q: { type: 'string' } } } }],
    };
    expect(estimateCallTokens(request)).toBe(estimateInputTokens(request) + DEFAULT_OUTPUT_ESTIMATE);
    expect(estimateCallTokens({ ...request, maxTokens: 64 })).toBe(estimateInputTokens(request) + 64);
  });

  it('holds chat() calls to the lane’s concurrency', async () => {
    fake.fault({ kind: 'delay', ms: 50 }).say({ text: 'one' }, { text: 'two' });
    const scheduler = new Scheduler({ providers: { openai: { concurrency: 1 } } });
    const model = scheduledChatModel(inner, scheduler);
    const first = model.chat(HI);
    const second = model.chat(HI);
    await until(() => fake.requests.length === 1);
    expect(scheduler.stats().openai).toMatchObject({ inFlight: 1, queued: 1 });
    expect((await first).text).toBe('one');
    expect((await second).text).toBe('two');
    expect(fake.requests).toHaveLength(2);
    expect(scheduler.stats().openai).toMatchObject({ inFlight: 0, queued: 0, started: 2 });
  });

  it('halves the lane when the API answers 429', async () => {
    fake.fault({ kind: 'status', status: 429, headers: { 'retry-after': '0' } });
    const scheduler = new Scheduler();
    const model = scheduledChatModel(inner, scheduler);
    const error = await rejection(model.chat(HI));
    expect(error.kind).toBe('rate_limited');
    expect(scheduler.stats().openai).toMatchObject({ limit: 4, maxConcurrency: 8, rateLimited: 1, decreases: 1, inFlight: 0, pausedForMs: 0 });
    fake.say({ text: 'fine now' });
    expect((await model.chat(HI)).text).toBe('fine now');
  });

  it('halves the lane once when several calls meet 429 together', async () => {
    for (let i = 0; i < 3; i++) fake.fault({ kind: 'status', status: 429, headers: { 'retry-after': '0' } });
    const scheduler = new Scheduler();
    const model = scheduledChatModel(inner, scheduler);
    const errors = await Promise.all([1, 2, 3].map(() => rejection(model.chat(HI))));
    expect(errors.map((e) => e.kind)).toEqual(['rate_limited', 'rate_limited', 'rate_limited']);
    expect(scheduler.stats().openai).toMatchObject({ limit: 4, rateLimited: 3, decreases: 1 });
  });

  it('holds a stream’s slot until the stream ends', async () => {
    fake.say({ text: 'streamed answer here' }, { text: 'after' });
    const scheduler = new Scheduler({ providers: { openai: { concurrency: 1 } } });
    const model = scheduledChatModel(inner, scheduler);
    const iterator = model.stream(HI)[Symbol.asyncIterator]();
    expect(await iterator.next()).toMatchObject({ value: { type: 'text' } });
    const second = model.chat(HI);
    await ticks();
    expect(fake.requests).toHaveLength(1);
    expect(scheduler.stats().openai).toMatchObject({ inFlight: 1, queued: 1 });
    const rest = [];
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) rest.push(step.value);
    expect(rest.at(-1)).toMatchObject({ type: 'done', result: { text: 'streamed answer here' } });
    expect((await second).text).toBe('after');
    expect(scheduler.stats().openai).toMatchObject({ inFlight: 0, queued: 0, started: 2 });
  });

  it('frees a stream’s slot when its consumer leaves early, counting nothing', async () => {
    fake.say({ text: 'a long streamed answer' });
    const scheduler = new Scheduler({ providers: { openai: { concurrency: 1 } } });
    const model = scheduledChatModel(inner, scheduler);
    for await (const event of model.stream(HI)) {
      expect(event.type).toBe('text');
      break;
    }
    expect(scheduler.stats().openai).toMatchObject({ inFlight: 0, rateLimited: 0, increases: 0 });
  });

  it('counts a stream that fails with 429 against the lane', async () => {
    fake.fault({ kind: 'status', status: 429, headers: { 'retry-after': '0' } });
    const scheduler = new Scheduler();
    const model = scheduledChatModel(inner, scheduler);
    const error = await rejection(collect(model.stream(HI)));
    expect(error.kind).toBe('rate_limited');
    expect(scheduler.stats().openai).toMatchObject({ limit: 4, rateLimited: 1, inFlight: 0 });
  });

  it('charges calls against tpm, raised to the usage the answer reports', async () => {
    const clock = new ManualClock();
    const scheduler = new Scheduler({ providers: { openai: { tpm: 6000 } }, clock });
    const model = scheduledChatModel(inner, scheduler);
    const request: ChatRequest = { ...HI, maxTokens: 100 };
    // Charged ~101 up front; the answer reports 5990 tokens, which is what the window keeps.
    fake.say({ text: 'big', usage: { input: 5900, output: 90 } }, { text: 'next minute' });
    await model.chat(request);
    const next = model.chat(request);
    await ticks();
    expect(fake.requests).toHaveLength(1);
    expect(scheduler.stats().openai!.queued).toBe(1);
    clock.advance(WINDOW_MS);
    expect((await next).text).toBe('next minute');
  });

  it('charges a stream against rpm as one request', async () => {
    const clock = new ManualClock();
    const scheduler = new Scheduler({ providers: { openai: { rpm: 1 } }, clock });
    const model = scheduledChatModel(inner, scheduler);
    fake.say({ text: 'first' }, { text: 'second' });
    await collect(model.stream(HI));
    const next = collect(model.stream(HI));
    await ticks();
    expect(fake.requests).toHaveLength(1);
    clock.advance(WINDOW_MS);
    expect((await next).at(-1)).toMatchObject({ type: 'done', result: { text: 'second' } });
  });

  it('rejects a queued call with aborted when its signal fires, sending nothing', async () => {
    fake.fault({ kind: 'delay', ms: 50 }).say({ text: 'slow' });
    const scheduler = new Scheduler({ providers: { openai: { concurrency: 1 } } });
    const model = scheduledChatModel(inner, scheduler);
    const first = model.chat(HI);
    const controller = new AbortController();
    const queuedChat = model.chat({ ...HI, signal: controller.signal });
    const queuedStream = collect(model.stream({ ...HI, signal: controller.signal }));
    await until(() => fake.requests.length === 1);
    controller.abort();
    expect((await rejection(queuedChat)).kind).toBe('aborted');
    expect((await rejection(queuedStream)).kind).toBe('aborted');
    expect((await first).text).toBe('slow');
    expect(fake.requests).toHaveLength(1);
    expect(scheduler.stats().openai).toMatchObject({ inFlight: 0, queued: 0, started: 1 });
  });
});
