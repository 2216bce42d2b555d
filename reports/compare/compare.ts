// `lunar compare`: is run B (the candidate) better than run A (the base), where, and is it real?
// Attempts are paired by suite, configuration, case id and repeat; the targets may differ (that is
// the point: a fine-tuned model against its base). The result is a plain data object, the
// ComparisonReport, that the terminal printer, comparison.json and comparison.html all render
// (the HTML also shows both answers of each pair, from the attempts the report was made from).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JudgeUsageSummary } from '../../judges/usage.ts';
import { BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED } from '../../metrics/paired.ts';
import type { ComparisonPageInput } from '../html/compare-model.ts';
import { COMPARISON_HTML, renderComparisonHtml } from '../html/compare-report.ts';
import { InputError } from '../../core/errors.ts';
import { comparePaired, observe, type PairedComparison } from '../../metrics/paired-cases.ts';
import type { ResultsStore, StoredAttempt } from '../../runners/store.ts';

export const COMPARISON_SCHEMA_VERSION = 1;

export interface RunRef {
  id: string;
  startedAt: string;
  status: string;
  /** The targets the run's compared attempts ran on. */
  targets: string[];
}

export interface GroupComparison extends PairedComparison {
  suite: string;
  config: string;
  targetA: string;
  targetB: string;
  attemptsA: number;
  attemptsB: number;
  /** With --judge: the pairwise judge's verdicts on the paired final answers. */
  preference?: JudgedPreference;
}

/** A pairwise judge's verdicts over one group's pairs (runners/compare-judge.ts). */
export interface JudgedPreference {
  judge: string;
  criteria?: string;
  /** Pairs put to the judge. */
  asked: number;
  /** Pairs it gave a verdict on (both orders answered). */
  judged: number;
  winsA: number;
  winsB: number;
  /** Equal answers, and position flips (the two orders disagreed), which count as ties. */
  ties: number;
  flips: number;
  /** (winsB + ties / 2) / judged. */
  preferenceB: number | null;
  /** Two-sided exact sign test on winsA against winsB (ties left out). */
  signTestP: number;
  notJudged: { noAnswer: number; skipped: number; error: number };
  firstFailure?: string;
  usage: JudgeUsageSummary;
}

/** A suite × configuration × target of one run with nothing to pair it with on the other side. */
export interface UnpairedGroup {
  side: 'A' | 'B';
  suite: string;
  config: string;
  target: string;
  attempts: number;
}

export interface ComparisonReport {
  schema: 'lunar.comparison';
  version: typeof COMPARISON_SCHEMA_VERSION;
  a: RunRef;
  b: RunRef;
  method: {
    pairing: string;
    difference: string;
    interval: { kind: 'paired bootstrap, percentile'; level: number; resamples: number; seed: number };
    passFail: string;
  };
  groups: GroupComparison[];
  unpairedGroups: UnpairedGroup[];
}

export interface CompareOptions {
  /** Only this target of run A (needed when a group of run A ran several targets B does not share). */
  targetA?: string;
  targetB?: string;
  /** Only these suites. */
  suites?: string[];
}

type Run = NonNullable<ReturnType<ResultsStore['run']>>;

/** Reads both runs from the store; an unknown run id is bad input naming the store and the runs it has. */
export function compareStoredRuns(store: ResultsStore, idA: string, idB: string, options: CompareOptions = {}): ComparisonReport {
  return loadComparison(store, idA, idB, options).report;
}

/** A comparison with the attempts it was made from: the HTML report shows both answers of each pair. */
export interface LoadedComparison extends ComparisonPageInput {
  report: ComparisonReport;
  attemptsA: StoredAttempt[];
  attemptsB: StoredAttempt[];
}

/** A run id the store does not hold: bad input (exit 2), and a 404 in the viewer. */
export class UnknownRunError extends InputError {
  constructor(
    readonly runId: string,
    known: readonly string[],
  ) {
    super(`run ${runId}: not in the results store${known.length ? ` (newest: ${known.join(', ')})` : ' (it holds no runs yet)'}`);
    this.name = 'UnknownRunError';
  }
}

export function loadComparison(store: ResultsStore, idA: string, idB: string, options: CompareOptions = {}): LoadedComparison {
  const [runA, runB] = [idA, idB].map((id) => {
    const run = store.run(id);
    if (!run) throw new UnknownRunError(id, store.runs().slice(0, 5).map((r) => r.id));
    return run;
  });
  const attemptsA = store.attempts(idA);
  const attemptsB = idB === idA ? attemptsA : store.attempts(idB);
  const picked = idA === idB ? targetsWithinRun(idA, attemptsA, options) : options;
  return { report: compareRuns(runA!, attemptsA, runB!, attemptsB, picked), attemptsA, attemptsB };
}

/**
 * One run against itself compares two of its targets: with exactly two (and neither picked), the
 * first the run ran is the base and the second the candidate; with one picked, the other of two.
 * Anything else must be said with --target-a/--target-b: pairing a target with itself is no comparison.
 */
export function targetsWithinRun(runId: string, attempts: readonly StoredAttempt[], options: CompareOptions): CompareOptions {
  const targets = [...new Set(attempts.filter((a) => !options.suites || options.suites.includes(a.suite)).map((a) => a.target))];
  const { targetA, targetB } = options;
  if (targetA && targetB) {
    if (targetA === targetB) throw new InputError(`compare: run ${runId} against itself with --target-a and --target-b both ${targetA}: name two different targets`);
    return options;
  }
  const others = (t: string | undefined) => targets.filter((x) => x !== t);
  if (targets.length === 2) {
    if (targetA) return { ...options, targetB: others(targetA)[0] };
    if (targetB) return { ...options, targetA: others(targetB)[0] };
    return { ...options, targetA: targets[0], targetB: targets[1] };
  }
  const which = targets.length === 1 ? `only target ${targets[0]}` : `targets ${targets.join(', ')}`;
  throw new InputError(`compare: run ${runId} against itself compares two of its targets, and it has ${which}: ${targets.length > 2 ? 'pick two with --target-a/--target-b' : 'compare it with another run'}`);
}

