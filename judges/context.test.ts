import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPortUrl, OpenAiFake } from '../test/fakes/openai-server.ts';
import { QUESTION, REFERENCE, chatCount, chunk, judgeCase, judgeTrace, json, openAiJudge, scriptedJudge, sentTo } from '../test/fakes/judge-fixtures.ts';
import { averagePrecisionOfVerdicts, contextPrecision } from './context-precision.ts';
import { contextRecall } from './context-recall.ts';

const CHUNKS = [chunk('billing.md#0', 'Annual plans: refund within 30 days.'), chunk('faq.md#3', 'Passwords are reset from the login page.'), chunk('billing.md#2', 'Refunds are counted from the purchase date.')];
const useful = (u: boolean) => ({ text: json({ reason: u ? 'gives the window' : 'off topic', useful: u }) });

describe('averagePrecisionOfVerdicts (RAGAS context precision)', () => {
  it('averages precision@k over the useful ranks, and is 0 with none useful', () => {
    expect(averagePrecisionOfVerdicts([true, false, true])).toBeCloseTo((1 / 1 + 2 / 3) / 2, 12);
    expect(averagePrecisionOfVerdicts([false, true, false])).toBe(0.5);
    expect(averagePrecisionOfVerdicts([false, false, true, true])).toBeCloseTo((1 / 3 + 2 / 4) / 2, 12);
    expect(averagePrecisionOfVerdicts([true, true])).toBe(1);
    expect(averagePrecisionOfVerdicts([false, false])).toBe(0);
  });
});

describe('context_precision', () => {
  let fake: OpenAiFake;
  beforeEach(async () => {
    fake = await new OpenAiFake().start();
  });
  afterEach(() => fake.close());

  it('judges each chunk in rank order against the reference answer: useful, not, useful = (1 + 2/3) / 2', async () => {
    fake.say(useful(true), useful(false), useful(true));
    const score = await contextPrecision().score({ case: judgeCase(), trace: judgeTrace({ retrieved: CHUNKS }), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ scorer: 'context_precision', status: 'scored', pass: true, reason: 'average precision 0.8333: 2 of 3 retrieved chunks useful for the reference answer' });
    expect(score!.value).toBeCloseTo(5 / 6, 12);
    expect(score!.details).toMatchObject({ verdicts: [{ chunk: 'billing.md#0', useful: true }, { chunk: 'faq.md#3', useful: false }, { chunk: 'billing.md#2', useful: true }], judge: { calls: 3 } });
    for (const [i, c] of CHUNKS.entries()) {
      const { user } = sentTo(fake, i);
      expect(user).toContain(`<question>\n${QUESTION}\n</question>`);
      expect(user).toContain(`<reference_answer>\n${REFERENCE}\n</reference_answer>`);
      expect(user).toContain(`<passage>\n${c.text}\n</passage>`);
    }
  });

  it('scores 0 and fails when no chunk is useful', async () => {
    const judge = scriptedJudge([useful(false).text, useful(false).text, useful(false).text]);
    expect(await contextPrecision().score({ case: judgeCase(), trace: judgeTrace({ retrieved: CHUNKS }), judge })).toMatchObject({ value: 0, pass: false });
  });

  it('judges only the first k chunks when k is set', async () => {
    fake.say(useful(false), useful(true));
    const score = await contextPrecision({ k: 2 }).score({ case: judgeCase(), trace: judgeTrace({ retrieved: CHUNKS }), judge: openAiJudge(fake) });
    expect(score!.value).toBe(0.5);
    expect(chatCount(fake)).toBe(2);
  });

  it('has nothing to check without a reference answer, and is skipped without retrieved context', async () => {
    const noReference = judgeCase({ expected_answer: undefined, expected_contains: '30' });
    expect(await contextPrecision().score({ case: noReference, trace: judgeTrace({ retrieved: CHUNKS }), judge: openAiJudge(fake) })).toBeNull();
    expect(await contextPrecision().score({ case: judgeCase(), trace: judgeTrace(), judge: openAiJudge(fake) })).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^no retrieved context/) });
    expect(chatCount(fake)).toBe(0);
  });

  it('records a judge error, keeping the verdicts so far, when a chunk gets 3 unusable replies', async () => {
    fake.say(useful(true), { text: 'yes' }, { text: 'yes' }, { text: 'yes' });
    const score = await contextPrecision().score({ case: judgeCase(), trace: judgeTrace({ retrieved: CHUNKS }), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ status: 'error', value: null, pass: null, details: { verdicts: [{ chunk: 'billing.md#0', useful: true }], judge: { calls: 4 } } });
  });

  it('is skipped when the judge is unreachable', async () => {
    const score = await contextPrecision().score({ case: judgeCase(), trace: judgeTrace({ retrieved: CHUNKS }), judge: openAiJudge(await closedPortUrl()) });
    expect(score).toMatchObject({ status: 'skipped', reason: expect.stringContaining('(unreachable)') });
  });
});

