// SQuAD's answer metrics, as the official evaluation script computes them (v1.1's normalisation,
// which v2.0 keeps; v2.0's rule for empty answers): squad_exact and squad_f1, each the maximum
// over the case's reference answers.

import { z } from 'zod';
import { expectedAnswers } from '../datasets/case.ts';
import { defineScorer, scored, type Scorer } from './score.ts';

/** Python's string.punctuation: the script strips these ASCII characters only ("–" and "’" stay). */
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
/** \b(a|an|the)\b as Python's re reads it on str: a word character is a letter, a number or "_". */
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;
/** The characters Python's str.split() splits on (JavaScript's \s differs: \x1c-\x1f, \x85, \ufeff). */
const PY_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** The script's normalize_answer: lower case, punctuation removed, articles a/an/the removed, white space collapsed. */
export function normalizeAnswer(text: string): string {
  const lowered = text.toLowerCase();
  const unpunctuated = [...lowered].filter((ch) => !PUNCTUATION.has(ch)).join('');
  return answerTokens(unpunctuated.replace(ARTICLES, ' ')).join(' ');
}

function answerTokens(normalized: string): string[] {
  return normalized.split(PY_WHITESPACE).filter((t) => t !== '');
}

/** compute_exact: 1 when the normalised answers are equal, else 0. */
export function squadExactOne(gold: string, prediction: string): number {
  return normalizeAnswer(gold) === normalizeAnswer(prediction) ? 1 : 0;
}

/**
 * compute_f1: the harmonic mean of token precision and recall, tokens counted as a multiset.
 * When either side has no tokens (an unanswerable question's "" gold, or an empty prediction),
 * 1 if both have none, else 0 (the v2.0 rule; v1.1 gave 0 whenever no token was shared, both empty included).
 */
export function squadF1One(gold: string, prediction: string): number {
  const goldTokens = answerTokens(normalizeAnswer(gold));
  const predictionTokens = answerTokens(normalizeAnswer(prediction));
  if (goldTokens.length === 0 || predictionTokens.length === 0) return goldTokens.length === predictionTokens.length ? 1 : 0;
  const goldCounts = new Map<string, number>();
  for (const t of goldTokens) goldCounts.set(t, (goldCounts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of predictionTokens) {
    const left = goldCounts.get(t) ?? 0;
    if (left > 0) {
      same += 1;
      goldCounts.set(t, left - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / predictionTokens.length;
  const recall = same / goldTokens.length;
  return (2 * precision * recall) / (precision + recall);
}

/**
 * A metric's maximum over the gold answers, as get_raw_scores takes it: gold answers that
 * normalise to nothing are dropped, and with none left the only correct prediction is "".
 * Returns the value and the gold answer that gave it (the first, on ties).
 */
export function maxOverGold(metric: (gold: string, prediction: string) => number, golds: readonly string[], prediction: string): { value: number; gold: string } {
  const kept = golds.filter((g) => normalizeAnswer(g) !== '');
  let best = { value: -1, gold: '' };
  for (const gold of kept.length ? kept : ['']) {
    const value = metric(gold, prediction);
    if (value > best.value) best = { value, gold };
  }
  return best;
}

const ExactOptions = z.object({}).strict();
const F1Options = z.object({ threshold: z.number().min(0).max(1).default(0.5) }).strict();

/** squad_exact: the final answer equals a reference answer after SQuAD's normalisation. */
export const squadExact = defineScorer({ name: 'squad_exact', options: ExactOptions, create: (_options, name) => squadScorer(name, squadExactOne, 1) });

/** squad_f1: SQuAD's token F1 of the final answer, the best over the reference answers; passes at `threshold` (0.5). */
export const squadF1 = defineScorer({ name: 'squad_f1', options: F1Options, create: ({ threshold }, name) => squadScorer(name, squadF1One, threshold) });

function squadScorer(name: string, metric: (gold: string, prediction: string) => number, threshold: number): Scorer['score'] {
  return ({ case: c, trace }) => {
    const golds = expectedAnswers(c);
    if (golds.length === 0) return null;
    const prediction = trace.finalAnswer ?? '';
    const best = maxOverGold(metric, golds, prediction);
    const reason =
      trace.finalAnswer === null
        ? `no final answer (${trace.stopReason})`
        : `${best.value.toFixed(4)} against ${JSON.stringify(best.gold)} (best of ${golds.length})`;
    return scored(name, best.value, best.value >= threshold, reason, { reference: best.gold, normalized: normalizeAnswer(prediction), threshold });
  };
}
