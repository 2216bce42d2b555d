import { describe, expect, it } from 'vitest';
import type { BootstrapInterval } from '../../metrics/paired.ts';
import { verdictOf } from './compare-verdict.ts';

const ci = (mean: number, low: number, high: number): BootstrapInterval => ({ mean, low, high, level: 0.95, n: 20, resamples: 10_000, seed: 0 });

describe('verdictOf', () => {
  it('calls the candidate better when the whole interval is above 0, worse when below, otherwise no significant difference', () => {
    expect(verdictOf(ci(0.5, 0.25, 0.75), { n: 20, mcnemarP: 26 / 4096, difference: 0.5 })).toEqual({ verdict: 'better', basis: 'bootstrap' });
    expect(verdictOf(ci(-0.5, -0.75, -0.25), { n: 20, mcnemarP: 26 / 4096, difference: -0.5 })).toEqual({ verdict: 'worse', basis: 'bootstrap' });
    expect(verdictOf(ci(0.1, -0.2, 0.4), { n: 10, mcnemarP: 1, difference: 0.1 })).toEqual({ verdict: 'none', basis: 'bootstrap' });
    // An interval that touches 0 does not exclude it.
    expect(verdictOf(ci(0.2, 0, 0.4), null).verdict).toBe('none');
    expect(verdictOf(ci(0, 0, 0), { n: 21, mcnemarP: 1, difference: 0 })).toEqual({ verdict: 'none', basis: 'bootstrap' });
  });

  it("says so when McNemar's test on pass/fail disagrees with the interval", () => {
    // A graded scorer that rose without moving many cases across its threshold.
    expect(verdictOf(ci(0.08, 0.02, 0.14), { n: 30, mcnemarP: 0.5, difference: 0.0333 })).toEqual({
      verdict: 'better',
      basis: 'bootstrap',
      disagreement: 'on pass/fail alone: no significant difference (pass rate +3.3 pts, McNemar p = 0.5)',
    });
    expect(verdictOf(ci(0.05, -0.01, 0.11), { n: 40, mcnemarP: 0.0213, difference: -0.15 }).disagreement).toBe('on pass/fail alone: candidate worse (pass rate -15.0 pts, McNemar p = 0.0213)');
  });

  it("rests on McNemar's test when no pair has values on both sides, and is 'not compared' with neither", () => {
    expect(verdictOf(null, { n: 12, mcnemarP: 2 / 4096, difference: -11 / 12 })).toEqual({ verdict: 'worse', basis: 'mcnemar' });
    expect(verdictOf(null, { n: 4, mcnemarP: 0.125, difference: 1 })).toEqual({ verdict: 'none', basis: 'mcnemar' });
    expect(verdictOf(null, { n: 0, mcnemarP: 1, difference: null })).toEqual({ verdict: 'not compared', basis: 'none' });
    expect(verdictOf(null, null)).toEqual({ verdict: 'not compared', basis: 'none' });
  });
});
