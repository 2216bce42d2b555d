// Two sets of attempts of the same cases (two targets, two runs, a run and its baseline), paired
// by case id and repeat, and compared scorer by scorer: wins/losses/ties and the mean difference
// with its paired bootstrap interval over the values both sides scored; McNemar's exact test on
// pass/fail. `lunar compare` and `lunar gate` both compare through here, so a regression the gate
// reports is the difference the comparison shows.
//
// A side's pass/fail for a scorer: a 'scored' score passes or fails as it says; an 'error' score,
// or an attempt that errored before it could be scored, fails (a check that broke is never a
// pass); a 'skipped' score is neither (nothing was checked, as in the pass rate), so the pair is
// left out and counted. Differences are B − A: positive means B is better.

import { mcnemarExact, pairedBootstrap, passFailTable, winsLossesTies, type BootstrapInterval, type PassFailTable, type WinsLossesTies } from './paired.ts';
import { mean } from './stats.ts';
import { clusterBootstrap, clusterValueBootstrap, type CaseVerdict, type ClusterComparison } from './cluster-bootstrap.ts';
import { advisoryReason, attemptOutcome, type AttemptOutcome } from './outcome.ts';
import type { Score } from './score.ts';

/** The p-value under which a paired difference counts as real: the gate's and the comparison page's. */
export const SIGNIFICANCE = 0.05;

export interface ScoreObservation {
  status: 'scored' | 'skipped' | 'error';
  value: number | null;
  pass: boolean | null;
  /** Why the score is advisory (reported, never failing a gate), when its details mark it so. */
  advisory?: string;
}

/** What a comparison needs of one attempt. */
export interface CaseObservation {
  caseId: string;
  repeat: number;
  category: string;
  /** The attempt could not run to an answer: every scorer the other side has counts as failed here. */
  errored: boolean;
  outcome: AttemptOutcome;
  scores: Record<string, ScoreObservation>;
}

export interface CaseKey {
  caseId: string;
  repeat: number;
}

export interface PassFailComparison extends PassFailTable {
  /** Pass rates over the n pairs of the table. */
  passRateA: number | null;
  passRateB: number | null;
  /** passRateB − passRateA. */
  difference: number | null;
  /** The paired bootstrap interval of that difference (over the pairs' 0/1 outcomes). */
  interval: BootstrapInterval | null;
  /** McNemar's exact two-sided p on onlyA vs onlyB. */
  mcnemarP: number;
  /**
   * Set when either side has more than one attempt of a case: B − A with the case as the unit
   * (cluster-bootstrap.ts), over every verdict of each side, whatever its repeat. Repeats of a case
   * are not independent pairs, so McNemar's p and the paired interval above understate the
   * uncertainty; the gate and the comparison judge by this instead.
   */
  cluster?: ClusterComparison;
}

export interface ValueComparison extends WinsLossesTies {
  /** Pairs where both sides were scored. */
  n: number;
  /** Means over those pairs, so meanB − meanA is the mean difference. */
  meanA: number | null;
  meanB: number | null;
  difference: BootstrapInterval | null;
  /** With repeats on either side: the mean difference with the case as the unit (see PassFailComparison.cluster). */
  cluster?: ClusterComparison;
}

export interface CategoryComparison extends ValueComparison {
  category: string;
}

/** Pairs a scorer could not compare, by why, counted per side (a pair may count on both). */
export interface NotCompared {
  skippedA: number;
  skippedB: number;
  errorA: number;
  errorB: number;
  /** The side ran but has no score of this scorer (its scorers differ from the other side's). */
  missingA: number;
  missingB: number;
}

export interface ScorerComparison {
  scorer: string;
  values: ValueComparison;
  passFail: PassFailComparison;
  notCompared: NotCompared;
  categories: CategoryComparison[];
  /** Set when a B-side score of this scorer is advisory (see ScoreObservation), with its reason. */
  advisory?: string;
}

export interface PairedComparison {
  /** Cases (with repeat) present on both sides. */
  pairs: number;
  onlyInA: CaseKey[];
  onlyInB: CaseKey[];
  /** Whole-attempt pass/fail (the pass rate's definition); pairs with an unscored side are left out. */
  outcome: PassFailComparison & { unscoredA: number; unscoredB: number };
  scorers: ScorerComparison[];
}

