import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPortUrl, OpenAiFake } from '../test/fakes/openai-server.ts';
import { ANSWER, QUESTION, REFERENCE, chatCount, chunk, judgeCase, judgeTrace, json, openAiJudge, scriptedJudge, sentTo } from '../test/fakes/judge-fixtures.ts';
import { faithfulness } from './faithfulness.ts';
import { hallucination } from './hallucination.ts';

const CLAIMS = ['Annual plans can be refunded within 30 days.', 'Refunds go back to the original card.', 'Refunds take 5 days.'];
const verdicts = (...supported: boolean[]) => json({ verdicts: supported.map((s, i) => ({ claim: CLAIMS[i], reason: s ? 'stated' : 'not stated', supported: s })) });
const RETRIEVED = [chunk('billing.md#0', 'Annual plans: refund within 30 days.'), chunk('billing.md#1', 'Refunds are paid to the original card.')];

describe('faithfulness', () => {
  let fake: OpenAiFake;
  beforeEach(async () => {
    fake = await new OpenAiFake().start();
  });
  afterEach(() => fake.close());

  it('splits the answer into claims, checks them against the retrieved chunks, and scores supported / total = 2/3', async () => {
    fake.say({ text: json({ claims: CLAIMS }) }, { text: verdicts(true, true, false) });
    const score = await faithfulness().score({ case: judgeCase(), trace: judgeTrace({ retrieved: RETRIEVED }), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ scorer: 'faithfulness', status: 'scored', value: 2 / 3, pass: true, reason: '2 of 3 claims supported by the retrieved context' });
    expect(score!.details!.claims).toEqual([
      { claim: CLAIMS[0], supported: true, reason: 'stated' },
      { claim: CLAIMS[1], supported: true, reason: 'stated' },
      { claim: CLAIMS[2], supported: false, reason: 'not stated' },
    ]);
    expect(score!.details!.judge).toMatchObject({ calls: 2 });
    const extract = sentTo(fake, 0).user;
    expect(extract).toContain(`<question>\n${QUESTION}\n</question>`);
    expect(extract).toContain(`<answer>\n${ANSWER}\n</answer>`);
    const verify = sentTo(fake, 1).user;
    expect(verify).toContain('<source>\n[1] billing.md#0\nAnnual plans: refund within 30 days.\n\n[2] billing.md#1\nRefunds are paid to the original card.\n</source>');
    expect(verify).toContain(`<claims>\n1. ${CLAIMS[0]}\n2. ${CLAIMS[1]}\n3. ${CLAIMS[2]}\n</claims>`);
  });

  it('counts a chunk two searches retrieved once', async () => {
    fake.say({ text: json({ claims: CLAIMS.slice(0, 1) }) }, { text: verdicts(true) });
    const trace = judgeTrace({ retrieved: [RETRIEVED[0]!, RETRIEVED[0]!] });
    await faithfulness().score({ case: judgeCase(), trace, judge: openAiJudge(fake) });
    expect(sentTo(fake, 1).user).toContain('<source>\n[1] billing.md#0\nAnnual plans: refund within 30 days.\n</source>');
  });

  it('asks again when the verdicts do not match the claims one for one', async () => {
    fake.say({ text: json({ claims: CLAIMS }) }, { text: verdicts(true, true) }, { text: verdicts(false, false, true) });
    const score = await faithfulness({ threshold: 0.5 }).score({ case: judgeCase(), trace: judgeTrace({ retrieved: RETRIEVED }), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ value: 1 / 3, pass: false, details: { judge: { calls: 3 } } });
    expect(sentTo(fake, 2).messages.at(-1)!.content).toContain('3 claims were given but 2 verdicts came back');
  });

  it('is skipped when the answer makes no claims (RAGAS gives NaN), after asking only for the claims', async () => {
    fake.say({ text: json({ claims: [] }) });
    const score = await faithfulness().score({ case: judgeCase(), trace: judgeTrace({ retrieved: RETRIEVED, finalAnswer: "I don't know." }), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ status: 'skipped', value: null, pass: null, reason: 'the answer makes no factual claims to check' });
    expect(chatCount(fake)).toBe(1);
  });

  it('is skipped without a judge call when nothing was retrieved', async () => {
    const score = await faithfulness().score({ case: judgeCase(), trace: judgeTrace(), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^no retrieved context/) });
    expect(chatCount(fake)).toBe(0);
  });

  it('records a judge error after 3 claim lists that do not parse', async () => {
    const judge = scriptedJudge(['claims: one', '{"claims": "one"}', '{"statements": []}']);
    const score = await faithfulness().score({ case: judgeCase(), trace: judgeTrace({ retrieved: RETRIEVED }), judge });
    expect(score).toMatchObject({ status: 'error', value: null, pass: null, details: { judge: { calls: 3 } } });
    expect(score!.reason).toMatch(/gave no usable reply to claims\.extract in 3 calls/);
  });

  it('is skipped with the reason when the judge is unreachable', async () => {
    const score = await faithfulness().score({ case: judgeCase(), trace: judgeTrace({ retrieved: RETRIEVED }), judge: openAiJudge(await closedPortUrl()) });
    expect(score).toMatchObject({ status: 'skipped', value: null, pass: null, reason: expect.stringMatching(/could not be asked \(unreachable\)/) });
  });
});

