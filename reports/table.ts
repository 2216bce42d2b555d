// The table `lunar bench` prints: one row per suite × configuration × target, pass rate (and the
// attempts nothing could check, when there are any), scorer means with the attempts they cover
// when that is not every attempt, latency percentiles, tokens and cost.
//
// With repeats (`--repeat N`, N > 1 on some row), per row:
//   cases    "2×3": 2 cases × 3 repeats; "5 of 2×3" when only 5 of those attempts are stored.
//   pass^1   the chance one repeat passes (the pass rate over cases with every repeat scorable).
//   pass^N   the chance all N repeats of a case pass (τ-bench's pass^k at k = N).
//   pass@N   the chance at least one of the N repeats passes.
//   scorer   "0.812 ±0.031": the mean of the per-repeat means ± their sample standard deviation
//            (n − 1) across repeats; then "(scored/attempts)" as without repeats.
// The headers read "pass^N"/"pass@N" with the number when every repeated row has the same N,
// else "pass^n"/"pass@n" (n is each row's, shown in its cases cell). A row without repeats shows
// "-" there. A note names any row whose pass^k leaves cases out (a case missing a repeat, or one
// with a repeat nothing could check); errored attempts stay in as failed draws.

import type { ConfigReliability } from '../runners/judge-reliability.ts';
import { fixed, percent } from './format.ts';
import type { Aggregate, ScorerAggregate } from '../runners/aggregate.ts';

/** One table per suite, each with only the scorers that suite uses, separated by a blank line. */
export function formatTable(aggregates: readonly Aggregate[]): string {
  const suites = [...new Set(aggregates.map((a) => a.suite))];
  return suites.map((suite) => formatSuiteTable(aggregates.filter((a) => a.suite === suite))).join('\n\n');
}

function formatSuiteTable(aggregates: readonly Aggregate[]): string {
  const scorerNames = [...new Set(aggregates.flatMap((a) => Object.keys(a.scorers)))].sort();
  const showUnscored = aggregates.some((a) => a.unscored > 0);
  const repeated = aggregates.filter((a) => (a.repeats ?? 1) > 1);
  const ns = [...new Set(repeated.map((a) => a.repeats!))];
  const N = ns.length === 1 ? String(ns[0]) : 'n';
  const header = [
    'suite',
    'config',
    'target',
    'cases',
    'errors',
    'pass rate',
    ...(showUnscored ? ['unscored'] : []),
    ...(repeated.length ? ['pass^1', `pass^${N}`, `pass@${N}`] : []),
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
    casesCell(a),
    String(a.errors),
    percent(a.passRate),
    ...(showUnscored ? [String(a.unscored)] : []),
    ...(repeated.length ? repeatCells(a) : []),
    ...scorerNames.map((n) => scorerCell(a.scorers[n], a.attempts)),
    fixed(a.latencyMs.p50, 1),
    fixed(a.latencyMs.p95, 1),
    fixed(a.latencyMs.p99, 1),
    // "~" when some token counts are estimates; "+?" when some calls had no price.
    `${a.estimatedUsage ? '~' : ''}${a.tokens.input + a.tokens.output}`,
    `${a.costUsd.toFixed(4)}${a.unpricedCalls ? '+?' : ''}`,
  ]);
  const notes = [
    ...runFactLines(aggregates),
    ...aggregates.filter((a) => a.judgeCostUsd > 0).map((a) => `judge ${a.suite}/${a.config}/${a.target}: the judge's calls cost $${a.judgeCostUsd.toFixed(4)} (not in the cost column)`),
    ...aggregates.filter((a) => (a.userCostUsd ?? 0) > 0).map((a) => `user ${a.suite}/${a.config}/${a.target}: the simulated user's calls cost $${a.userCostUsd!.toFixed(4)} (not in the cost column)`),
    ...aggregates.filter((a) => a.failedEpisodes).map((a) => `user_check ${a.suite}/${a.config}/${a.target}: of the failed episodes, ${a.failedEpisodes!.userError} the simulated user's fault (user_error), ${a.failedEpisodes!.agentError} the agent's (agent_error)`),
    repeated.length ? 'pass^k: all k repeats of a case pass; pass@k: at least one does; ± sample std of the per-repeat means' : '',
    ...repeated.filter((a) => a.passKCases! < a.cases!).map(leftOutNote),
    aggregates.some((a) => a.estimatedUsage) ? '~ some token counts are estimates: the provider reported none' : '',
    aggregates.some((a) => a.unpricedCalls) ? '+? some calls used a model with no price (set one in a LUNAR_PRICES file), or an external agent reported no cost (its response may carry costUsd)' : '',
  ].filter(Boolean);
  return [renderColumns([header, ...rows]), ...notes].join('\n');
}