/** What a comparison reads of a stored attempt. */
export interface ObservedAttempt {
  caseId: string;
  repeat: number;
  category: string;
  status: 'ok' | 'error';
  scores: readonly Score[];
}

export function observe(attempt: ObservedAttempt): CaseObservation {
  const scores: Record<string, ScoreObservation> = {};
  for (const s of attempt.scores) {
    const advisory = advisoryReason(s.details, s.reason);
    scores[s.scorer] = { status: s.status, value: s.value, pass: s.pass, ...(advisory ? { advisory } : {}) };
  }
  return { caseId: attempt.caseId, repeat: attempt.repeat, category: attempt.category, errored: attempt.status === 'error', outcome: attemptOutcome(attempt), scores };
}

export function caseKey(o: CaseKey): string {
  return `${o.caseId}\u0000${o.repeat}`;
}

/** A case for people: `id`, or `id (repeat 2)` past the first repeat. */
export function caseLabel(o: CaseKey): string {
  return o.repeat === 0 ? o.caseId : `${o.caseId} (repeat ${o.repeat})`;
}

export function comparePaired(a: readonly CaseObservation[], b: readonly CaseObservation[]): PairedComparison {
  const byKeyB = new Map(b.map((o) => [caseKey(o), o]));
  const keysA = new Set(a.map(caseKey));
  const pairs: [CaseObservation, CaseObservation][] = [];
  const onlyInA: CaseKey[] = [];
  for (const oa of a) {
    const ob = byKeyB.get(caseKey(oa));
    if (ob) pairs.push([oa, ob]);
    else onlyInA.push({ caseId: oa.caseId, repeat: oa.repeat });
  }
  const onlyInB = b.filter((o) => !keysA.has(caseKey(o))).map((o) => ({ caseId: o.caseId, repeat: o.repeat }));
  const scorerNames = [...new Set(pairs.flatMap(([oa, ob]) => [...Object.keys(oa.scores), ...Object.keys(ob.scores)]))].sort();
  const repeated = hasRepeats(a) || hasRepeats(b);
  const cluster = (verdict: (o: CaseObservation) => boolean | null) => {
    const result = repeated ? clusterBootstrap(a.map((o) => asVerdict(o, verdict)), b.map((o) => asVerdict(o, verdict))) : null;
    return result ? { cluster: result } : {};
  };
  return {
    pairs: pairs.length,
    onlyInA: sortKeys(onlyInA),
    onlyInB: sortKeys(onlyInB),
    outcome: { ...compareOutcomes(pairs), ...cluster((o) => (o.outcome === 'unscored' ? null : o.outcome === 'pass')) },
    scorers: scorerNames.map((name) => {
      const s = compareScorer(name, pairs);
      // Only the cases the scorer applies to (some attempt has its score): an errored attempt of
      // a case it never scores is no failure of it.
      const applies = new Set([...a, ...b].filter((o) => o.scores[name]).map((o) => o.caseId));
      const value = (o: CaseObservation) => {
        const state = sideState(o, name);
        return { caseId: o.caseId, value: state.kind === 'scored' ? state.value : null };
      };
      const values = repeated ? clusterValueBootstrap(a.map(value), b.map(value)) : null;
      return {
        ...s,
        values: { ...s.values, ...(values ? { cluster: values } : {}) },
        passFail: { ...s.passFail, ...cluster((o) => (applies.has(o.caseId) ? (passState(sideState(o, name)) ?? null) : null)) },
      };
    }),
  };
}

/** More than one attempt of some case: the attempts are clustered, not independent. */
function hasRepeats(observations: readonly CaseObservation[]): boolean {
  const seen = new Set<string>();
  for (const o of observations) {
    if (seen.has(o.caseId)) return true;
    seen.add(o.caseId);
  }
  return false;
}

function asVerdict(o: CaseObservation, verdict: (o: CaseObservation) => boolean | null): CaseVerdict {
  return { caseId: o.caseId, pass: verdict(o) };
}

