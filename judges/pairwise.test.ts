import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenAiFake } from '../test/fakes/openai-server.ts';
import { ANSWER, QUESTION, REFERENCE, chatCount, judgeCase, judgeTrace, json, openAiJudge, scriptedJudge, sentTo } from '../test/fakes/judge-fixtures.ts';
import { NO_JUDGE } from './outcome.ts';
import { comparePair, DEFAULT_PAIRWISE_CRITERIA, pairwiseReference } from './pairwise.ts';

const verdict = (v: '1' | '2' | 'tie') => ({ text: json({ reasoning: `verdict ${v}`, verdict: v }) });
const PAIR = { question: 'What is 2 + 2?', answerA: 'It is 4.', answerB: 'It is 5.' };

describe('comparePair', () => {
  let fake: OpenAiFake;
  beforeEach(async () => {
    fake = await new OpenAiFake().start();
  });
  afterEach(() => fake.close());

  it('asks with A first and then with the answers swapped; both orders preferring A make A the winner', async () => {
    // A is answer 1 in the first order and answer 2 in the second.
    fake.say(verdict('1'), verdict('2'));
    const result = await comparePair(openAiJudge(fake), { ...PAIR, criteria: 'Correctness.' });
    expect(result).toEqual({ ok: true, value: { winner: 'A', verdicts: ['A', 'A'], flipped: false, reasoning: ['verdict 1', 'verdict 2'] } });
    const first = sentTo(fake, 0).user;
    const second = sentTo(fake, 1).user;
    expect(first).toContain('<criteria>\nCorrectness.\n</criteria>');
    expect(first).toContain('<question>\nWhat is 2 + 2?\n</question>');
    expect(first).toContain('<answer_1>\nIt is 4.\n</answer_1>\n\n<answer_2>\nIt is 5.\n</answer_2>');
    expect(second).toContain('<answer_1>\nIt is 5.\n</answer_1>\n\n<answer_2>\nIt is 4.\n</answer_2>');
  });

  it('makes B the winner when both orders prefer B', async () => {
    fake.say(verdict('2'), verdict('1'));
    expect(await comparePair(openAiJudge(fake), PAIR)).toMatchObject({ ok: true, value: { winner: 'B', verdicts: ['B', 'B'], flipped: false } });
    expect(sentTo(fake, 0).user).toContain(`<criteria>\n${DEFAULT_PAIRWISE_CRITERIA}\n</criteria>`);
  });

  it('calls a disagreement between the orders a tie and flags the position-bias flip', async () => {
    // "answer 1" both times: the judge followed the position, not the answer.
    fake.say(verdict('1'), verdict('1'));
    expect(await comparePair(openAiJudge(fake), PAIR)).toMatchObject({ ok: true, value: { winner: 'tie', verdicts: ['A', 'B'], flipped: true } });
  });

  it('counts a win in one order and a tie in the other as a flip and a tie', async () => {
    const result = await comparePair(scriptedJudge([verdict('tie').text, verdict('1').text]), PAIR);
    expect(result).toMatchObject({ ok: true, value: { winner: 'tie', verdicts: ['tie', 'B'], flipped: true } });
  });

  it('is a tie without a flip when both orders say tie', async () => {
    const result = await comparePair(scriptedJudge([verdict('tie').text, verdict('tie').text]), PAIR);
    expect(result).toMatchObject({ ok: true, value: { winner: 'tie', verdicts: ['tie', 'tie'], flipped: false } });
  });

  it('stops with a judge error when the first order gets 3 unusable replies, before the swap is asked', async () => {
    fake.say({ text: json({ verdict: 'A' }) }, { text: json({ verdict: 'A' }) }, { text: json({ verdict: 'A' }) });
    const result = await comparePair(openAiJudge(fake), PAIR);
    expect(result).toMatchObject({ ok: false, status: 'error', reason: expect.stringContaining('gave no usable reply to pairwise.compare in 3 calls') });
    expect(chatCount(fake)).toBe(3);
  });
});

describe('pairwise_reference', () => {
  let fake: OpenAiFake;
  beforeEach(async () => {
    fake = await new OpenAiFake().start();
  });
  afterEach(() => fake.close());

  it('puts the final answer as A against the reference as B and scores a win 1', async () => {
    fake.say(verdict('1'), verdict('2'));
    const score = await pairwiseReference().score({ case: judgeCase(), trace: judgeTrace(), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ scorer: 'pairwise_reference', value: 1, pass: true, reason: 'the answer beats the reference in both orders', details: { winner: 'A', flipped: false, judge: { calls: 2 } } });
    const first = sentTo(fake, 0).user;
    expect(first).toContain(`<question>\n${QUESTION}\n</question>`);
    expect(first).toContain(`<answer_1>\n${ANSWER}\n</answer_1>\n\n<answer_2>\n${REFERENCE}\n</answer_2>`);
    expect(sentTo(fake, 1).user).toContain(`<answer_1>\n${REFERENCE}\n</answer_1>\n\n<answer_2>\n${ANSWER}\n</answer_2>`);
  });

  it('scores a tie 0.5 (a pass) and a loss 0 (a fail)', async () => {
    const tie = await pairwiseReference().score({ case: judgeCase(), trace: judgeTrace(), judge: scriptedJudge([verdict('1').text, verdict('1').text]) });
    const loss = await pairwiseReference().score({ case: judgeCase(), trace: judgeTrace(), judge: scriptedJudge([verdict('2').text, verdict('1').text]) });
    expect([tie!.value, tie!.pass, tie!.details!.flipped]).toEqual([0.5, true, true]);
    expect(tie!.reason).toBe('a tie: the two orders disagreed (answer first: A, reference first: B), a position-bias flip');
    expect([loss!.value, loss!.pass]).toEqual([0, false]);
  });

  it('has nothing to check without a reference; skipped without a judge', async () => {
    const noReference = judgeCase({ expected_answer: undefined, expected_contains: '30' });
    expect(await pairwiseReference().score({ case: noReference, trace: judgeTrace(), judge: openAiJudge(fake) })).toBeNull();
    expect(await pairwiseReference().score({ case: judgeCase(), trace: judgeTrace() })).toMatchObject({ status: 'skipped', reason: NO_JUDGE });
    expect(chatCount(fake)).toBe(0);
  });
});
