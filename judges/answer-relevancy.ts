// answer_relevancy (RAGAS): does the answer address the question that was asked? RAGAS has the
// judge write questions from the answer alone and measures how close they are to the original
// question; an answer the judge calls noncommittal ("I don't know") scores 0.
//
// How close is measured two ways:
// - `embedder` given (e.g. openai:text-embedding-3-small): RAGAS's own way, the mean cosine
//   between the original question's embedding and each generated question's (each floored at 0
//   so the value stays in 0..1).
// - no `embedder` (the default): the judge rates each generated question against the original —
//   same information 1, partial 0.5, different 0 — and the value is the mean. This replaces the
//   cosine because the offline `hash` embedder cannot tell a paraphrase from an unrelated
//   question: against "How long do I have to ask for a refund on an annual plan?" it gave
//   "What is the refund window for annual plans?" 0.242 and "How do I reset my password?" 0.257.
//   The ratings need no embedding model and keep RAGAS's idea (regenerate the question, compare).
//
// Also simplified: RAGAS makes `strictness` separate calls for one question each; at temperature
// 0 those would be the same question, so one call asks for `questions` different ones.

import { z } from 'zod';
import type { Embedder } from '../agent/rag/types.ts';
import { scored } from '../metrics/score.ts';
import { askJudge, type JudgeModel } from './core.ts';
import { embedderDetails, embedderOption, embedTexts, similarity } from './embedding.ts';
import { numbered } from './inputs.ts';
import { judgeScorer } from './judge-scorer.ts';
import { RELEVANCY_QUESTIONS, RELEVANCY_RATE } from './prompts/relevancy.ts';
import type { JudgeUsage } from './usage.ts';

const Options = z
  .object({
    /** Questions the judge writes from the answer (RAGAS's `strictness`, default 3). */
    questions: z.number().int().min(1).max(10).default(3),
    /** Compare by embedding cosine with this embedder (RAGAS's way) instead of the judge's ratings. */
    embedder: z.string().trim().min(1).optional(),
    threshold: z.number().min(0).max(1).default(0.5),
  })
  .strict();

const MATCH_VALUE = { same: 1, partial: 0.5, different: 0 } as const;

export const answerRelevancy = judgeScorer({
  name: 'answer_relevancy',
  options: Options,
  needs: { answer: 'fails' },
  create(options, name) {
    const embedder = options.embedder === undefined ? undefined : embedderOption(name, options.embedder);
    const count = options.questions;
    return async ({ question, answer }, judge, usage) => {
      const written = await askJudge(judge, RELEVANCY_QUESTIONS, { count: String(count), answer }, usage, {
        check: (reply) => (reply.questions.length === count ? undefined : `${count} questions were asked for but ${reply.questions.length} came back`),
      });
      if (!written.ok) return written;
      const { questions, noncommittal } = written.value;
      const base = { method: embedder ? 'embedding' : 'llm', threshold: options.threshold, questions, noncommittal };
      if (noncommittal) return scored(name, 0, false, 'the judge found the answer noncommittal (evasive or vague)', base);
      const compared = embedder ? await byEmbedding(embedder, question, questions) : await byRating(judge, question, questions, usage);
      // A failed comparison, skipped or error, carries base as its details.
      if ('status' in compared) return { ...compared, details: base };
      const value = compared.values.reduce((sum, v) => sum + v, 0) / compared.values.length;
      const how = embedder ? `mean cosine on ${embedder.id}` : 'mean judge rating';
      return scored(name, value, value >= options.threshold, `${how} ${value.toFixed(4)} between the question and ${count} questions written from the answer`, {
        ...base,
        similarities: compared.values,
        ...compared.details,
      });
    };
  },
});

type Compared = { values: number[]; details: Record<string, unknown> } | { ok: false; status: 'error' | 'skipped'; reason: string };

async function byEmbedding(embedder: Embedder, question: string, generated: readonly string[]): Promise<Compared> {
  // RAGAS embeds the original as a query and the generated questions as documents.
  const original = await embedTexts(embedder, [question], 'query');
  if (!original.ok) return { ok: false, status: 'skipped', reason: original.reason };
  const others = await embedTexts(embedder, generated, 'document');
  if (!others.ok) return { ok: false, status: 'skipped', reason: others.reason };
  const usage = { ...original.usage, requests: original.usage.requests + others.usage.requests, inputTokens: original.usage.inputTokens + others.usage.inputTokens, costUsd: original.usage.costUsd + others.usage.costUsd };
  return { values: others.vectors.map((v) => similarity(original.vectors[0]!, v)), details: { embedder: embedderDetails(embedder, usage) } };
}

async function byRating(judge: JudgeModel, question: string, generated: readonly string[], usage: JudgeUsage): Promise<Compared> {
  const rated = await askJudge(judge, RELEVANCY_RATE, { question, candidates: numbered(generated) }, usage, {
    check: (reply) => (reply.ratings.length === generated.length ? undefined : `${generated.length} candidates were given but ${reply.ratings.length} ratings came back`),
  });
  if (!rated.ok) return rated;
  return { values: rated.value.ratings.map((r) => MATCH_VALUE[r.match]), details: { ratings: rated.value.ratings.map((r) => ({ match: r.match, reason: r.reason })) } };
}
