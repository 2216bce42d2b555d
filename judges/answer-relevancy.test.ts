import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cosine } from '../agent/rag/index-store.ts';
import { ScorerOptionsError } from '../metrics/score.ts';
import { fakeEmbedding } from '../test/fakes/http-fake.ts';
import { OpenAiFake, TEST_KEY } from '../test/fakes/openai-server.ts';
import { ANSWER, QUESTION, chatCount, judgeCase, judgeTrace, json, openAiJudge, scriptedJudge, sentTo } from '../test/fakes/judge-fixtures.ts';
import { answerRelevancy } from './answer-relevancy.ts';

const GENERATED = ['What is the refund window for annual plans?', 'Where do refunds go?', 'How do I reset my password?'];
const rating = (match: string, i: number) => ({ question: GENERATED[i], reason: `${match} information`, match });

describe('answer_relevancy', () => {
  let fake: OpenAiFake;
  beforeEach(async () => {
    fake = await new OpenAiFake().start();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    return fake.close();
  });

  it('writes questions from the answer alone, then has the judge rate them against the question: (1 + 0.5 + 0) / 3 = 0.5', async () => {
    fake.say(
      { text: json({ questions: GENERATED, noncommittal: false }) },
      { text: json({ ratings: [rating('same', 0), rating('partial', 1), rating('different', 2)] }) },
    );
    const score = await answerRelevancy().score({ case: judgeCase(), trace: judgeTrace(), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ scorer: 'answer_relevancy', status: 'scored', value: 0.5, pass: true, details: { method: 'llm', questions: GENERATED, similarities: [1, 0.5, 0], judge: { calls: 2 } } });
    const write = sentTo(fake, 0).user;
    expect(write).toContain('Write 3 different questions');
    expect(write).toContain(`<answer>\n${ANSWER}\n</answer>`);
    expect(write).not.toContain(QUESTION);
    const rate = sentTo(fake, 1).user;
    expect(rate).toContain(`<original_question>\n${QUESTION}\n</original_question>`);
    expect(rate).toContain(`<candidates>\n1. ${GENERATED[0]}\n2. ${GENERATED[1]}\n3. ${GENERATED[2]}\n</candidates>`);
  });

  it('scores a noncommittal answer 0 after one call, as RAGAS does', async () => {
    fake.say({ text: json({ questions: GENERATED, noncommittal: true }) });
    const score = await answerRelevancy().score({ case: judgeCase(), trace: judgeTrace({ finalAnswer: "I'm not sure." }), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ value: 0, pass: false, reason: 'the judge found the answer noncommittal (evasive or vague)' });
    expect(chatCount(fake)).toBe(1);
  });

  it('asks for the number of questions set by the questions option and retries a reply with another count', async () => {
    const judge = scriptedJudge([
      json({ questions: GENERATED, noncommittal: false }),
      json({ questions: GENERATED.slice(0, 2), noncommittal: false }),
      json({ ratings: [rating('same', 0), rating('same', 1)] }),
    ]);
    const score = await answerRelevancy({ questions: 2 }).score({ case: judgeCase(), trace: judgeTrace(), judge });
    expect(score).toMatchObject({ value: 1, details: { questions: GENERATED.slice(0, 2), judge: { calls: 3 } } });
  });

  it('with an embedder, takes RAGAS own measure: the mean cosine (floored at 0) of each written question with the question', async () => {
    vi.stubEnv('OPENAI_BASE_URL', `${fake.url}/v1`);
    vi.stubEnv('OPENAI_API_KEY', TEST_KEY);
    const scorer = answerRelevancy({ embedder: 'openai:text-embedding-3-small' });
    fake.say({ text: json({ questions: GENERATED, noncommittal: false }) });
    const score = await scorer.score({ case: judgeCase(), trace: judgeTrace(), judge: openAiJudge(fake) });
    const original = fakeEmbedding(QUESTION, 8);
    const cosines = GENERATED.map((q) => Math.max(0, cosine(original, fakeEmbedding(q, 8))));
    expect(score!.details!.method).toBe('embedding');
    // The fake's vectors for the question and the first written one point apart (cosine -0.572): floored to 0.
    expect(cosine(original, fakeEmbedding(GENERATED[0]!, 8))).toBeLessThan(0);
    expect((score!.details!.similarities as number[])[0]).toBe(0);
    (score!.details!.similarities as number[]).forEach((s, i) => expect(s).toBeCloseTo(cosines[i]!, 6));
    expect(score!.value).toBeCloseTo((cosines[0]! + cosines[1]! + cosines[2]!) / 3, 6);
    expect(score!.details!.embedder).toMatchObject({ id: 'openai:text-embedding-3-small', requests: 2 });
    expect(fake.embeddingBodies.map((b) => b.input)).toEqual([[QUESTION], GENERATED]);
    expect(chatCount(fake)).toBe(1);
  });

  it('with the offline hash embedder, questions identical to the original score 1', async () => {
    const judge = scriptedJudge([json({ questions: [QUESTION, QUESTION, QUESTION], noncommittal: false })]);
    const score = await answerRelevancy({ embedder: 'hash' }).score({ case: judgeCase(), trace: judgeTrace(), judge });
    expect(score!.value).toBeCloseTo(1, 6);
    expect(score!.details!.embedder).toMatchObject({ id: 'hash:384', cost_usd: 0 });
  });

  it('records a judge error after 3 unusable replies', async () => {
    fake.say({ text: '{}' }, { text: '{}' }, { text: '{}' });
    const score = await answerRelevancy().score({ case: judgeCase(), trace: judgeTrace(), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ status: 'error', value: null, pass: null });
    expect(chatCount(fake)).toBe(3);
  });

  it('is skipped without a judge, and refuses an unknown embedder when the suite is read', async () => {
    expect(await answerRelevancy().score({ case: judgeCase(), trace: judgeTrace() })).toMatchObject({ status: 'skipped' });
    expect(() => answerRelevancy({ embedder: 'word2vec' })).toThrow(ScorerOptionsError);
    expect(() => answerRelevancy({ strictness: 3 })).toThrow(/answer_relevancy: options: Unrecognized key: "strictness"/);
  });
});