export function compareRuns(runA: Run, attemptsA: readonly StoredAttempt[], runB: Run, attemptsB: readonly StoredAttempt[], options: CompareOptions = {}): ComparisonReport {
  const pick = (attempts: readonly StoredAttempt[], target: string | undefined, side: 'A' | 'B', runId: string) => {
    const kept = attempts.filter((a) => (!target || a.target === target) && (!options.suites || options.suites.includes(a.suite)));
    if (kept.length === 0) {
      const what = [target && `target ${target}`, options.suites && `suite ${options.suites.join(', ')}`].filter(Boolean).join(' and ');
      throw new InputError(`run ${runId} (${side}): no attempts${what ? ` of ${what}` : ''}; targets in it: ${[...new Set(attempts.map((a) => a.target))].sort().join(', ') || 'none'}`);
    }
    return kept;
  };
  const groupsA = groupAttempts(pick(attemptsA, options.targetA, 'A', runA.id));
  const groupsB = groupAttempts(pick(attemptsB, options.targetB, 'B', runB.id));
  const groups: GroupComparison[] = [];
  const unpairedGroups: UnpairedGroup[] = [];
  const suiteConfigs = [...new Set([...groupsA.keys(), ...groupsB.keys()])].sort();
  for (const key of suiteConfigs) {
    const byTargetA = groupsA.get(key) ?? new Map<string, StoredAttempt[]>();
    const byTargetB = groupsB.get(key) ?? new Map<string, StoredAttempt[]>();
    const [suite, config] = key.split('\u0000') as [string, string];
    for (const [targetA, targetB] of matchTargets([...byTargetA.keys()], [...byTargetB.keys()])) {
      const a = byTargetA.get(targetA)!;
      const b = byTargetB.get(targetB)!;
      groups.push({ suite, config, targetA, targetB, attemptsA: a.length, attemptsB: b.length, ...comparePaired(a.map(observe), b.map(observe)) });
      byTargetA.delete(targetA);
      byTargetB.delete(targetB);
    }
    for (const [side, rest] of [['A', byTargetA], ['B', byTargetB]] as const) {
      for (const [target, attempts] of rest) unpairedGroups.push({ side, suite, config, target, attempts: attempts.length });
    }
  }
  if (groups.length === 0) {
    const only = unpairedGroups.map((g) => `${g.suite}/${g.config}/${g.target} (${g.side === 'A' ? runA.id : runB.id})`).join(', ');
    throw new InputError(`nothing to compare: runs ${runA.id} and ${runB.id} share no suite and configuration with a target to pair (${only}); pick targets with --target-a/--target-b`);
  }
  const targetsOf = (list: readonly GroupComparison[], side: 'targetA' | 'targetB') => [...new Set(list.map((g) => g[side]))].sort();
  return {
    schema: 'lunar.comparison',
    version: COMPARISON_SCHEMA_VERSION,
    a: { id: runA.id, startedAt: runA.startedAt, status: runA.status, targets: targetsOf(groups, 'targetA') },
    b: { id: runB.id, startedAt: runB.startedAt, status: runB.status, targets: targetsOf(groups, 'targetB') },
    method: {
      pairing: 'attempts paired by suite, configuration, case id and repeat; targets may differ',
      difference: 'B − A over the pairs both sides scored: positive means B scored higher',
      interval: { kind: 'paired bootstrap, percentile', level: 0.95, resamples: BOOTSTRAP_RESAMPLES, seed: BOOTSTRAP_SEED },
      passFail: "McNemar's exact test, two-sided, on the pairs both sides passed or failed (an errored score or attempt fails; a skipped score is left out)",
    },
    groups,
    unpairedGroups,
  };
}

/** suite\0config → target → attempts. */
function groupAttempts(attempts: readonly StoredAttempt[]): Map<string, Map<string, StoredAttempt[]>> {
  const groups = new Map<string, Map<string, StoredAttempt[]>>();
  for (const a of attempts) {
    const key = `${a.suite}\u0000${a.config}`;
    let byTarget = groups.get(key);
    if (!byTarget) groups.set(key, (byTarget = new Map()));
    const list = byTarget.get(a.target);
    if (list) list.push(a);
    else byTarget.set(a.target, [a]);
  }
  return groups;
}

/**
 * One target on each side: they pair, whatever their names (base against candidate). Several:
 * targets pair by name (two runs of the same targets); the rest stay unpaired, and --target-a /
 * --target-b pick the two to compare.
 */
function matchTargets(a: readonly string[], b: readonly string[]): [string, string][] {
  if (a.length === 1 && b.length === 1) return [[a[0]!, b[0]!]];
  return a.filter((t) => b.includes(t)).sort().map((t) => [t, t]);
}

export interface WrittenComparison {
  json: string;
  html: string;
}

/** comparison.json and comparison.html under <home>/runs/compare-<a>-<b>/; returns their paths. */
export function writeComparison(home: string, comparison: LoadedComparison): WrittenComparison {
  const { report } = comparison;
  const dir = join(home, 'runs', `compare-${report.a.id}-${report.b.id}`);
  mkdirSync(dir, { recursive: true });
  const paths = { json: join(dir, 'comparison.json'), html: join(dir, COMPARISON_HTML) };
  writeFileSync(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(paths.html, renderComparisonHtml(comparison));
  return paths;
}
