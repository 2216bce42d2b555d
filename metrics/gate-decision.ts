// The gate's decision on a pass rate, as `lunar gate` makes it against its baseline
// (ci/regression-checks.ts, passRateVerdict), over attempts paired by case and repeat
// (metrics/paired-cases.ts): a regression when the run's pass rate is below the baseline's by
// more than the tolerance AND McNemar's exact two-sided p < 0.05. Restated here, on metrics/'s
// own McNemar, so that planning (metrics/power.ts) and its simulations judge simulated runs by the
// very rule the gate applies; a change to that rule must be made in both places.
//
// The rule only ever fails a drop, so it is a one-sided test: for a drop (onlyA > onlyB) the
// two-sided exact p is 2·P(X ≤ onlyB), X ~ Binomial(onlyA + onlyB, ½), and p < 0.05 is the
// one-sided lower-tail p < 0.025. Planning therefore uses one-sided α = 0.025 for this gate.

import { mcnemarExact, type PassFailTable } from './paired.ts';

/** McNemar's two-sided significance level in the gate (ci/regression-checks.ts SIGNIFICANCE). */
export const GATE_SIGNIFICANCE = 0.05;
/** The gate's default tolerance (runners/gate-spec.ts DEFAULT_TOLERANCE): a drop of up to 0.02 is never a regression. */
export const GATE_TOLERANCE = 0.02;
/** The one-sided level the gate's pass-rate test works at: GATE_SIGNIFICANCE / 2 (see the header). */
export const GATE_ONE_SIDED_ALPHA = GATE_SIGNIFICANCE / 2;

export interface GateRule {
  tolerance?: number;
  significance?: number;
}

/**
 * Whether the gate calls the pass-rate change a regression, A the baseline and B the run:
 * (onlyB − onlyA)/n < −tolerance and mcnemarExact(onlyA, onlyB) < significance. False with no pairs.
 */
export function gateFlagsRegression(table: PassFailTable, rule: GateRule = {}): boolean {
  const { tolerance = GATE_TOLERANCE, significance = GATE_SIGNIFICANCE } = rule;
  if (table.n === 0) return false;
  const difference = (table.onlyB - table.onlyA) / table.n;
  return difference < -tolerance && mcnemarExact(table.onlyA, table.onlyB) < significance;
}
