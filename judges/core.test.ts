import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CallCache } from '../agent/providers/cache.ts';
import { cachedChatModel } from '../agent/providers/cached-models.ts';
import { closedPortUrl, OpenAiFake } from '../test/fakes/openai-server.ts';
import { chatCount, json, openAiJudge, scriptedJudge, sentTo } from '../test/fakes/judge-fixtures.ts';
import { askJudge, parseJudgeReply } from './core.ts';
import { definePrompt } from './prompts/template.ts';
import { JudgeUsage } from './usage.ts';

const Verdict = z.object({ reason: z.string(), ok: z.boolean() }).strict();
const PROMPT = definePrompt({ id: 'test.verdict', system: 'You judge.', template: 'Is {{thing}} fine?', schema: Verdict });

describe('parseJudgeReply', () => {
  it('reads plain JSON, and JSON inside a ```json fence with or without words around it', () => {
    expect(parseJudgeReply('{"reason":"r","ok":true}', Verdict)).toEqual({ ok: true, value: { reason: 'r', ok: true } });
    expect(parseJudgeReply('```json\n{"reason":"r","ok":false}\n```', Verdict)).toEqual({ ok: true, value: { reason: 'r', ok: false } });
    expect(parseJudgeReply('Here it is:\n```\n{"reason":"r","ok":true}\n```\nDone.', Verdict)).toEqual({ ok: true, value: { reason: 'r', ok: true } });
  });

  it('says what is wrong with a reply that is empty, not JSON, or off the schema', () => {
    expect(parseJudgeReply('  ', Verdict)).toEqual({ ok: false, error: 'the reply was empty' });
    expect(parseJudgeReply('ok: yes', Verdict)).toMatchObject({ ok: false, error: expect.stringMatching(/^the reply is not valid JSON \(/) });
    expect(parseJudgeReply('{"reason":"r","ok":"yes"}', Verdict)).toEqual({ ok: false, error: 'the reply does not fit the schema (ok: Invalid input: expected boolean, received string)' });
    expect(parseJudgeReply('{"reason":"r","ok":true,"score":3}', Verdict)).toMatchObject({ ok: false, error: expect.stringContaining('Unrecognized key: "score"') });
  });
});

describe('askJudge through the openai SDK and the fake server', () => {
  let fake: OpenAiFake;
  beforeEach(async () => {
    fake = await new OpenAiFake().start();
  });
  afterEach(() => fake.close());

  it('asks at temperature 0 for the JSON schema (in response_format and in the system text) and returns the parsed reply', async () => {
    fake.say({ text: json({ reason: 'looks right', ok: true }), usage: { input: 1000, output: 500 } });
    const usage = new JudgeUsage('openai:gpt-4o-mini');
    const result = await askJudge(openAiJudge(fake), PROMPT, { thing: 'the moon' }, usage);
    expect(result).toEqual({ ok: true, value: { reason: 'looks right', ok: true } });
    const { body, system, user } = sentTo(fake, 0);
    expect(body.temperature).toBe(0);
    const schema = { type: 'object', properties: { reason: { type: 'string' }, ok: { type: 'boolean' } }, required: ['reason', 'ok'], additionalProperties: false };
    expect(body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'test_verdict', schema } });
    expect(system).toBe(`You judge.\n\nReply with one JSON object and nothing else. It must fit this JSON Schema:\n${JSON.stringify(schema)}`);
    expect(user).toBe('Is the moon fine?');
    // gpt-4o-mini: 1000 × $0.15/M + 500 × $0.60/M
    expect(usage.summary()).toEqual({ model: 'openai:gpt-4o-mini', calls: 1, cached_calls: 0, reused: 0, cost_usd: 0.00045, input_tokens: 1000, output_tokens: 500 });
  });

  it('asks again with the problem quoted after an unusable reply, and takes the second reply', async () => {
    fake.say({ text: 'Sure! It is fine.' }, { text: '```json\n{"reason":"fine","ok":true}\n```' });
    const usage = new JudgeUsage('j');
    const result = await askJudge(openAiJudge(fake), PROMPT, { thing: 'x' }, usage);
    expect(result).toEqual({ ok: true, value: { reason: 'fine', ok: true } });
    expect(chatCount(fake)).toBe(2);
    const retry = sentTo(fake, 1).messages;
    expect(retry).toHaveLength(4);
    expect(retry[2]).toEqual({ role: 'assistant', content: 'Sure! It is fine.' });
    expect(retry[3]!.role).toBe('user');
    expect(retry[3]!.content).toMatch(/^That reply could not be used: the reply is not valid JSON \(.*\)\. Reply again with only the JSON object, fitting the schema\.$/);
    expect(usage.summary().calls).toBe(2);
  });

  it('gives up after exactly 3 unusable replies with an error naming the last problem', async () => {
    fake.say({ text: 'no' }, { text: '{"reason":"r"}' }, { text: '{"reason":"r","ok":"maybe"}' }, { text: json({ reason: 'never asked', ok: true }) });
    const usage = new JudgeUsage('openai:gpt-4o-mini');
    const result = await askJudge(openAiJudge(fake), PROMPT, { thing: 'x' }, usage);
    expect(result).toEqual({
      ok: false,
      status: 'error',
      reason: 'judge openai:gpt-4o-mini gave no usable reply to test.verdict in 3 calls; the last: the reply does not fit the schema (ok: Invalid input: expected boolean, received string)',
    });
    expect(chatCount(fake)).toBe(3);
    expect(sentTo(fake, 2).messages).toHaveLength(6);
  });

  it('applies an input-dependent check and retries when it fails', async () => {
    fake.say({ text: json({ reason: 'a', ok: false }) }, { text: json({ reason: 'b', ok: true }) });
    const result = await askJudge(openAiJudge(fake), PROMPT, { thing: 'x' }, new JudgeUsage('j'), { check: (v) => (v.ok ? undefined : 'ok must be true here') });
    expect(result).toEqual({ ok: true, value: { reason: 'b', ok: true } });
    expect(sentTo(fake, 1).messages[3]!.content).toContain('That reply could not be used: ok must be true here.');
  });

  it('skips, with the provider reason, when the key is refused', async () => {
    fake.fault({ kind: 'status', status: 401, body: { error: { message: 'Incorrect API key provided' } } });
    const result = await askJudge(openAiJudge(fake), PROMPT, { thing: 'x' }, new JudgeUsage('j'));
    expect(result).toMatchObject({ ok: false, status: 'skipped', reason: expect.stringMatching(/^judge openai:gpt-4o-mini could not be asked \(auth\): /) });
    expect(chatCount(fake)).toBe(1);
  });

  it('skips, with the provider reason, when the judge server is not there (a closed loopback port)', async () => {
    const result = await askJudge(openAiJudge(await closedPortUrl()), PROMPT, { thing: 'x' }, new JudgeUsage('j'));
    expect(result).toMatchObject({ ok: false, status: 'skipped', reason: expect.stringMatching(/could not be asked \(unreachable\): openai: cannot reach http:\/\/127\.0\.0\.1:\d+\/v1/) });
  });

  it('asks the same question once per attempt: a second scorer reuses the answer', async () => {
    fake.say({ text: json({ reason: 'r', ok: true }) });
    const judge = openAiJudge(fake);
    const first = new JudgeUsage('j');
    const second = new JudgeUsage('j');
    await askJudge(judge, PROMPT, { thing: 'x' }, first);
    expect(await askJudge(judge, PROMPT, { thing: 'x' }, second)).toEqual({ ok: true, value: { reason: 'r', ok: true } });
    expect(chatCount(fake)).toBe(1);
    expect([first.summary().calls, second.summary().calls, second.summary().reused]).toEqual([1, 0, 1]);
  });

  it('answers a repeat of the same judge call from the model-call cache without an HTTP request', async () => {
    fake.say({ text: json({ reason: 'cached', ok: true }), usage: { input: 1000, output: 500 } });
    const cache = new CallCache(':memory:');
    const inner = openAiJudge(fake).model;
    const attempt = () => ({ available: true as const, id: inner.id, model: cachedChatModel(inner, cache, { mode: 'on', repeat: 0 }) });
    const first = await askJudge(attempt(), PROMPT, { thing: 'x' }, new JudgeUsage('j'));
    const usage = new JudgeUsage('j');
    const again = await askJudge(attempt(), PROMPT, { thing: 'x' }, usage);
    expect(again).toEqual(first);
    expect(chatCount(fake)).toBe(1);
    expect(usage.summary()).toMatchObject({ calls: 1, cached_calls: 1, cost_usd: 0.00045 });
    cache.close();
  });
});

describe('askJudge through a scripted judge file', () => {
  it('replays the file one reply per call, retries included', async () => {
    const judge = scriptedJudge(['not json', json({ reason: 'r', ok: true })]);
    const usage = new JudgeUsage(judge.id);
    expect(await askJudge(judge, PROMPT, { thing: 'x' }, usage)).toEqual({ ok: true, value: { reason: 'r', ok: true } });
    expect(usage.summary()).toMatchObject({ calls: 2, cost_usd: 0 });
  });
});
