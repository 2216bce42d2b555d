import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { maxOverGold, normalizeAnswer, squadExactOne, squadF1One } from './squad.ts';
import { runScorer, traceOf } from './test-fixtures.ts';
import { referenceData } from '../test/reference-data.ts';

const SQUAD = referenceData('squad');

describe('normalizeAnswer (SQuAD normalize_answer)', () => {
  it('lower-cases, strips ASCII punctuation, drops the articles a/an/the and collapses white space', () => {
    expect(normalizeAnswer('The Denver Broncos!')).toBe('denver broncos');
    expect(normalizeAnswer('An apple, a  day')).toBe('apple day');
    expect(normalizeAnswer("don't\tstop")).toBe('dont stop');
    // Articles only as whole words: "theater" and "anew" keep theirs.
    expect(normalizeAnswer('theater anew')).toBe('theater anew');
    // Punctuation goes first, so "the-end" becomes "theend", no article left to drop.
    expect(normalizeAnswer('the-end')).toBe('theend');
  });

  it('keeps non-ASCII punctuation and treats accented letters as word characters, as Python does', () => {
    expect(normalizeAnswer('rock–paper')).toBe('rock–paper');
    expect(normalizeAnswer('don’t')).toBe('don’t');
    // "é" is a word character for Python's \b: the "the" inside "éthe" is not a word.
    expect(normalizeAnswer('The éthe')).toBe('éthe');
    // str.split() splits on \x1c; JavaScript's \s does not.
    expect(normalizeAnswer('a\x1cb')).toBe('b');
  });
});

describe('SQuAD exact match and F1', () => {
  it('scores token F1 by hand-worked values', () => {
    // gold [denver, broncos], prediction [broncos, of, denver]: 2 shared, P = 2/3, R = 1 → 0.8.
    expect(squadF1One('Denver Broncos', 'the Broncos of Denver')).toBeCloseTo(0.8, 15);
    // Tokens count as a multiset: gold [x, y, y], prediction [y, y, y, z]: 2 shared, P = 1/2, R = 2/3 → 4/7.
    expect(squadF1One('x y y', 'y y y z')).toBeCloseTo(4 / 7, 15);
    expect(squadF1One('Denver Broncos', 'Carolina Panthers')).toBe(0);
    expect(squadExactOne('Denver Broncos', 'The Denver Broncos.')).toBe(1);
    expect(squadExactOne('Denver Broncos', 'Broncos')).toBe(0);
  });

  it('gives 1 when gold and prediction are both empty and 0 when only one is (the v2.0 rule)', () => {
    expect(squadF1One('', '')).toBe(1);
    expect(squadF1One('', 'Normandy')).toBe(0);
    expect(squadF1One('Normandy', '')).toBe(0);
    // "The" normalises to nothing: an empty answer.
    expect(squadF1One('The', '')).toBe(1);
  });

  it('takes the maximum over gold answers, dropping those that normalise to nothing', () => {
    expect(maxOverGold(squadF1One, ['Denver Broncos', 'Broncos'], 'Broncos')).toEqual({ value: 1, gold: 'Broncos' });
    // Only "the" is given: it is dropped, so "" is the one correct answer.
    expect(maxOverGold(squadF1One, ['the'], 'Broncos')).toEqual({ value: 0, gold: '' });
    expect(maxOverGold(squadExactOne, [], '')).toEqual({ value: 1, gold: '' });
  });
});

describe('squad_exact and squad_f1 scorers', () => {
  const refs = { expected_answer: ['Denver Broncos', 'the Broncos'] };

  it('squad_exact passes on a normalised match with any reference', async () => {
    expect(await runScorer('squad_exact', refs, traceOf('The BRONCOS.'))).toMatchObject({ value: 1, pass: true, details: { reference: 'the Broncos', normalized: 'broncos' } });
    expect(await runScorer('squad_exact', refs, traceOf('Denver'))).toMatchObject({ value: 0, pass: false });
  });

  it('squad_f1 scores the best reference and passes at the threshold (0.5 by default)', async () => {
    // "Denver": against "Denver Broncos" P = 1, R = 1/2 → 2/3; against "the Broncos" 0.
    const s = await runScorer('squad_f1', refs, traceOf('Denver'));
    expect(s!.value).toBeCloseTo(2 / 3, 15);
    expect(s).toMatchObject({ pass: true, reason: '0.6667 against "Denver Broncos" (best of 2)' });
    expect(await runScorer('squad_f1', refs, traceOf('Denver'), { threshold: 0.7 })).toMatchObject({ pass: false });
    expect(await runScorer('squad_f1', refs, traceOf('Carolina'))).toMatchObject({ value: 0, pass: false });
  });

  it('does not apply without expected_answer, and scores a missing answer as empty', async () => {
    expect(await runScorer('squad_f1', { expected_contains: 'x' }, traceOf('x'))).toBeNull();
    expect(await runScorer('squad_f1', refs, traceOf(null))).toMatchObject({ value: 0, pass: false, reason: 'no final answer (max_steps)' });
  });
});

