import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenAiFake } from '../test/fakes/openai-server.ts';
import { chatCount, chunk, json, judgeCase, judgeTrace, openAiJudge, scriptedJudge } from '../test/fakes/judge-fixtures.ts';
import { ragAttribution, relevantRetrieved } from './attribution.ts';
import { NO_JUDGE } from './outcome.ts';

// A RAG case: billing.md answers it, and a right answer says "30 days".
const ragCase = (fields: Record<string, unknown> = {}) => judgeCase({ relevant: [{ id: 'billing.md', grade: 2 }], expected_contains: '30 days', ...fields });
const RELEVANT = chunk('billing.md#0', 'Annual plans can be refunded within 30 days of purchase.');
const OFF_TOPIC = chunk('security.md#1', 'Passwords must be at least 12 characters long.');
const WRONG = 'Annual plans can be refunded within 14 days.';

const claims = (...list: string[]) => json({ claims: list });
const verdicts = (...supported: boolean[]) => json({ verdicts: supported.map((s, i) => ({ claim: `claim ${i + 1}`, reason: s ? 'stated' : 'not stated', supported: s })) });

describe('rag_attribution', () => {
  let fake: OpenAiFake;
  beforeEach(async () => {
    fake = await new OpenAiFake().start();
  });
  afterEach(() => fake.close());

  it('labels a passing answer ok and does not ask the judge', async () => {
    const score = await ragAttribution().score({ case: ragCase(), trace: judgeTrace({ retrieved: [RELEVANT] }), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ scorer: 'rag_attribution', value: 1, pass: true, status: 'scored', details: { label: 'ok', relevant_retrieved: ['billing.md#0'] } });
    expect(chatCount(fake)).toBe(0);
  });

  it('labels a wrong answer with a relevant chunk retrieved "generation ignored context", without asking the judge', async () => {
    const score = await ragAttribution().score({ case: ragCase(), trace: judgeTrace({ retrieved: [OFF_TOPIC, RELEVANT], finalAnswer: WRONG }), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ value: 0, pass: false, details: { label: 'generation ignored context', faithfulness: null } });
    expect(score!.reason).toBe('generation ignored context: 1 relevant chunk retrieved (billing.md#0), yet the answer fails its check (missing "30 days")');
    expect(chatCount(fake)).toBe(0);
  });

  it('labels a wrong answer faithful to irrelevant context a "retrieval miss" (the judge asked)', async () => {
    const judge = scriptedJudge([claims('Refunds take 14 days.'), verdicts(true)]);
    const score = await ragAttribution().score({ case: ragCase(), trace: judgeTrace({ retrieved: [OFF_TOPIC], finalAnswer: WRONG }), judge });
    expect(score).toMatchObject({ value: 0, pass: false, details: { label: 'retrieval miss', relevant_retrieved: [], faithfulness: { value: 1, pass: true }, judge: { calls: 2 } } });
  });

  it('labels a wrong answer unfaithful to the irrelevant context it got "both"', async () => {
    const judge = scriptedJudge([claims('Refunds take 14 days.', 'Passwords need 12 characters.'), verdicts(false, true)]);
    const score = await ragAttribution().score({ case: ragCase(), trace: judgeTrace({ retrieved: [OFF_TOPIC], finalAnswer: WRONG }), judge });
    // 1 of 2 claims supported: 0.5 is not below the 0.5 threshold, so faithful; with a stricter threshold it is not.
    expect(score!.details!.label).toBe('retrieval miss');
    const strict = await ragAttribution({ faithfulness_threshold: 0.75 }).score({
      case: ragCase(),
      trace: judgeTrace({ retrieved: [OFF_TOPIC], finalAnswer: WRONG }),
      judge: scriptedJudge([claims('Refunds take 14 days.', 'Passwords need 12 characters.'), verdicts(false, true)]),
    });
    expect(strict).toMatchObject({ value: 0, pass: false, details: { label: 'both', faithfulness: { value: 0.5, pass: false } } });
    expect(strict!.reason).toBe('both: no relevant chunk retrieved; the answer fails its check (missing "30 days") and is unfaithful to the context it got (1 of 2 claims supported by the retrieved context)');
  });

  it('without a judge, labels from the deterministic signals and says "both" could not be told apart', async () => {
    const score = await ragAttribution().score({ case: ragCase(), trace: judgeTrace({ retrieved: [OFF_TOPIC], finalAnswer: WRONG }) });
    expect(score).toMatchObject({ status: 'scored', value: 0, pass: false, details: { label: 'retrieval miss', faithfulness: `faithfulness not judged: ${NO_JUDGE}` } });
    expect(score!.reason).toContain('(so "both" cannot be told from a retrieval miss: labelled from the deterministic signals only)');
    expect(score!.details).not.toHaveProperty('judge');
  });

  it('calls an answer with nothing retrieved a retrieval miss: faithfulness to no context is undefined, so the judge is not asked', async () => {
    const score = await ragAttribution().score({ case: ragCase(), trace: judgeTrace({ retrieved: [], finalAnswer: WRONG }), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ details: { label: 'retrieval miss', faithfulness: 'nothing was retrieved, so faithfulness is undefined' } });
    expect(chatCount(fake)).toBe(0);
  });

  it('labels a correct answer ok even when retrieval missed (the answer check decides failure)', async () => {
    const score = await ragAttribution().score({ case: ragCase(), trace: judgeTrace({ retrieved: [OFF_TOPIC], finalAnswer: 'Within 30 days.' }), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ pass: true, details: { label: 'ok', relevant_retrieved: [] } });
  });

  it('is an error, never a label, when the faithfulness judge the label depends on gives no usable reply', async () => {
    const judge = scriptedJudge(['nope', 'nope', 'nope']);
    const score = await ragAttribution().score({ case: ragCase(), trace: judgeTrace({ retrieved: [OFF_TOPIC], finalAnswer: WRONG }), judge });
    expect(score).toMatchObject({ status: 'error', value: null, pass: null, reason: expect.stringMatching(/^the faithfulness judge gave no usable verdict, which the label depends on: judge scripted:.* gave no usable reply to claims\.extract in 3 calls/) });
  });

  describe('a case without an answer check: faithfulness decides', () => {
    const noCheck = () => ragCase({ expected_contains: undefined });

    it('ok when a relevant chunk was retrieved and the answer keeps to it; "generation ignored context" when it does not', async () => {
      const trace = judgeTrace({ retrieved: [RELEVANT] });
      const faithful = await ragAttribution().score({ case: noCheck(), trace, judge: scriptedJudge([claims('Refunds within 30 days.'), verdicts(true)]) });
      expect(faithful).toMatchObject({ pass: true, details: { label: 'ok', answer_check: null } });
      const unfaithful = await ragAttribution().score({ case: noCheck(), trace, judge: scriptedJudge([claims('Refunds within 90 days.'), verdicts(false)]) });
      expect(unfaithful).toMatchObject({ pass: false, details: { label: 'generation ignored context', faithfulness: { value: 0 } } });
    });

    it('"both" when nothing relevant was retrieved and the answer is unfaithful; a retrieval miss without a judge', async () => {
      const trace = judgeTrace({ retrieved: [OFF_TOPIC] });
      const both = await ragAttribution().score({ case: noCheck(), trace, judge: scriptedJudge([claims('Refunds within 30 days.'), verdicts(false)]) });
      expect(both!.details!.label).toBe('both');
      const unjudged = await ragAttribution().score({ case: noCheck(), trace });
      expect(unjudged).toMatchObject({ status: 'scored', pass: false, details: { label: 'retrieval miss' } });
    });

    it('counts no final answer as failed, owed to generation when a relevant chunk was there, without asking the judge', async () => {
      const stopped = await ragAttribution().score({ case: noCheck(), trace: judgeTrace({ retrieved: [RELEVANT], finalAnswer: null, stopReason: 'max_steps' }), judge: openAiJudge(fake) });
      expect(stopped).toMatchObject({ pass: false, reason: 'generation ignored context: 1 relevant chunk retrieved (billing.md#0), yet no final answer (max_steps)' });
      const missed = await ragAttribution().score({ case: noCheck(), trace: judgeTrace({ retrieved: [], finalAnswer: null, stopReason: 'max_steps' }), judge: openAiJudge(fake) });
      expect(missed!.details!.label).toBe('retrieval miss');
      expect(chatCount(fake)).toBe(0);
    });

    it('is skipped when a relevant chunk was retrieved but no judge can say whether the answer kept to it', async () => {
      const score = await ragAttribution().score({ case: noCheck(), trace: judgeTrace({ retrieved: [RELEVANT] }) });
      expect(score).toMatchObject({ status: 'skipped', pass: null, reason: `cannot tell whether the answer failed: the case has no answer check (expected_contains) and faithfulness not judged: ${NO_JUDGE}` });
    });
  });

  it('has nothing to attribute on a case without relevance judgments', async () => {
    expect(await ragAttribution().score({ case: judgeCase({ expected_contains: '30 days' }), trace: judgeTrace() })).toBeNull();
  });
});

describe('relevantRetrieved', () => {
  it('matches a chunk by its id or by its document, each chunk once, in retrieval order', () => {
    const judgments = new Map([
      ['billing.md#2', 1],
      ['faq.md', 1],
      ['security.md', 0],
    ]);
    const retrieved = [chunk('billing.md#0', 'a'), chunk('faq.md#3', 'b'), chunk('billing.md#2', 'c'), chunk('security.md#1', 'd'), chunk('faq.md#3', 'b')];
    expect(relevantRetrieved({ retrieved }, judgments).map((c) => c.id)).toEqual(['faq.md#3', 'billing.md#2']);
  });
});
