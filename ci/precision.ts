// Sample-size planning from a stored run (metrics/power.ts on its per-case counts), for
// `lunar plan` and for the gate's warning: a reference tolerance of 0.02 on a 20-case suite asks
// the gate to see drops it cannot see, and a gate that cannot see them holds by default. The
// warning does not fail the gate: the suite is what it is; the fix is more cases or repeats.

import { GATE_ONE_SIDED_ALPHA, GATE_TOLERANCE } from '../metrics/gate-decision.ts';
import { minimumDetectableEffect, requiredCases, summarizeBase, type BaseSummary } from '../metrics/power.ts';
import type { CaseDraws } from '../metrics/reliability.ts';

/** The power a plan aims for unless told otherwise: a real drop is caught 4 times in 5. */
export const PLAN_POWER = 0.8;

export interface PlanOptions {
  mde: number;
  power?: number;
  /** One-sided; default the gate's (0.025). */
  alpha?: number;
  tolerance?: number;
  /** Repeat counts to plan for (each gets its cases needed and its detectable drop). */
  repeats: readonly number[];
}

export interface RepeatPlan {
  repeats: number;
  /** Cases needed to catch a drop of mde; null when no number of cases does (mde within the tolerance). */
  casesNeeded: number | null;
  /** The smallest drop the current number of cases catches; null when not even losing every pass is. */
  detectable: number | null;
}

export interface GroupPlan {
  group: string;
  base: BaseSummary;
  /** Cases with at least two verdicts: the within-case variance is measured from them only. */
  repeatedCases: number;
  plans: RepeatPlan[];
}

export function planGroup(group: string, draws: readonly CaseDraws[], options: PlanOptions): GroupPlan {
  const base = summarizeBase(draws);
  const { mde, power = PLAN_POWER, alpha = GATE_ONE_SIDED_ALPHA, tolerance = GATE_TOLERANCE } = options;
  const plans = options.repeats.map((repeats) => ({
    repeats,
    casesNeeded: mde <= base.passRate ? requiredCases(base, { mde, power, alpha, tolerance, repeats }) : null,
    detectable: minimumDetectableEffect(base, { cases: base.cases, power, alpha, tolerance, repeats }),
  }));
  return { group, base, repeatedCases: draws.filter((d) => d.n >= 2).length, plans };
}

/**
 * A one-line warning when the reference's tolerance asks for finer than the suite can see: the
 * smallest drop caught with power 0.8 over these cases and repeats is more than twice the
 * tolerance (drops between the two pass the gate unseen). undefined when the suite is up to it.
 */
export function toleranceWarning(group: string, draws: readonly CaseDraws[], tolerance: number, repeats: number): string | undefined {
  if (draws.length === 0) return undefined;
  const base = summarizeBase(draws);
  if (base.passRate === 0) return undefined;
  const mde = minimumDetectableEffect(base, { cases: base.cases, power: PLAN_POWER, tolerance, repeats });
  if (mde !== null && mde <= 2 * tolerance) return undefined;
  const seen = mde === null ? 'no drop at all reliably' : `only drops of ${mde.toFixed(3)} or more`;
  return (
    `${group}: the tolerance ${tolerance} asks for more precision than ${base.cases} cases × ${repeats} repeat(s) give: ` +
    `the gate catches ${seen} (power ${PLAN_POWER}); lunar plan --base <run> --mde ${tolerance} says how many cases would`
  );
}

/**
 * A one-line warning when a pass-rate threshold sits inside the run's own noise: the pass rate is
 * within two run-to-run SDs (√(E[p(1−p)]/N), over √R for R repeats; metrics/noise.ts) of the
 * threshold, so running the same suite again unchanged could turn the verdict. undefined otherwise.
 */
export function thresholdWarning(group: string, draws: readonly CaseDraws[], threshold: { text: string; value: number }, repeats: number): string | undefined {
  if (draws.length === 0) return undefined;
  const base = summarizeBase(draws);
  const sd = Math.sqrt(base.withinVariance / base.cases / repeats);
  const gap = Math.abs(base.passRate - threshold.value);
  if (sd === 0 || gap >= 2 * sd) return undefined;
  return (
    `${group}: "${threshold.text}" is within the run's noise: the pass rate ${base.passRate.toFixed(3)} is ${gap.toFixed(3)} from ${threshold.value}, ` +
    `under two run-to-run SDs (2 × ${sd.toFixed(3)} over ${base.cases} cases × ${repeats} repeat(s)); the verdict may change on an unchanged rerun (lunar noise, lunar plan)`
  );
}
