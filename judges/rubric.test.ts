import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScorerOptionsError } from '../metrics/score.ts';
import { OpenAiFake } from '../test/fakes/openai-server.ts';
import { ANSWER, QUESTION, REFERENCE, chatCount, chunk, judgeCase, judgeTrace, json, openAiJudge, scriptedJudge, sentTo } from '../test/fakes/judge-fixtures.ts';
import { NO_JUDGE } from './outcome.ts';
import { rubric } from './rubric.ts';

const CRITERIA = 'The answer states the refund window correctly.';

describe('rubric', () => {
  let fake: OpenAiFake;
  beforeEach(async () => {
    fake = await new OpenAiFake().start();
  });
  afterEach(() => fake.close());

  it('grades with the given steps, showing criteria, steps, question, reference and answer; 4/5 is (4-1)/4 = 0.75', async () => {
    fake.say({ text: json({ reasoning: 'Correct window, extra card detail.', score: 4 }) });
    const scorer = rubric({ criteria: CRITERIA, steps: ['Find the window in the answer.', 'Compare it with the reference.'] });
    const score = await scorer.score({ case: judgeCase(), trace: judgeTrace(), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ scorer: 'rubric', status: 'scored', value: 0.75, pass: true, reason: 'score 4/5: Correct window, extra card detail.' });
    expect(score!.details).toMatchObject({ score: 4, steps_generated: false, reasoning: 'Correct window, extra card detail.', judge: { model: 'openai:gpt-4o-mini', calls: 1 } });
    expect(chatCount(fake)).toBe(1);
    const { user } = sentTo(fake, 0);
    expect(user).toContain(`<criteria>\n${CRITERIA}\n</criteria>`);
    expect(user).toContain('<evaluation_steps>\n1. Find the window in the answer.\n2. Compare it with the reference.\n</evaluation_steps>');
    expect(user).toContain(`<question>\n${QUESTION}\n</question>`);
    expect(user).toContain(`<reference_answer>\n${REFERENCE}\n</reference_answer>`);
    expect(user).toContain(`<answer>\n${ANSWER}\n</answer>`);
    expect(user).not.toContain('<context>');
  });

  it('has the judge write evaluation steps from the criteria first when none are given, then grades with them', async () => {
    fake.say({ text: json({ steps: ['Check the number of days.', 'Check the plan type.'] }) }, { text: json({ reasoning: 'Wrong number of days.', score: 2 }) });
    const score = await rubric({ criteria: CRITERIA }).score({ case: judgeCase(), trace: judgeTrace(), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ value: 0.25, pass: false, details: { steps: ['Check the number of days.', 'Check the plan type.'], steps_generated: true, judge: { calls: 2 } } });
    expect(sentTo(fake, 0).user).toContain(`<criteria>\n${CRITERIA}\n</criteria>`);
    expect(sentTo(fake, 0).user).not.toContain(ANSWER);
    expect(sentTo(fake, 1).user).toContain('<evaluation_steps>\n1. Check the number of days.\n2. Check the plan type.\n</evaluation_steps>');
  });

  it('maps the ends of the scale to 0 and 1 and holds the threshold', async () => {
    const steps = ['Judge.'];
    const one = await rubric({ criteria: CRITERIA, steps }).score({ case: judgeCase(), trace: judgeTrace(), judge: scriptedJudge([json({ reasoning: 'no', score: 1 })]) });
    const five = await rubric({ criteria: CRITERIA, steps, threshold: 1 }).score({ case: judgeCase(), trace: judgeTrace(), judge: scriptedJudge([json({ reasoning: 'yes', score: 5 })]) });
    const three = await rubric({ criteria: CRITERIA, steps, threshold: 0.6 }).score({ case: judgeCase(), trace: judgeTrace(), judge: scriptedJudge([json({ reasoning: 'half', score: 3 })]) });
    expect([one, five, three].map((s) => [s!.value, s!.pass])).toEqual([[0, false], [1, true], [0.5, false]]);
  });

  it('shows the retrieved context when asked to include it, and names itself after the name option', async () => {
    fake.say({ text: json({ reasoning: 'ok', score: 5 }) });
    const trace = judgeTrace({ retrieved: [chunk('billing.md#0', 'Refunds: 30 days on annual plans.')] });
    const score = await rubric({ criteria: CRITERIA, steps: ['x'], include: ['context'], name: 'refunds' }).score({ case: judgeCase(), trace, judge: openAiJudge(fake) });
    expect(score!.scorer).toBe('rubric:refunds');
    const { user } = sentTo(fake, 0);
    expect(user).toContain('<context>\n[1] billing.md#0\nRefunds: 30 days on annual plans.\n</context>');
    expect(user).not.toContain('<reference_answer>');
  });

  it("grades a case's own rubric when the suite gives no criteria, several as one numbered list, and leaves a case without one unscored", async () => {
    fake.say({ text: json({ reasoning: 'both hold', score: 5 }) });
    const own = { ...judgeCase(), rubric: ['Names the window.', 'Is polite.'] };
    const score = await rubric({ steps: ['Judge.'] }).score({ case: own, trace: judgeTrace(), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ scorer: 'rubric', value: 1, pass: true });
    expect(sentTo(fake, 0).user).toContain('<criteria>\nThe answer meets every one of these:\n1. Names the window.\n2. Is polite.\n</criteria>');
    expect(await rubric({ steps: ['Judge.'] }).score({ case: judgeCase(), trace: judgeTrace(), judge: openAiJudge(fake) })).toBeNull();
    expect(chatCount(fake)).toBe(1);
  });

  it('records a judge error, never a score, after 3 replies off the 1-5 scale', async () => {
    fake.say({ text: json({ reasoning: 'great', score: 9 }) }, { text: json({ reasoning: 'great', score: 9 }) }, { text: json({ reasoning: 'great', score: 4.5 }) });
    const score = await rubric({ criteria: CRITERIA, steps: ['x'] }).score({ case: judgeCase(), trace: judgeTrace(), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ status: 'error', value: null, pass: null, details: { judge: { calls: 3 } } });
    expect(score!.reason).toMatch(/gave no usable reply to rubric\.score in 3 calls; the last: the reply does not fit the schema \(score: /);
    expect(chatCount(fake)).toBe(3);
  });

  it('is skipped, with the reason, with no judge configured or an unavailable one', async () => {
    const scorer = rubric({ criteria: CRITERIA });
    expect(await scorer.score({ case: judgeCase(), trace: judgeTrace() })).toMatchObject({ status: 'skipped', value: null, pass: null, reason: NO_JUDGE });
    const reason = 'judge openai:gpt-4o-mini: OPENAI_API_KEY is not set';
    expect(await scorer.score({ case: judgeCase(), trace: judgeTrace(), judge: { available: false, reason } })).toMatchObject({ status: 'skipped', reason });
  });

  it('scores a missing final answer 0 without asking the judge', async () => {
    const score = await rubric({ criteria: CRITERIA }).score({ case: judgeCase(), trace: judgeTrace({ finalAnswer: null, stopReason: 'max_steps' }), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ status: 'scored', value: 0, pass: false, reason: 'no final answer (max_steps)' });
    expect(chatCount(fake)).toBe(0);
  });

  it('declares itself a judge scorer and refuses unknown or missing options', () => {
    expect(rubric({ criteria: CRITERIA }).kind).toBe('judge');
    expect(() => rubric({ criteria: CRITERIA, treshold: 0.5 })).toThrow(new ScorerOptionsError('rubric: options: Unrecognized key: "treshold"'));
    expect(() => rubric({ criteria: '  ' })).toThrow(ScorerOptionsError);
  });
});
