// Pairwise comparison, MT-Bench style: the judge is asked twice, answer A first and then answer
// B first, and a winner is declared only when both orders prefer the same answer. Any
// disagreement between the two orders is a tie, and is flagged as a position-bias flip.
// comparePair is the core (the compare command uses it too); pairwise_reference is the scorer
// that compares the final answer with the case's reference answer.

import { z } from 'zod';
import { scored } from '../metrics/score.ts';
import { askJudge, type JudgeModel, type JudgeResult } from './core.ts';
import { judgeScorer } from './judge-scorer.ts';
import { PAIRWISE_COMPARE } from './prompts/pairwise.ts';
import { JudgeUsage } from './usage.ts';

export const DEFAULT_PAIRWISE_CRITERIA =
  'Which answer responds to the question better: more correct, more complete and more helpful, without claims it cannot support?';

export type PairVerdict = 'A' | 'B' | 'tie';

export interface PairInput {
  question: string;
  answerA: string;
  answerB: string;
  criteria?: string;
}

export interface PairComparison {
  winner: PairVerdict;
  /** The two orders' verdicts in A/B terms: [A shown first, B shown first]. */
  verdicts: [PairVerdict, PairVerdict];
  /** The orders disagreed: the verdict followed the position, so the result is a tie. */
  flipped: boolean;
  reasoning: [string, string];
}

/** Compares two answers with the positions swapped between two judge calls (A first, then B first). */
export async function comparePair(judge: JudgeModel, input: PairInput, usage: JudgeUsage = new JudgeUsage(judge.id)): Promise<JudgeResult<PairComparison>> {
  const criteria = input.criteria ?? DEFAULT_PAIRWISE_CRITERIA;
  const aFirst = await askJudge(judge, PAIRWISE_COMPARE, { criteria, question: input.question, first: input.answerA, second: input.answerB }, usage);
  if (!aFirst.ok) return aFirst;
  const bFirst = await askJudge(judge, PAIRWISE_COMPARE, { criteria, question: input.question, first: input.answerB, second: input.answerA }, usage);
  if (!bFirst.ok) return bFirst;
  const verdicts: [PairVerdict, PairVerdict] = [inTermsOfAB(aFirst.value.verdict, 'A'), inTermsOfAB(bFirst.value.verdict, 'B')];
  const flipped = verdicts[0] !== verdicts[1];
  return { ok: true, value: { winner: flipped ? 'tie' : verdicts[0], verdicts, flipped, reasoning: [aFirst.value.reasoning, bFirst.value.reasoning] } };
}

/** A positional verdict ('1', '2', 'tie') as A/B, given which answer was shown first. */
function inTermsOfAB(verdict: '1' | '2' | 'tie', first: 'A' | 'B'): PairVerdict {
  if (verdict === 'tie') return 'tie';
  const second = first === 'A' ? 'B' : 'A';
  return verdict === '1' ? first : second;
}

const Options = z.object({ criteria: z.string().trim().min(1).optional() }).strict();

const VALUE: Record<PairVerdict, number> = { A: 1, tie: 0.5, B: 0 };

/**
 * pairwise_reference: the final answer (A) against the first reference answer (B). Value 1 when
 * the answer wins, 0.5 on a tie, 0 when the reference wins; a win or a tie passes.
 */
export const pairwiseReference = judgeScorer({
  name: 'pairwise_reference',
  options: Options,
  needs: { reference: true, answer: 'fails' },
  create: ({ criteria }, name) => async ({ question, answer, reference }, judge, usage) => {
    const compared = await comparePair(judge, { question, answerA: answer, answerB: reference, criteria }, usage);
    if (!compared.ok) return compared;
    const { winner, verdicts, flipped, reasoning } = compared.value;
    const outcome = winner === 'A' ? 'the answer beats the reference' : winner === 'B' ? 'the reference beats the answer' : 'a tie';
    const reason = flipped ? `${outcome}: the two orders disagreed (answer first: ${verdicts[0]}, reference first: ${verdicts[1]}), a position-bias flip` : `${outcome} in both orders`;
    return scored(name, VALUE[winner], winner !== 'B', reason, { winner, verdicts, flipped, reasoning });
  },
});
