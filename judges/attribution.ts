// rag_attribution: for a RAG case (one with relevance judgments), which half of the pipeline a
// failed answer is owed to, so a team knows what to fix.
//
// Two signals:
// - retrieval, deterministic: was any retrieved chunk relevant? A chunk counts when its id
//   (`path#index`) or its document (`path`) has a positive grade in the case's `relevant`.
// - the answer: the case's answer check when it has one (answer_contains on expected_contains:
//   deterministic); otherwise the faithfulness judge against the retrieved context (the answer's
//   claims, each checked; unfaithful below `faithfulness_threshold`, 0.5 as faithfulness's pass).
//
// The answer failed when the answer check fails; a case with no answer check failed when there is
// no final answer, when the answer is unfaithful, or when no relevant chunk was retrieved (an
// answer resting on nothing the judgments call relevant has nothing to be right from). Labels:
// - "ok": it did not fail.
// - "generation ignored context": a relevant chunk was retrieved, and the answer is still wrong
//   (or unfaithful): the model had what it needed.
// - "retrieval miss": no relevant chunk was retrieved, and the answer kept to what it was given
//   (faithful to the retrieved context, or there was no context to be unfaithful to): only
//   retrieval failed.
// - "both": no relevant chunk was retrieved AND the answer is unfaithful to the context it did
//   get: retrieval missed, and generation made up what the context did not say instead of
//   saying it was not found. With no context at all, faithfulness is undefined (RAGAS: NaN), so
//   that is a retrieval miss.
//
// The judge is asked only where the label depends on it: a wrong answer with no relevant chunk
// ("both" or "retrieval miss"), and every case without an answer check. Without a judge the label
// comes from the deterministic signals, and the reason says what could not be told.

import { z } from 'zod';
import { expectedContains, relevanceOf } from '../datasets/case.ts';
import type { RetrievedChunk, Trace } from '../agent/trace.ts';
import { defineScorer, errored, scored, skipped, type Score, type ScoreInput } from '../metrics/score.ts';
import { answerContains } from '../metrics/text.ts';
import { faithfulness } from './faithfulness.ts';
import { retrievedChunks } from './inputs.ts';

export const ATTRIBUTION_LABELS = ['ok', 'retrieval miss', 'generation ignored context', 'both'] as const;
export type AttributionLabel = (typeof ATTRIBUTION_LABELS)[number];

const Options = z.object({ faithfulness_threshold: z.number().min(0).max(1).default(0.5) }).strict();

const NAME = 'rag_attribution';

/** Retrieved chunks the judgments call relevant (by chunk id or by document), each once, in retrieval order. */
export function relevantRetrieved(trace: Pick<Trace, 'retrieved'>, judgments: ReadonlyMap<string, number>): RetrievedChunk[] {
  return retrievedChunks(trace).filter((chunk) => (judgments.get(chunk.id) ?? 0) > 0 || (judgments.get(chunk.path) ?? 0) > 0);
}

/** What the faithfulness judge said, as this scorer uses it. */
type Faithfulness =
  | { judged: true; faithful: boolean; score: Score }
  /** `noJudge`: none was configured or reachable, so a label that needed one comes from the deterministic signals. */
  | { judged: false; why: string; noJudge: boolean; score?: Score };

/**
 * A judge scorer (kind 'judge') without judgeScorer's preamble: it asks the judge only where the
 * label depends on faithfulness, and labels from the deterministic signals when there is none.
 */
