import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cosine } from '../agent/rag/index-store.ts';
import { ScorerOptionsError } from '../metrics/score.ts';
import { fakeEmbedding } from '../test/fakes/http-fake.ts';
import { OpenAiFake, TEST_KEY } from '../test/fakes/openai-server.ts';
import { ANSWER, judgeCase, judgeTrace } from '../test/fakes/judge-fixtures.ts';
import { embeddingSimilarity } from './embedding-similarity.ts';

describe('embedding_similarity', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('scores an answer identical to the reference 1 on the offline hash embedder, without any judge', async () => {
    const scorer = embeddingSimilarity();
    expect(scorer.kind).toBeUndefined();
    const score = await scorer.score({ case: judgeCase({ expected_answer: ANSWER }), trace: judgeTrace() });
    expect(score!.value).toBeCloseTo(1, 6);
    expect(score).toMatchObject({ pass: true, details: { threshold: 0.75, embedder: { id: 'hash:384', cost_usd: 0 } } });
  });

  it('takes the closest of several reference answers', async () => {
    const score = await embeddingSimilarity({ threshold: 0.9 }).score({ case: judgeCase({ expected_answer: ['Passwords reset from the login page.', ANSWER] }), trace: judgeTrace() });
    const similarities = score!.details!.similarities as number[];
    expect(similarities[1]).toBeCloseTo(1, 6);
    expect(similarities[0]).toBeLessThan(0.5);
    expect(score).toMatchObject({ pass: true, reason: expect.stringContaining('(reference 2 of 2)') });
  });

  it('is nothing to check without a reference, and 0 with no final answer', async () => {
    expect(await embeddingSimilarity().score({ case: judgeCase({ expected_answer: undefined, expected_contains: 'x' }), trace: judgeTrace() })).toBeNull();
    expect(await embeddingSimilarity().score({ case: judgeCase(), trace: judgeTrace({ finalAnswer: null, stopReason: 'max_time' }) })).toMatchObject({ value: 0, pass: false, reason: 'no final answer (max_time)' });
  });

  it('refuses an unknown embedder or option when the suite is read', () => {
    expect(() => embeddingSimilarity({ embedder: 'bert' })).toThrow(ScorerOptionsError);
    expect(() => embeddingSimilarity({ threshold: 2 })).toThrow(/embedding_similarity: options: threshold/);
  });

  describe('with a remote embedder', () => {
    let fake: OpenAiFake;
    beforeEach(async () => {
      fake = await new OpenAiFake().start();
    });
    afterEach(() => fake.close());

    it('takes the cosine of the embedder vectors, floored at 0', async () => {
      vi.stubEnv('OPENAI_BASE_URL', `${fake.url}/v1`);
      vi.stubEnv('OPENAI_API_KEY', TEST_KEY);
      const reference = 'Annual plans are refundable within 30 days of purchase.';
      const score = await embeddingSimilarity({ embedder: 'openai:text-embedding-3-small' }).score({ case: judgeCase({ expected_answer: reference }), trace: judgeTrace() });
      const expected = Math.max(0, cosine(fakeEmbedding(ANSWER, 8), fakeEmbedding(reference, 8)));
      expect(score!.value).toBeCloseTo(expected, 6);
      expect(fake.embeddingBodies.map((b) => b.input)).toEqual([[ANSWER, reference]]);
    });

    it('is skipped with the reason when the embedder refuses the key', async () => {
      vi.stubEnv('OPENAI_BASE_URL', `${fake.url}/v1`);
      vi.stubEnv('OPENAI_API_KEY', TEST_KEY);
      fake.fault({ kind: 'status', status: 401, body: { error: { message: 'Incorrect API key provided' } } });
      const score = await embeddingSimilarity({ embedder: 'openai:text-embedding-3-small' }).score({ case: judgeCase(), trace: judgeTrace() });
      expect(score).toMatchObject({ status: 'skipped', value: null, pass: null, reason: expect.stringMatching(/^embedder openai:text-embedding-3-small could not embed \(auth\)/) });
    });
  });
});