describe('hallucination', () => {
  let fake: OpenAiFake;
  beforeEach(async () => {
    fake = await new OpenAiFake().start();
  });
  afterEach(() => fake.close());

  it('scores 1 - unsupported share = 1 - 1/3 = 2/3 and fails on any unsupported claim by default', async () => {
    fake.say({ text: json({ claims: CLAIMS }) }, { text: verdicts(true, true, false) });
    const score = await hallucination().score({ case: judgeCase(), trace: judgeTrace({ retrieved: RETRIEVED }), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ value: 2 / 3, pass: false, reason: `1 of 3 claims not supported by the retrieved context: "${CLAIMS[2]}"`, details: { against: 'context', unsupported: [CLAIMS[2]] } });
  });

  it('passes when the unsupported share is at most max_rate', async () => {
    const judge = scriptedJudge([json({ claims: CLAIMS }), verdicts(true, true, false)]);
    const score = await hallucination({ max_rate: 0.34 }).score({ case: judgeCase(), trace: judgeTrace({ retrieved: RETRIEVED }), judge });
    expect(score).toMatchObject({ value: 2 / 3, pass: true });
  });

  it('checks against the reference answer when nothing was retrieved', async () => {
    fake.say({ text: json({ claims: CLAIMS.slice(0, 2) }) }, { text: verdicts(true, false) });
    const score = await hallucination().score({ case: judgeCase(), trace: judgeTrace(), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ value: 0.5, pass: false, details: { against: 'reference' } });
    expect(sentTo(fake, 1).user).toContain(`<source>\n${REFERENCE}\n</source>`);
  });

  it('lists every acceptable reference answer as the source', async () => {
    fake.say({ text: json({ claims: CLAIMS.slice(0, 1) }) }, { text: verdicts(true) });
    const c = judgeCase({ expected_answer: ['30 days.', 'One month.'] });
    const score = await hallucination().score({ case: c, trace: judgeTrace(), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ value: 1, pass: true, reason: 'all 1 claims supported by the reference answer' });
    expect(sentTo(fake, 1).user).toContain('<source>\nAcceptable answers:\n1. 30 days.\n2. One month.\n</source>');
  });

  it('records a judge error after exactly 3 verdict lists that do not fit', async () => {
    fake.say({ text: json({ claims: CLAIMS.slice(0, 1) }) }, { text: '{"verdicts": [{"claim": "x", "supported": "yes"}]}' }, { text: 'supported' }, { text: '{"verdicts": 1}' });
    const score = await hallucination().score({ case: judgeCase(), trace: judgeTrace({ retrieved: RETRIEVED }), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ status: 'error', value: null, pass: null, reason: expect.stringContaining('gave no usable reply to claims.verify in 3 calls'), details: { judge: { calls: 4 } } });
    expect(chatCount(fake)).toBe(4);
  });

  it('is skipped with neither context nor reference', async () => {
    const c = judgeCase({ expected_answer: undefined, expected_contains: '30' });
    expect(await hallucination().score({ case: c, trace: judgeTrace(), judge: openAiJudge(fake) })).toMatchObject({ status: 'skipped', reason: 'no retrieved context and no reference answer to check the claims against' });
  });

  it('shares the judge answers with faithfulness on the same attempt, so the two agree for the price of one', async () => {
    fake.say({ text: json({ claims: CLAIMS }) }, { text: verdicts(true, false, false) });
    const input = { case: judgeCase(), trace: judgeTrace({ retrieved: RETRIEVED }), judge: openAiJudge(fake) };
    const f = await faithfulness().score(input);
    const h = await hallucination().score(input);
    expect([f!.value, h!.value]).toEqual([1 / 3, 1 / 3]);
    expect(chatCount(fake)).toBe(2);
    expect(h!.details!.judge).toMatchObject({ calls: 0, reused: 2, cost_usd: 0 });
  });
});
