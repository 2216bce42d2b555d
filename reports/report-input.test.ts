import { describe, expect, it } from 'vitest';
import type { Score } from '../metrics/score.ts';
import { reportOutcome } from './report-input.ts';

const score = (scorer: string, pass: boolean, details?: Record<string, unknown>): Score => ({ scorer, value: pass ? 1 : 0, pass, status: 'scored', reason: '', details });

describe('the outcome a report shows', () => {
  it('leaves an advisory judge failure out, as lunar gate does, and counts every other failure', () => {
    const advisory = score('rubric', false, { advisory: true, advisory_reason: 'judge κ 0.41 < 0.6' });
    expect(reportOutcome({ status: 'ok', scores: [score('answer_contains', true), advisory] })).toBe('passed');
    expect(reportOutcome({ status: 'ok', scores: [score('answer_contains', false), advisory] })).toBe('failed');
    expect(reportOutcome({ status: 'ok', scores: [advisory] })).toBe('unscored');
    expect(reportOutcome({ status: 'ok', scores: [score('rubric', false)] })).toBe('failed');
  });
});
