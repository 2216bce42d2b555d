// The comparison page's headline: is the candidate better, worse, or not significantly
// different? Read from the paired bootstrap 95% interval of the mean difference (B − A): wholly
// above 0 is better, wholly below is worse. Where no pair has values on both sides but pass/fail
// could still be compared (one side errored on every case), McNemar's exact p < 0.05 decides, in
// the direction of the pass-rate difference. When the two tests disagree the verdict says so, so
// a reader never takes one test's word while the other says otherwise. The level is the gate's
// (ci/regression-checks.ts), so the page and `lunar gate` call the same differences significant.

import { SIGNIFICANCE } from '../../metrics/paired-cases.ts';
import type { BootstrapInterval } from '../../metrics/paired.ts';
import { points, pValue } from '../compare/text.ts';

export type Verdict = 'better' | 'worse' | 'none' | 'not compared';

export const VERDICT_LABELS: Record<Verdict, string> = {
  better: 'candidate better',
  worse: 'candidate worse',
  none: 'no significant difference',
  'not compared': 'not compared',
};

/** The pass/fail side of a comparison: pairs, McNemar's p, and the pass-rate difference B − A. */
export interface PassFailEvidence {
  n: number;
  mcnemarP: number;
  difference: number | null;
}

export interface VerdictResult {
  verdict: Verdict;
  /** Which test the verdict rests on. */
  basis: 'bootstrap' | 'mcnemar' | 'none';
  /** Set when McNemar's test on pass/fail points elsewhere than the bootstrap. */
  disagreement?: string;
}

export function verdictOf(difference: BootstrapInterval | null, passFail: PassFailEvidence | null): VerdictResult {
  const mcnemar = passFail && passFail.n > 0 ? mcnemarVerdict(passFail) : undefined;
  if (difference) {
    const verdict: Verdict = difference.low > 0 ? 'better' : difference.high < 0 ? 'worse' : 'none';
    if (mcnemar === undefined || mcnemar === verdict) return { verdict, basis: 'bootstrap' };
    return { verdict, basis: 'bootstrap', disagreement: `on pass/fail alone: ${VERDICT_LABELS[mcnemar]} (pass rate ${points(passFail!.difference)}, McNemar p = ${pValue(passFail!.mcnemarP)})` };
  }
  if (mcnemar !== undefined) return { verdict: mcnemar, basis: 'mcnemar' };
  return { verdict: 'not compared', basis: 'none' };
}

function mcnemarVerdict(pf: PassFailEvidence): Verdict {
  if (pf.mcnemarP >= SIGNIFICANCE || pf.difference === null || pf.difference === 0) return 'none';
  return pf.difference > 0 ? 'better' : 'worse';
}
