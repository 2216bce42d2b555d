import { describe, expect, it } from 'vitest';
import { lcsLength, rougeL, rougeTokens } from './rouge.ts';
import { runScorer, traceOf } from './test-fixtures.ts';

// Values worked by hand; each also equals what rouge-score's tokenize() and _score_lcs() give
// (run in Python 3.11 on the same strings).
describe('rougeTokens (rouge-score tokenize, no stemmer)', () => {
  it('lower-cases and splits on anything but a-z and 0-9, dropping other letters', () => {
    expect(rougeTokens('Café au lait, $3.50!')).toEqual(['caf', 'au', 'lait', '3', '50']);
    expect(rougeTokens('日本')).toEqual([]);
    expect(rougeTokens('  ')).toEqual([]);
  });
});

describe('rougeL', () => {
  it('gives rouge-score\'s README example: LCS 5 of 8 predicted and 9 reference tokens', () => {
    // LCS "the quick brown jumps the": P = 5/8, R = 5/9, F = 2PR/(P+R) = 10/17.
    const s = rougeL('The quick brown fox jumps over the lazy dog', 'The quick brown dog jumps on the log.');
    expect(s.precision).toBe(0.625);
    expect(s.recall).toBeCloseTo(5 / 9, 15);
    expect(s.fmeasure).toBeCloseTo(10 / 17, 15);
  });

  it('counts repeated tokens once per position', () => {
    // "the the cat" is a subsequence of "the cat the cat" (positions 1, 3, 4): P = 1, R = 3/4, F = 6/7.
    expect(lcsLength(['the', 'cat', 'the', 'cat'], ['the', 'the', 'cat'])).toBe(3);
    const s = rougeL('the cat the cat', 'the the cat');
    expect(s).toMatchObject({ precision: 1, recall: 0.75 });
    expect(s.fmeasure).toBeCloseTo(6 / 7, 15);
  });

  it('is 0 when either side has no tokens', () => {
    expect(rougeL('日本', '日本')).toEqual({ precision: 0, recall: 0, fmeasure: 0 });
    expect(rougeL('a', '')).toEqual({ precision: 0, recall: 0, fmeasure: 0 });
  });
});

describe('rouge_l scorer', () => {
  it('scores the best reference by F-measure and passes at the threshold (0.5 by default)', async () => {
    // Against "a b c d": P = 1, R = 1/2, F = 2/3; against "a c": F = 1.
    expect(await runScorer('rouge_l', { expected_answer: ['a b c d', 'a c'] }, traceOf('A, C.'))).toMatchObject({ value: 1, pass: true, details: { reference: 'a c' } });
    // 7 shared tokens in order of 10 predicted and 11 reference: P = 0.7, R = 7/11, F = 2/3.
    const s = await runScorer(
      'rouge_l',
      { expected_answer: 'The Normans were in contact with England from an early date.' },
      traceOf('Early on, the Normans were already in contact with England.'),
    );
    expect(s!.value).toBeCloseTo(2 / 3, 15);
    expect(s).toMatchObject({ pass: true, reason: 'ROUGE-L F 0.6667 (P 0.7000, R 0.6364) against "The Normans were in contact with England from an early date."' });
    expect(await runScorer('rouge_l', { expected_answer: 'a b c d' }, traceOf('a c'), { threshold: 0.7 })).toMatchObject({ pass: false });
  });

  it('does not apply without expected_answer, and scores no answer as 0', async () => {
    expect(await runScorer('rouge_l', { expected_no_tool: true }, traceOf('x'))).toBeNull();
    expect(await runScorer('rouge_l', { expected_answer: 'x' }, traceOf(null))).toMatchObject({ value: 0, pass: false, reason: 'no final answer (max_steps)' });
  });
});