function compareOutcomes(pairs: readonly [CaseObservation, CaseObservation][]): PairedComparison['outcome'] {
  const judged = pairs.filter(([oa, ob]) => oa.outcome !== 'unscored' && ob.outcome !== 'unscored');
  return {
    ...passFailComparison(judged.map(([oa, ob]) => ({ a: oa.outcome === 'pass', b: ob.outcome === 'pass' }))),
    unscoredA: pairs.filter(([oa]) => oa.outcome === 'unscored').length,
    unscoredB: pairs.filter(([, ob]) => ob.outcome === 'unscored').length,
  };
}

type SideState = { kind: 'scored'; value: number; pass: boolean } | { kind: 'error' } | { kind: 'skipped' } | { kind: 'missing' } | { kind: 'none' };

function sideState(o: CaseObservation, scorer: string): SideState {
  const s = o.scores[scorer];
  if (!s) return o.errored ? { kind: 'error' } : { kind: 'missing' };
  if (s.status === 'scored' && s.value !== null) return { kind: 'scored', value: s.value, pass: s.pass === true };
  if (s.status === 'skipped') return { kind: 'skipped' };
  return { kind: 'error' };
}

function compareScorer(scorer: string, pairs: readonly [CaseObservation, CaseObservation][]): ScorerComparison {
  const valuePairs: { a: number; b: number; category: string }[] = [];
  const passPairs: { a: boolean; b: boolean }[] = [];
  const notCompared: NotCompared = { skippedA: 0, skippedB: 0, errorA: 0, errorB: 0, missingA: 0, missingB: 0 };
  let advisory: string | undefined;
  for (const [oa, ob] of pairs) {
    // A pair neither side scored with this scorer (it did not apply to the case) is no pair of it.
    if (!oa.scores[scorer] && !ob.scores[scorer]) continue;
    advisory ??= ob.scores[scorer]?.advisory;
    const sa = sideState(oa, scorer);
    const sb = sideState(ob, scorer);
    for (const [state, side] of [[sa, 'A'], [sb, 'B']] as const) {
      if (state.kind === 'skipped') notCompared[`skipped${side}`] += 1;
      else if (state.kind === 'error') notCompared[`error${side}`] += 1;
      else if (state.kind === 'missing') notCompared[`missing${side}`] += 1;
    }
    if (sa.kind === 'scored' && sb.kind === 'scored') valuePairs.push({ a: sa.value, b: sb.value, category: oa.category });
    const pa = passState(sa);
    const pb = passState(sb);
    if (pa !== undefined && pb !== undefined) passPairs.push({ a: pa, b: pb });
  }
  const categories = [...new Set(valuePairs.map((p) => p.category))].sort();
  return {
    scorer,
    values: valueComparison(valuePairs),
    passFail: passFailComparison(passPairs),
    notCompared,
    categories: categories.map((category) => ({ category, ...valueComparison(valuePairs.filter((p) => p.category === category)) })),
    ...(advisory ? { advisory } : {}),
  };
}

/** Pass or fail for McNemar; undefined when the side was not checked (skipped, or no such score). */
function passState(state: SideState): boolean | undefined {
  if (state.kind === 'scored') return state.pass;
  if (state.kind === 'error') return false;
  return undefined;
}

function valueComparison(pairs: readonly { a: number; b: number }[]): ValueComparison {
  return {
    n: pairs.length,
    meanA: mean(pairs.map((p) => p.a)),
    meanB: mean(pairs.map((p) => p.b)),
    difference: pairedBootstrap(pairs.map((p) => p.b - p.a)),
    ...winsLossesTies(pairs),
  };
}

function passFailComparison(pairs: readonly { a: boolean; b: boolean }[]): PassFailComparison {
  const table = passFailTable(pairs);
  const passRateA = table.n ? (table.bothPass + table.onlyA) / table.n : null;
  const passRateB = table.n ? (table.bothPass + table.onlyB) / table.n : null;
  return {
    ...table,
    passRateA,
    passRateB,
    difference: passRateA === null || passRateB === null ? null : (table.onlyB - table.onlyA) / table.n,
    interval: pairedBootstrap(pairs.map((p) => Number(p.b) - Number(p.a))),
    mcnemarP: mcnemarExact(table.onlyA, table.onlyB),
  };
}

function sortKeys(keys: CaseKey[]): CaseKey[] {
  return keys.sort((x, y) => (x.caseId < y.caseId ? -1 : x.caseId > y.caseId ? 1 : x.repeat - y.repeat));
}