describe('context_recall', () => {
  let fake: OpenAiFake;
  beforeEach(async () => {
    fake = await new OpenAiFake().start();
  });
  afterEach(() => fake.close());

  const statement = (text: string, attributed: boolean) => ({ statement: text, reason: attributed ? 'in passage 1' : 'not found', attributed });

  it('attributes each reference statement to the context: 3 of 4 = 0.75', async () => {
    fake.say({
      text: json({ statements: [statement('Annual plans are refundable.', true), statement('The window is 30 days.', true), statement('It counts from purchase.', true), statement('Monthly plans are not refundable.', false)] }),
    });
    const c = judgeCase({ expected_answer: 'Annual plans are refundable within 30 days of purchase. Monthly plans are not refundable.' });
    const score = await contextRecall().score({ case: c, trace: judgeTrace({ retrieved: CHUNKS }), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ scorer: 'context_recall', value: 0.75, pass: true, reason: '3 of 4 reference statements found in the retrieved context', details: { judge: { calls: 1 } } });
    const { user } = sentTo(fake, 0);
    expect(user).toContain(`<question>\n${QUESTION}\n</question>`);
    expect(user).toContain(`<context>\n[1] billing.md#0\n${CHUNKS[0]!.text}\n\n[2] faq.md#3\n${CHUNKS[1]!.text}\n\n[3] billing.md#2\n${CHUNKS[2]!.text}\n</context>`);
    expect(user).toContain('<reference_answer>\nAnnual plans are refundable within 30 days of purchase. Monthly plans are not refundable.\n</reference_answer>');
  });

  it('takes the first of several acceptable reference answers', async () => {
    fake.say({ text: json({ statements: [statement('30 days.', false)] }) });
    const c = judgeCase({ expected_answer: ['30 days.', 'One month.'] });
    expect(await contextRecall().score({ case: c, trace: judgeTrace({ retrieved: CHUNKS }), judge: openAiJudge(fake) })).toMatchObject({ value: 0, pass: false });
    expect(sentTo(fake, 0).user).toContain('<reference_answer>\n30 days.\n</reference_answer>');
  });

  it('is skipped when the judge finds no statement in the reference, and when nothing was retrieved', async () => {
    const judge = scriptedJudge([json({ statements: [] })]);
    expect(await contextRecall().score({ case: judgeCase(), trace: judgeTrace({ retrieved: CHUNKS }), judge })).toMatchObject({ status: 'skipped', reason: 'the judge found no statements in the reference answer' });
    expect(await contextRecall().score({ case: judgeCase(), trace: judgeTrace(), judge })).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^no retrieved context/) });
  });

  it('records a judge error after exactly 3 unusable replies', async () => {
    fake.say({ text: json({ statements: [{ statement: 'x', attributed: 'yes' }] }) }, { text: '' }, { text: '[]' });
    const score = await contextRecall().score({ case: judgeCase(), trace: judgeTrace({ retrieved: CHUNKS }), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ status: 'error', value: null, pass: null, details: { judge: { calls: 3 } } });
    expect(chatCount(fake)).toBe(3);
  });
});
