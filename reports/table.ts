// The table `lunar bench` prints: one row per suite × configuration × target, pass rate (and the
// attempts nothing could check, when there are any), scorer means with the attempts they cover
// when that is not every attempt, latency percentiles, tokens and cost.

import type { Aggregate, ScorerAggregate } from '../runners/summary.ts';

/** One table per suite, each with only the scorers that suite uses, separated by a blank line. */
export function formatTable(aggregates: readonly Aggregate[]): string {
  const suites = [...new Set(aggregates.map((a) => a.suite))];
  return suites.map((suite) => formatSuiteTable(aggregates.filter((a) => a.suite === suite))).join('\n\n');
}

function formatSuiteTable(aggregates: readonly Aggregate[]): string {
  const scorerNames = [...new Set(aggregates.flatMap((a) => Object.keys(a.scorers)))].sort();
  const showUnscored = aggregates.some((a) => a.unscored > 0);
  const header = [
    'suite',
    'config',
    'target',
    'cases',
    'errors',
    'pass rate',
    ...(showUnscored ? ['unscored'] : []),
    ...scorerNames,
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'tokens',
    'cost $',
  ];
  const rows = aggregates.map((a) => [
    a.suite,
    a.config,
    a.target,
    String(a.attempts),
    String(a.errors),
    percent(a.passRate),
    ...(showUnscored ? [String(a.unscored)] : []),
    ...scorerNames.map((n) => scorerCell(a.scorers[n], a.attempts)),
    fixed(a.latencyMs.p50, 1),
    fixed(a.latencyMs.p95, 1),
    fixed(a.latencyMs.p99, 1),
    // "~" when some token counts are estimates; "+?" when some calls had no price.
    `${a.estimatedUsage ? '~' : ''}${a.tokens.input + a.tokens.output}`,
    `${a.costUsd.toFixed(4)}${a.unpricedCalls ? '+?' : ''}`,
  ]);
  const notes = [
    aggregates.some((a) => a.estimatedUsage) ? '~ some token counts are estimates: the provider reported none' : '',
    aggregates.some((a) => a.unpricedCalls) ? '+? some calls used a model with no price (set one in a LUNAR_PRICES file)' : '',
  ].filter(Boolean);
  return [renderColumns([header, ...rows]), ...notes].join('\n');
}

/** The scorer's mean, and "(scored/attempts)" when it does not cover every attempt: "0.812 (64/70)". */
function scorerCell(scorer: ScorerAggregate | undefined, attempts: number): string {
  const scored = scorer?.scored ?? 0;
  const value = fixed(scorer?.mean ?? null, 3);
  return scored === attempts ? value : `${value} (${scored}/${attempts})`;
}

function renderColumns(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const numeric = (i: number) => i >= 3;
  const line = (r: string[]) => r.map((cell, i) => (numeric(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function fixed(value: number | null, digits: number): string {
  return value === null ? '-' : value.toFixed(digits);
}

function percent(value: number | null): string {
  return value === null ? '-' : `${(value * 100).toFixed(1)}%`;
}
