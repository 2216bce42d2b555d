import { describe, expect, it } from 'vitest';
import { closedPortUrl } from '../test/fakes/openai-server.ts';
import { chunk, judgeCase, judgeTrace, openAiJudge } from '../test/fakes/judge-fixtures.ts';
import { NO_JUDGE } from './outcome.ts';
import { JUDGE_SCORERS, needsJudge } from './registry.ts';

const OPTIONS: Record<string, Record<string, unknown>> = { rubric: { criteria: 'Correct.' } };
// rag_attribution is left out: it has nothing to check on a case without `relevant`, and without a
// judge it labels from its deterministic signals (judges/attribution.test.ts holds both).
const judgeScorers = Object.keys(JUDGE_SCORERS).filter((name) => name !== 'embedding_similarity' && name !== 'rag_attribution');
// A case and trace every judge scorer has something to check on: a reference answer and retrieved context.
const input = () => ({ case: judgeCase(), trace: judgeTrace({ retrieved: [chunk('billing.md#0', 'Annual plans: refund within 30 days.')] }) });

describe('JUDGE_SCORERS', () => {
  it('registers every judge, each declaring itself a judge scorer; embedding_similarity needs none', () => {
    expect(Object.keys(JUDGE_SCORERS).sort()).toEqual(['answer_relevancy', 'context_precision', 'context_recall', 'embedding_similarity', 'faithfulness', 'hallucination', 'pairwise_reference', 'rag_attribution', 'rubric']);
    for (const name of [...judgeScorers, 'rag_attribution']) expect(JUDGE_SCORERS[name]!(OPTIONS[name] ?? {}).kind, name).toBe('judge');
    expect(needsJudge([JUDGE_SCORERS.embedding_similarity!({})])).toBe(false);
    expect(needsJudge([JUDGE_SCORERS.embedding_similarity!({}), JUDGE_SCORERS.faithfulness!({})])).toBe(true);
  });

  it.each(judgeScorers)('%s is skipped with the reason when no judge is configured, never passed or failed', async (name) => {
    const score = await JUDGE_SCORERS[name]!(OPTIONS[name] ?? {}).score(input());
    expect(score).toEqual({ scorer: name, value: null, pass: null, status: 'skipped', reason: NO_JUDGE, details: undefined });
  });

  it.each(judgeScorers)('%s is skipped with the reason when the judge is unreachable (a closed loopback port)', async (name) => {
    const judge = openAiJudge(await closedPortUrl());
    const score = await JUDGE_SCORERS[name]!(OPTIONS[name] ?? {}).score({ ...input(), judge });
    expect(score).toMatchObject({ scorer: name, value: null, pass: null, status: 'skipped', reason: expect.stringMatching(/^judge openai:gpt-4o-mini could not be asked \(unreachable\): openai: cannot reach/) });
  });
});
