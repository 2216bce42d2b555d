// Absolute thresholds (`tool_name_match.mean >= 0.85`) checked on one group of a run: a suite ×
// configuration × target. The value is the one the run's table shows (runners/aggregate.ts), with a
// bootstrap 95% interval for context; the threshold is checked on the value itself. A measure
// with no value (a judge skipped on every case) does not hold: a check that could not be made is
// never a pass.

import { bootstrapStatistic, type StatisticInterval } from '../metrics/paired.ts';
import { mean, quantile } from '../metrics/stats.ts';
import type { StoredAttempt } from '../runners/store.ts';
import type { Aggregate } from '../runners/aggregate.ts';
import { holds, type Measure, type Threshold } from '../runners/gate-spec.ts';
import { groupName, outcomeWithout, rate, type CheckResult } from './gate-result.ts';

export function measureName(m: Measure): string {
  switch (m.kind) {
    case 'scorer':
      return `${m.scorer}.${m.statistic}`;
    case 'latency':
      return `latency.${m.quantile}`;
    default:
      return m.kind;
  }
}

interface Observed {
  value: number | null;
  /** The sample the value is a statistic of, for the interval; absent for counts and totals. */
  sample?: { values: number[]; statistic: (sample: readonly number[]) => number };
  /** "n = 70", "n = 65 (5 skipped)". */
  n: string;
  format: (value: number) => string;
}

/**
 * The check, or undefined when the group has no such scorer (the caller notes it). `advisory`:
 * scorers whose scores are advisory here, with the reason.
 */
export function checkThreshold(group: Aggregate, members: readonly StoredAttempt[], t: Threshold, source: string, advisory: ReadonlyMap<string, string>): CheckResult | undefined {
  const observed = observe(group, members, t.measure, advisory);
  if (!observed) return undefined;
  const name = measureName(t.measure);
  const interval = observed.sample && observed.value !== null ? bootstrapStatistic(observed.sample.values, observed.sample.statistic) : null;
  const held = observed.value !== null && holds(observed.value, t.op, t.value);
  const reason = t.measure.kind === 'scorer' ? advisory.get(t.measure.scorer) : undefined;
  const value = observed.value === null ? 'none' : observed.format(observed.value);
  const text = `${groupName(group)} ${name} = ${value}, threshold ${t.op} ${t.limit} (${source})${interval ? `, 95% CI ${range(interval, observed.format)}` : ''}, ${observed.n}`;
  return {
    kind: 'threshold',
    suite: group.suite,
    config: group.config,
    target: group.target,
    measure: name,
    verdict: held ? 'held' : reason ? 'advisory' : 'failed',
    text,
    ...(reason ? { advisory: reason } : {}),
  };
}

function observe(group: Aggregate, members: readonly StoredAttempt[], m: Measure, advisory: ReadonlyMap<string, string>): Observed | undefined {
  switch (m.kind) {
    case 'scorer': {
      const agg = group.scorers[m.scorer];
      if (!agg) return undefined;
      const scored = members.flatMap((a) => a.scores.filter((s) => s.scorer === m.scorer && s.status === 'scored'));
      const values = m.statistic === 'mean' ? scored.map((s) => s.value!) : scored.map((s) => (s.pass ? 1 : 0));
      const left = [agg.skipped && `${agg.skipped} skipped`, agg.errors && `${agg.errors} errored`].filter(Boolean).join(', ');
      return {
        value: m.statistic === 'mean' ? agg.mean : agg.passRate,
        sample: { values, statistic: meanOf },
        n: `n = ${agg.scored}${left ? ` (${left})` : ''}`,
        format: rate,
      };
    }
    case 'pass_rate': {
      // Advisory scores neither pass nor fail an attempt here: their failures must not fail the gate.
      const outcomes = members.map((a) => outcomeWithout(a, new Set(advisory.keys())));
      const judged = outcomes.filter((o) => o !== 'unscored').map((o) => (o === 'pass' ? 1 : 0));
      const unscored = outcomes.length - judged.length;
      const notes = [unscored && `${unscored} unscored`, advisory.size && `advisory ${[...advisory.keys()].sort().join(', ')} left out`].filter(Boolean).join('; ');
      return { value: mean(judged), sample: { values: judged, statistic: meanOf }, n: `n = ${judged.length}${notes ? ` (${notes})` : ''}`, format: rate };
    }
    case 'latency': {
      const q = { p50: 0.5, p95: 0.95, p99: 0.99 }[m.quantile];
      const ran = members.filter((a) => a.status === 'ok').map((a) => a.latencyMs);
      return { value: group.latencyMs[m.quantile], sample: { values: ran, statistic: (s) => quantile(s, q)! }, n: `n = ${ran.length}`, format: (v) => `${v.toFixed(1)} ms` };
    }
    case 'errors':
      return { value: group.errors, n: `n = ${group.attempts}`, format: (v) => String(v) };
    case 'cost_usd':
      return { value: group.costUsd, n: `n = ${group.attempts}`, format: (v) => `$${v.toFixed(4)}` };
  }
}

const meanOf = (sample: readonly number[]) => mean(sample)!;

function range(i: StatisticInterval, format: (v: number) => string): string {
  return `[${format(i.low)}, ${format(i.high)}]`;
}
