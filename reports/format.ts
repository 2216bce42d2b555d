// How reports write numbers: the same figure reads the same in the HTML report, the Markdown
// summary and the JUnit messages.

import type { Interval } from './intervals.ts';

/** 0.8123 → "81.2%"; null → "-". */
export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : `${(value * 100).toFixed(1)}%`;
}

/** A figure with `digits` decimals; null → "-". */
export function fixed(value: number | null, digits = 3): string {
  return value === null ? '-' : value.toFixed(digits);
}

/** "[71.2–88.0%]"; "" when there is no interval. */
export function percentInterval(interval: Interval | null | undefined): string {
  return interval ? `[${(interval.low * 100).toFixed(1)}–${(interval.high * 100).toFixed(1)}%]` : '';
}

/** A 0..1 score with three decimals: "0.812"; null → "-". */
export function score(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : value.toFixed(3);
}

/** "[0.741–0.869]"; "" when there is no interval. */
export function scoreInterval(interval: Interval | null | undefined): string {
  return interval ? `[${interval.low.toFixed(3)}–${interval.high.toFixed(3)}]` : '';
}

/** "$0.0123", "$0.0123+?" when some calls had no price (their cost counted as 0). */
export function dollars(value: number, unpricedCalls = 0): string {
  return `$${value.toFixed(4)}${unpricedCalls ? '+?' : ''}`;
}

/** Milliseconds with one decimal; null → "-". */
export function millis(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : value.toFixed(1);
}
