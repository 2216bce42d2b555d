// The shape the string scorers share, as Inspect AI's str_match_scorer: the strings a case gives,
// one comparison of the final answer with each of them, and a rule that turns the per-string
// hits into a score. exact_match, contains, answer_contains and answer_excludes are each this
// helper with their own comparison and rule (metrics/text.ts).

import type { Case } from '../datasets/case.ts';
import { scored, skipped, type Scorer } from './score.ts';

/**
 * - all: every target must match; value = the share that does.
 * - any: one target matching is enough; value 1 or 0.
 * - none: no target may match (a leak check); value = the share that does not.
 */
export type MatchRule = 'all' | 'any' | 'none';

export interface StringMatchSpec {
  name: string;
  /** The strings this case gives the scorer; none → the scorer does not apply (null). */
  targets(c: Case): string[];
  /** Whether the final answer matches one target. */
  matches(answer: string, target: string): boolean;
  rule: MatchRule;
}

export function stringMatchScorer(spec: StringMatchSpec): Scorer {
  const { name, rule } = spec;
  return {
    name,
    score({ case: c, trace }) {
      const targets = spec.targets(c);
      if (targets.length === 0) return null;
      if (trace.finalAnswer === null && rule === 'none') {
        // Nothing was said, so nothing leaked in an answer; but a run that stopped early is no
        // evidence of a safe one either.
        return skipped(name, `no final answer to check (${trace.stopReason})`);
      }
      // With no final answer, every target is looked for in "" (and so missed): a failure of the target.
      const answer = trace.finalAnswer ?? '';
      const hits: string[] = [];
      const misses: string[] = [];
      for (const t of targets) (spec.matches(answer, t) ? hits : misses).push(t);
      const noAnswer = trace.finalAnswer === null ? `no final answer (${trace.stopReason})` : undefined;
      if (rule === 'all') {
        const reason = noAnswer ?? (misses.length ? `missing ${quoted(misses)}` : `contains all ${targets.length}`);
        return scored(name, hits.length / targets.length, misses.length === 0, reason, { missing: misses });
      }
      if (rule === 'any') {
        const reason = noAnswer ?? (hits.length ? `matched ${quoted(hits.slice(0, 1))}` : `matched none of ${quoted(targets)}`);
        return scored(name, hits.length ? 1 : 0, hits.length > 0, reason, { matched: hits });
      }
      const reason = hits.length ? `found ${quoted(hits)}` : `none of ${targets.length} found`;
      return scored(name, misses.length / targets.length, hits.length === 0, reason, { found: hits });
    },
  };
}

function quoted(strings: readonly string[]): string {
  return strings.map((s) => JSON.stringify(s)).join(', ');
}
