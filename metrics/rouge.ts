// rouge_l: ROUGE-L as Google's rouge-score package computes it (RougeScorer(['rougeL']), its
// default use_stemmer=False), the best over the case's reference answers, as its score_multi does.

import { z } from 'zod';
import { expectedAnswers } from '../datasets/case.ts';
import { defineScorer, scored } from './score.ts';

/**
 * rouge-score's tokenize(): lower case, every run of characters other than a-z and 0-9 becomes a
 * space, split on white space. It is ASCII-only by design (it replicates ROUGE-1.5.5): "café"
 * gives "caf", and a text with no ASCII letter or digit has no tokens.
 */
export function rougeTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ')
    .filter((t) => t !== '');
}

/** The length of the longest common subsequence of two token lists (dynamic programming, two rows). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let previous = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      current[j] = a[i - 1] === b[j - 1] ? previous[j - 1]! + 1 : Math.max(previous[j]!, current[j - 1]!);
    }
    previous = current;
  }
  return previous[b.length]!;
}

export interface RougeScore {
  precision: number;
  recall: number;
  fmeasure: number;
}

/**
 * _score_lcs: precision = LCS / prediction tokens, recall = LCS / reference tokens, F-measure
 * their harmonic mean (β = 1, rouge-score's scoring.fmeasure; ROUGE-1.5.5's β is a setting, this
 * package has none). All three are 0 when either side has no tokens.
 */
export function rougeL(reference: string, prediction: string): RougeScore {
  const ref = rougeTokens(reference);
  const pred = rougeTokens(prediction);
  if (ref.length === 0 || pred.length === 0) return { precision: 0, recall: 0, fmeasure: 0 };
  const lcs = lcsLength(ref, pred);
  const precision = lcs / pred.length;
  const recall = lcs / ref.length;
  return { precision, recall, fmeasure: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
}

const Options = z.object({ threshold: z.number().min(0).max(1).default(0.5) }).strict();

/** rouge_l: ROUGE-L F-measure of the final answer, the best over expected_answer; passes at `threshold` (0.5). */
export const rougeLScorer = defineScorer({
  name: 'rouge_l',
  options: Options,
  create: ({ threshold }, name) => ({ case: c, trace }) => {
    const references = expectedAnswers(c);
    if (references.length === 0) return null;
    const prediction = trace.finalAnswer ?? '';
    // score_multi keeps the reference with the highest F-measure (the first, on ties).
    let best: RougeScore & { reference: string } = { ...rougeL(references[0]!, prediction), reference: references[0]! };
    for (const reference of references.slice(1)) {
      const s = rougeL(reference, prediction);
      if (s.fmeasure > best.fmeasure) best = { ...s, reference };
    }
    const reason =
      trace.finalAnswer === null
        ? `no final answer (${trace.stopReason})`
        : `ROUGE-L F ${best.fmeasure.toFixed(4)} (P ${best.precision.toFixed(4)}, R ${best.recall.toFixed(4)}) against ${JSON.stringify(best.reference)}`;
    return scored(name, best.fmeasure, best.fmeasure >= threshold, reason, { precision: best.precision, recall: best.recall, reference: best.reference, threshold });
  },
});