// The Normans article of SQuAD 2.0 dev (reference data squad). Its README carries no reference
// scores, so the figures below come from the official evaluate-v2.0.py (its normalize_answer,
// compute_exact, compute_f1, get_raw_scores and make_eval_dict, unchanged) run with Python 3.11 on
// predictions made by the rule in predictionsOf, the same rule written in Python.
describe.skipIf(!SQUAD.present)('SQuAD 2.0 Normans: agreement with the official evaluation script', () => {
  interface Qa { id: string; is_impossible: boolean; answers: { text: string; answer_start: number }[]; plausible_answers?: { text: string }[] }
  const data = (SQUAD.present ? JSON.parse(readFileSync(SQUAD.file('normans.json'), 'utf8')) : { data: [] }) as {
    data: { paragraphs: { context: string; qas: Qa[] }[] }[];
  };
  const questions = data.data.flatMap((a) => a.paragraphs.flatMap((p) => p.qas.map((qa) => ({ qa, context: p.context }))));

  /**
   * Question k (in file order): answerable ones cycle through the first gold answer as it is, with
   * 12 characters of context before it, with 12 after it, and upper-cased with "The " and "."
   * around it; unanswerable ones alternate "" (right) and their plausible distractor (wrong).
   */
  function predictionsOf(): Map<string, string> {
    const predictions = new Map<string, string>();
    questions.forEach(({ qa, context }, k) => {
      if (qa.answers.length === 0) {
        predictions.set(qa.id, k % 2 === 0 ? '' : qa.plausible_answers![0]!.text);
        return;
      }
      const { text, answer_start: s } = qa.answers[0]!;
      const variants = [text, context.slice(Math.max(0, s - 12), s + text.length), context.slice(s, s + text.length + 12), `The ${text.toUpperCase()}.`];
      predictions.set(qa.id, variants[k % 4]!);
    });
    return predictions;
  }

  it('gives the script\'s exact and F1, overall and for answerable and unanswerable questions', () => {
    const predictions = predictionsOf();
    const exact = new Map<string, number>();
    const f1 = new Map<string, number>();
    for (const { qa } of questions) {
      const golds = qa.answers.map((a) => a.text);
      exact.set(qa.id, maxOverGold(squadExactOne, golds, predictions.get(qa.id)!).value);
      f1.set(qa.id, maxOverGold(squadF1One, golds, predictions.get(qa.id)!).value);
    }
    const percent = (scores: Map<string, number>, ids: string[]) => (100 * ids.reduce((total, id) => total + scores.get(id)!, 0)) / ids.length;
    const all = questions.map(({ qa }) => qa.id);
    const has = questions.filter(({ qa }) => qa.answers.length > 0).map(({ qa }) => qa.id);
    const none = questions.filter(({ qa }) => qa.answers.length === 0).map(({ qa }) => qa.id);
    expect([all.length, has.length, none.length]).toEqual([208, 96, 112]);
    expect(percent(exact, all)).toBe(54.80769230769231);
    expect(percent(f1, all)).toBe(65.98460567210567);
    expect(percent(exact, has)).toBe(58.333333333333336);
    expect(percent(f1, has)).toBe(82.54997895622895);
    expect(percent(exact, none)).toBe(51.785714285714285);
    expect(percent(f1, none)).toBe(51.785714285714285);
    // Per question, not only on average: the sum of squared F1 and five partial matches.
    expect([...f1.values()].reduce((t, v) => t + v * v, 0)).toBe(128.62571372871156);
    expect(f1.get('56ddde6b9a695914005b9629')).toBe(0.9090909090909091);
    expect(f1.get('56ddde6b9a695914005b962a')).toBe(0.8);
    expect(f1.get('56dddf4066d3e219004dad5f')).toBe(0.6666666666666666);
    expect(f1.get('56dddf4066d3e219004dad60')).toBe(0.6666666666666666);
    expect(f1.get('56dde0379a695914005b9637')).toBe(0.5714285714285715);
  });

  it('gives the script\'s human agreement: the second annotator against the others', () => {
    const exact: number[] = [];
    const f1: number[] = [];
    for (const { qa } of questions) {
      const answers = qa.answers.map((a) => a.text);
      if (answers.length < 2) continue;
      const others = answers.filter((_, i) => i !== 1);
      exact.push(maxOverGold(squadExactOne, others, answers[1]!).value);
      f1.push(maxOverGold(squadF1One, others, answers[1]!).value);
    }
    const percent = (values: number[]) => (100 * values.reduce((a, b) => a + b, 0)) / values.length;
    expect(exact.length).toBe(96);
    expect(percent(exact)).toBe(85.41666666666667);
    expect(percent(f1)).toBe(94.07324735449735);
  });
});
