import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenAiFake } from '../test/fakes/openai-server.ts';
import { chatCount, json, openAiJudge, sentTo } from '../test/fakes/judge-fixtures.ts';
import { judgeItems, LLMBAR_CRITERIA, summarise, type ItemOutcome } from './calibrate.ts';
import type { HallucinationItem, PairItem } from './calibration-data.ts';
import { JudgeUsage } from './usage.ts';

const PAIR: PairItem = { kind: 'pairwise', id: '0', instruction: 'Name a prime.', output1: '7', output2: '8', label: '1' };
const RESPONSE: HallucinationItem = { kind: 'hallucination', id: '2', query: 'Who wrote Hamlet?', response: 'Marlowe, in 1620.', label: 'yes' };

describe('judgeItems', () => {
  let fake: OpenAiFake;
  beforeEach(async () => {
    fake = await new OpenAiFake().start();
  });
  afterEach(() => fake.close());

  it("asks a pair in both orders under LLMBar's rules and reads the swapped verdict back in output terms", async () => {
    fake.say({ text: json({ reasoning: '7 is prime', verdict: '1' }) }, { text: json({ reasoning: '8 is not', verdict: '2' }) });
    const judge = openAiJudge(fake);
    const [outcome] = await judgeItems([PAIR], { judgeFor: () => judge, usage: new JudgeUsage(judge.id), concurrency: 1 });
    expect(outcome).toEqual({ id: '0', label: '1', verdict: '1', orders: ['1', '1'], reasoning: '7 is prime | 8 is not' });
    expect(sentTo(fake, 0).user).toContain(`<criteria>\n${LLMBAR_CRITERIA}\n</criteria>\n\n<question>\nName a prime.\n</question>`);
    expect(sentTo(fake, 0).user).toContain('<answer_1>\n7\n</answer_1>\n\n<answer_2>\n8\n</answer_2>');
    expect(sentTo(fake, 1).user).toContain('<answer_1>\n8\n</answer_1>\n\n<answer_2>\n7\n</answer_2>');
  });

  it('asks the reference-free hallucination prompt with the query and the response, and takes its yes/no as the verdict', async () => {
    fake.say({ text: json({ reasoning: 'Shakespeare wrote it', hallucination: 'yes' }) });
    const judge = openAiJudge(fake);
    const [outcome] = await judgeItems([RESPONSE], { judgeFor: () => judge, usage: new JudgeUsage(judge.id), concurrency: 1 });
    expect(outcome).toEqual({ id: '2', label: 'yes', verdict: 'yes', reasoning: 'Shakespeare wrote it' });
    expect(sentTo(fake, 0).user).toContain('<query>\nWho wrote Hamlet?\n</query>\n\n<response>\nMarlowe, in 1620.\n</response>');
    expect(chatCount(fake)).toBe(1);
  });

  it('gives a row whose three replies never fit no verdict, with the judge error as its problem', async () => {
    fake.say({ text: 'yes' }, { text: 'yes' }, { text: 'yes' });
    const judge = openAiJudge(fake);
    const [outcome] = await judgeItems([RESPONSE], { judgeFor: () => judge, usage: new JudgeUsage(judge.id), concurrency: 1 });
    expect(outcome).toMatchObject({ verdict: null, problem: { status: 'error', reason: expect.stringContaining('gave no usable reply to hallucination.reference_free in 3 calls') } });
  });
});

describe('summarise', () => {
  const row = (id: string, label: string, verdict: string | null, orders?: [string, string]): ItemOutcome => ({
    id,
    label,
    verdict,
    ...(orders ? { orders } : {}),
    reasoning: '',
    ...(verdict === null ? { problem: { status: 'error' as const, reason: 'no usable reply' } } : {}),
  });

  it('leaves unusable rows out of n and counts them; per-order accuracy counts a tie in an order as wrong', () => {
    const s = summarise('pairwise', [row('0', '1', '1', ['1', '1']), row('1', '2', 'tie', ['tie', '2']), row('2', '2', null), row('3', '1', '2', ['2', '2'])]);
    // Over 3: (1,1) (tie,2) (2,1): p_o = 1/3; judge 1:1 2:1 tie:1, labels 1:2 2:1 → p_e = (1·2 + 1·1 + 0)/9 = 3/9;
    // κ = (3·1 − 3)/(9 − 3) = 0.
    expect(s).toMatchObject({ n: 3, unusable: 1, skipped: 0, agreement: 1 / 3, kappa: 0, accuracyByOrder: [1 / 3, 2 / 3], positionConsistency: 2 / 3 });
    expect(s.meanOrderAccuracy).toBeCloseTo(0.5, 15);
    expect(s.disagreements.map((d) => d.id)).toEqual(['1', '3']);
    expect(s.problems.map((d) => d.id)).toEqual(['2']);
    expect(s.spearmanIsPhi).toBe(false);
  });

  it('gives no figures (null) when no row has a verdict', () => {
    expect(summarise('hallucination', [row('2', 'yes', null)])).toMatchObject({ n: 0, agreement: null, kappa: null, spearman: null });
  });
});
