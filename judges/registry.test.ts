import { describe, expect, it } from 'vitest';
import { closedPortUrl } from '../test/fakes/openai-server.ts';
import { chunk, judgeCase, judgeTrace, openAiJudge } from '../test/fakes/judge-fixtures.ts';
import { Case } from '../datasets/case.ts';
import { NO_JUDGE } from './outcome.ts';
import { createScorer, JUDGE_SCORERS, needsJudge, SCORERS } from './registry.ts';

const OPTIONS: Record<string, Record<string, unknown>> = { rubric: { criteria: 'Correct.' } };
// rag_attribution is left out: it has nothing to check on a case without `relevant`, and without a
// judge it labels from its deterministic signals (judges/attribution.test.ts holds both).
const judgeScorers = JUDGE_SCORERS.map((scorer) => scorer.scorerName).filter((name) => name !== 'embedding_similarity' && name !== 'rag_attribution');
// A case and trace every judge scorer has something to check on: a reference answer and retrieved context.
// user_check reads a failed episode instead.
const input = (name?: string) => (name === 'user_check' ? failedEpisode() : { case: judgeCase(), trace: judgeTrace({ retrieved: [chunk('billing.md#0', 'Annual plans: refund within 30 days.')] }) });

function failedEpisode() {
  const instruction = 'You want to cancel order #W1.';
  const c = Case.parse({ id: 'retail-test-0', category: 'retail', episode: { environment: 'tau', domain: 'retail', split: 'test', index: 0, data: '/nowhere', user_id: 'u', instruction, outputs: [] } });
  const user = { target: 'scripted', strategy: 'scripted' as const, calls: 0, costUsd: 0, usage: { inputTokens: 0, outputTokens: 0 } };
  const episode = { environment: 'tau-retail', task: 'retail test 0', reward: 0, ended: true, endedBy: 'stop' as const, steps: 1, maxSteps: 30, toolCalls: 'all' as const, stateMatches: false, differences: [], outputs: [], writes: [], unexpectedWrites: [], summary: 'reward 0', user };
  return { case: c, trace: judgeTrace({ messages: [{ role: 'user', content: instruction }], episode }) };
}

describe('JUDGE_SCORERS', () => {
  it('registers every judge, each declaring itself a judge scorer; embedding_similarity needs none', () => {
    expect(JUDGE_SCORERS.map((scorer) => scorer.scorerName).sort()).toEqual(['answer_relevancy', 'context_precision', 'context_recall', 'embedding_similarity', 'faithfulness', 'hallucination', 'pairwise_reference', 'rag_attribution', 'rubric', 'user_check']);
    for (const name of [...judgeScorers, 'rag_attribution']) expect(createScorer(name, OPTIONS[name]).kind, name).toBe('judge');
    expect(needsJudge([createScorer('embedding_similarity')])).toBe(false);
    expect(needsJudge([createScorer('embedding_similarity'), createScorer('faithfulness')])).toBe(true);
  });

  it.each(judgeScorers)('%s is skipped with the reason when no judge is configured, never passed or failed', async (name) => {
    const score = await createScorer(name, OPTIONS[name]).score(input(name));
    expect(score).toEqual({ scorer: name, value: null, pass: null, status: 'skipped', reason: NO_JUDGE, details: undefined });
  });

  it.each(judgeScorers)('%s is skipped with the reason when the judge is unreachable (a closed loopback port)', async (name) => {
    const judge = openAiJudge(await closedPortUrl());
    const score = await createScorer(name, OPTIONS[name]).score({ ...input(name), judge });
    expect(score).toMatchObject({ scorer: name, value: null, pass: null, status: 'skipped', reason: expect.stringMatching(/^judge openai:gpt-4o-mini could not be asked \(unreachable\): openai: cannot reach/) });
  });
});

describe('SCORERS', () => {
  it('registers every scorer under the name it reports', () => {
    const required: Record<string, Record<string, unknown>> = {
      regex: { pattern: 'x' },
      rubric: { criteria: 'correct' },
      json_schema: { schema: { type: 'object' } },
      latency: { max_ms: 1000 },
      steps: { max: 8 },
      tokens: { max: 10_000 },
      cost: { max_usd: 0.01 },
    };
    const names = Object.keys(SCORERS);
    for (const name of names) expect(createScorer(name, required[name] ?? {}).name).toBe(name);
    expect(names.sort()).toEqual(
      [
        'answer_contains', 'answer_excludes', 'contains', 'cost', 'exact_match', 'hit_at_k', 'is_json', 'json_schema', 'latency', 'map', 'mrr',
        'ndcg_at_k', 'no_forbidden_tool', 'precision_at_k', 'recall_at_k', 'refusal', 'regex', 'rouge_l', 'memory_excludes', 'squad_exact', 'squad_f1', 'steps',
        'tokens', 'tool_args_match', 'tool_errors', 'tool_name_match', 'tool_selection', 'trajectory', 'bfcl_ast', 'tau_reward',
        // judges/
        'rubric', 'faithfulness', 'answer_relevancy', 'context_precision', 'context_recall', 'hallucination', 'pairwise_reference', 'rag_attribution', 'embedding_similarity', 'user_check',
      ].sort(),
    );
  });
});
