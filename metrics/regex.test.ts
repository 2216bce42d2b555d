import { describe, expect, it } from 'vitest';
import { ScorerOptionsError } from './score.ts';
import { caseOf, metricScorer, optionsError, runScorer, traceOf } from './test-fixtures.ts';

/** These scorers read the answer alone: any valid case will do. */
const anyCase = { expected_no_tool: true };

describe('regex', () => {
  it('passes when the pattern is found anywhere in the answer and names the match', async () => {
    const options = { pattern: String.raw`\b\d{3}-\d{4}\b` };
    expect(await runScorer('regex', anyCase, traceOf('Call 555-0142 today'), options)).toMatchObject({ value: 1, pass: true, reason: String.raw`matched "555-0142" for /\b\d{3}-\d{4}\b/`, details: { match: '555-0142' } });
    expect(await runScorer('regex', anyCase, traceOf('Call 5550142 today'), options)).toMatchObject({ value: 0, pass: false, details: { match: null } });
  });

  it('uses the flags: without i the case must agree; anchors need m to match a line', async () => {
    expect(await runScorer('regex', anyCase, traceOf('ANSWER: B'), { pattern: '^answer: [a-d]$' })).toMatchObject({ pass: false });
    expect(await runScorer('regex', anyCase, traceOf('ANSWER: B'), { pattern: '^answer: [a-d]$', flags: 'i' })).toMatchObject({ pass: true });
    expect(await runScorer('regex', anyCase, traceOf('Thinking...\nAnswer: C'), { pattern: '^Answer: [A-D]$' })).toMatchObject({ pass: false });
    expect(await runScorer('regex', anyCase, traceOf('Thinking...\nAnswer: C'), { pattern: '^Answer: [A-D]$', flags: 'm' })).toMatchObject({ pass: true });
  });

  it('with the g flag, scores every answer from its start (a global regex keeps lastIndex)', async () => {
    const scorer = metricScorer('regex', { pattern: 'ok', flags: 'g' });
    const c = caseOf(anyCase);
    expect(await scorer.score({ case: c, trace: traceOf('ok then') })).toMatchObject({ pass: true });
    expect(await scorer.score({ case: c, trace: traceOf('ok') })).toMatchObject({ pass: true });
  });

  it('with expect no_match, passes only when the pattern is absent', async () => {
    const ssn = { pattern: String.raw`\b\d{3}-\d{2}-\d{4}\b`, expect: 'no_match' };
    expect(await runScorer('regex', anyCase, traceOf('No numbers here'), ssn)).toMatchObject({ value: 1, pass: true });
    expect(await runScorer('regex', anyCase, traceOf('SSN 123-45-6789'), ssn)).toMatchObject({ value: 0, pass: false });
  });

  it('fails with the stop reason when there is no answer to match', async () => {
    expect(await runScorer('regex', anyCase, traceOf(null), { pattern: 'x' })).toMatchObject({ value: 0, pass: false, reason: 'no final answer (max_steps)' });
  });

  it('refuses an invalid pattern, bad flags or no pattern when the suite loads', () => {
    const bad = optionsError('regex', { pattern: '(unclosed' });
    expect(bad).toBeInstanceOf(ScorerOptionsError);
    expect(bad!.message).toBe('regex: options: pattern: not a valid regular expression: Invalid regular expression: /(unclosed/: Unterminated group');
    expect(optionsError('regex', { pattern: 'a', flags: 'q' })!.message).toBe("regex: options: flags: Invalid flags supplied to RegExp constructor 'q'");
    expect(optionsError('regex', {})!.message).toBe('regex: options: pattern: Invalid input: expected string, received undefined');
  });
});