export const ragAttribution = defineScorer({
  name: NAME,
  options: Options,
  kind: 'judge',
  create({ faithfulness_threshold: threshold }) {
    const faithfulnessScorer = faithfulness({ threshold });
    const answerCheck = answerContains();

    async function judgeFaithfulness(input: ScoreInput): Promise<Faithfulness> {
      if (input.trace.finalAnswer === null) return { judged: false, why: 'no final answer to judge', noJudge: false };
      if (retrievedChunks(input.trace).length === 0) return { judged: false, why: 'nothing was retrieved, so faithfulness is undefined', noJudge: false };
      const score = (await faithfulnessScorer.score(input))!;
      if (score.status === 'scored') return { judged: true, faithful: score.pass!, score };
      // Skipped with its claims listed: the judge answered, and found no claims to check.
      const answered = score.status === 'skipped' && Array.isArray(score.details?.claims);
      return { judged: false, why: `faithfulness not judged: ${score.reason}`, noJudge: score.status === 'skipped' && !answered, score };
    }

    return async (input) => {
      const { case: c, trace } = input;
      const judgments = relevanceOf(c);
      if (![...judgments.values()].some((grade) => grade > 0)) return null;
      const relevant = relevantRetrieved(trace, judgments).map((chunk) => chunk.id);
      const found = relevant.length > 0;
      const answer = expectedContains(c).length ? await answerCheck.score({ case: c, trace }) : null;
      const base = { relevant_retrieved: relevant, answer_check: answer && { scorer: answer.scorer, pass: answer.pass, reason: answer.reason } };
      const retrieval = found ? `${relevant.length} relevant chunk${relevant.length === 1 ? '' : 's'} retrieved (${relevant.join(', ')})` : 'no relevant chunk retrieved';

      if (answer) {
        if (answer.pass) return label('ok', `the answer passes its check; ${retrieval}`, base);
        if (found) return label('generation ignored context', `${retrieval}, yet the answer fails its check (${answer.reason})`, base);
        const f = await judgeFaithfulness(input);
        const wrong = `the answer fails its check (${answer.reason})`;
        if (f.judged) {
          return f.faithful
            ? label('retrieval miss', `${retrieval}; ${wrong} but keeps to the context it got (${f.score.reason})`, base, f)
            : label('both', `${retrieval}; ${wrong} and is unfaithful to the context it got (${f.score.reason})`, base, f);
        }
        if (f.score?.status === 'error') return failedJudge(f.score, base);
        return label('retrieval miss', `${retrieval}; ${wrong}; ${f.why}${needsJudgeNote(f)}`, base, f);
      }

      if (trace.finalAnswer === null) {
        // No answer is a failed one, check or no check.
        const none = `no final answer (${trace.stopReason})`;
        return found ? label('generation ignored context', `${retrieval}, yet ${none}`, base) : label('retrieval miss', `${retrieval}; ${none}`, base);
      }
      const f = await judgeFaithfulness(input);
      if (f.score?.status === 'error') return failedJudge(f.score, base);
      if (f.judged) {
        if (found) {
          return f.faithful
            ? label('ok', `${retrieval} and the answer keeps to the context (${f.score.reason})`, base, f)
            : label('generation ignored context', `${retrieval}, yet the answer is unfaithful to it (${f.score.reason})`, base, f);
        }
        return f.faithful
          ? label('retrieval miss', `${retrieval}; the answer keeps to the context it got (${f.score.reason}), which the judgments do not call relevant`, base, f)
          : label('both', `${retrieval}, and the answer is unfaithful to the context it got (${f.score.reason})`, base, f);
      }
      if (!found) return label('retrieval miss', `${retrieval}; no answer check on the case; ${f.why}${needsJudgeNote(f)}`, base, f);
      return skipped(NAME, `cannot tell whether the answer failed: the case has no answer check (expected_contains) and ${f.why}`, { ...base, faithfulness: f.why, ...judgeUsage(f) });
    };
  },
});

/** Why "both" could not be told apart from a retrieval miss, when a judge would have told. */
function needsJudgeNote(f: Extract<Faithfulness, { judged: false }>): string {
  return f.noJudge ? ' (so "both" cannot be told from a retrieval miss: labelled from the deterministic signals only)' : '';
}

function label(value: AttributionLabel, reason: string, base: Record<string, unknown>, f?: Faithfulness): Score {
  const faithfulnessDetail = f === undefined ? null : f.judged ? { value: f.score.value, pass: f.score.pass, reason: f.score.reason } : f.why;
  const ok = value === 'ok';
  return scored(NAME, ok ? 1 : 0, ok, `${value}: ${reason}`, { label: value, ...base, faithfulness: faithfulnessDetail, ...(f ? judgeUsage(f) : {}) });
}

/**
 * The judge's spend when it answered (faithfulness's own details.judge), so reports count it and
 * reliability knows the judge had a say in the label; nothing when there was no judge to ask.
 */
function judgeUsage(f: Faithfulness): Record<string, unknown> {
  const judge = f.score?.details?.judge;
  return judge && (f.judged || !f.noJudge) ? { judge } : {};
}

function failedJudge(score: Score, base: Record<string, unknown>): Score {
  return errored(NAME, `the faithfulness judge gave no usable verdict, which the label depends on: ${score.reason}`, { ...base, judge: score.details?.judge });
}