/**
 * One line per row that has run-fact scores: "run facts s/default/t: latency_ms p50 812.0 p95 1904.3
 * p99 2210.9 (n=70); tokens p50 ...", figures with one decimal, cost_usd with six.
 */
function runFactLines(aggregates: readonly Aggregate[]): string[] {
  return aggregates
    .filter((a) => Object.keys(a.runFacts).length > 0)
    .map((a) => {
      const facts = Object.values(a.runFacts).map((f) => {
        const digits = f.figure === 'cost_usd' ? 6 : 1;
        return `${f.figure} p50 ${fixed(f.p50, digits)} p95 ${fixed(f.p95, digits)} p99 ${fixed(f.p99, digits)} (n=${f.n})`;
      });
      return `run facts ${a.suite}/${a.config}/${a.target}: ${facts.join('; ')}`;
    });
}

/** Attempts; with repeats "cases×repeats", prefixed "attempts of" when some are missing. */
function casesCell(a: Aggregate): string {
  if ((a.repeats ?? 1) <= 1) return String(a.attempts);
  const grid = `${a.cases}×${a.repeats}`;
  return a.attempts === a.cases! * a.repeats! ? grid : `${a.attempts} of ${grid}`;
}

/** pass^1, pass^n, pass@n of a row with repeats; "-" for a row without. */
function repeatCells(a: Aggregate): string[] {
  const n = a.repeats ?? 1;
  if (n <= 1) return ['-', '-', '-'];
  return [percent(a.passHatK![1] ?? null), percent(a.passHatK![n] ?? null), percent(a.passAtK![n] ?? null)];
}

function leftOutNote(a: Aggregate): string {
  const { incomplete, unscored } = a.passKLeftOut!;
  const why = [incomplete ? `${incomplete} missing a repeat` : '', unscored ? `${unscored} with a repeat nothing could check` : ''].filter(Boolean).join(', ');
  return `${a.suite}/${a.config}/${a.target}: pass^k and pass@k over ${a.passKCases} of ${a.cases} cases (${why})`;
}

/**
 * The scorer's mean, and "(scored/attempts)" when it does not cover every attempt: "0.812 (64/70)".
 * With repeats, the mean of the per-repeat means and their std: "0.812 ±0.031 (64/70)".
 */
function scorerCell(scorer: ScorerAggregate | undefined, attempts: number): string {
  const scored = scorer?.scored ?? 0;
  const spread = scorer?.acrossRepeats;
  const value = spread
    ? `${fixed(spread.mean, 3)}${spread.std === null ? '' : ` ±${spread.std.toFixed(3)}`}`
    : fixed(scorer?.mean ?? null, 3);
  return scored === attempts ? value : `${value} (${scored}/${attempts})`;
}

function renderColumns(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const numeric = (i: number) => i >= 3;
  const line = (r: string[]) => r.map((cell, i) => (numeric(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/**
 * One line per configuration with a judge: how far its verdicts can be trusted on this run, e.g.
 * "judge openai:gpt-4o-mini on safety/default: self-consistency 0.917 (30 re-judgments, $0.0012);
 * position bias -; kappa 0.41 (natural.json, 2026-12-04) for pairwise_reference", then one line per
 * scorer whose scores were marked advisory, with the reason.
 */
export function formatJudgeReliability(reports: readonly ConfigReliability[]): string[] {
  // No judge configured: its scores were skipped, and that is said in the table already.
  return reports.filter((report) => report.reliability.judge !== null).flatMap(({ suite, config, reliability: r, advisory }) => {
    const sc = r.selfConsistency;
    const consistency = sc ? `self-consistency ${fixed(sc.rate, 3)} (${sc.compared} re-judgments, $${sc.costUsd.toFixed(4)})` : 'self-consistency -';
    const bias = r.positionBias ? `position bias ${fixed(r.positionBias.rate, 3)} (${r.positionBias.flipped} of ${r.positionBias.comparisons} flipped)` : 'position bias -';
    const kappas = r.calibration.map((c) => (c.latest ? `kappa ${fixed(c.latest.kappa, 2)} (${c.latest.data}, ${c.latest.date.slice(0, 10)}) for ${c.scorer}` : `no calibration for ${c.scorer}`));
    return [
      `judge ${r.judge ?? '-'} on ${suite}/${config}: ${[consistency, bias, ...kappas].join('; ')}`,
      ...Object.entries(advisory).map(([scorer, why]) => `  ${scorer} is advisory on this run: ${why}`),
    ];
  });
}

