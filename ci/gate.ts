// `lunar gate`: does a run hold its suites' quality gates? Absolute thresholds per suite and
// scorer, and regressions against a committed reference judged by the paired statistics of
// `lunar compare`. Every group (suite × configuration × target) of the run is checked; each
// failure is one line naming the group, the measure, the value, the threshold or reference, and
// the interval. Exit 0 when every gate holds, 1 when one fails (cli: 2 on bad input).

import type { StoredAttempt } from '../runners/store.ts';
import { aggregate } from '../runners/aggregate.ts';
import type { ReferenceFile } from './reference.ts';
import { advisoryScorers, groupName, type CheckResult } from './gate-result.ts';
import type { Threshold } from '../runners/gate-spec.ts';
import { checkRegressions } from './regression-checks.ts';
import { checkThreshold, measureName } from './threshold-checks.ts';
import { isQuarantined, type QuarantineFile } from '../metrics/quarantine.ts';
import type { CaseDraws } from '../metrics/reliability.ts';
import { thresholdWarning, toleranceWarning } from './precision.ts';
import { caseDrawsByGroup } from '../runners/run-noise.ts';
import { userCheckLabel } from '../judges/user-check.ts';

/** One suite's gates, from its `gates:` section and the command line. */
export interface SuiteGates {
  suite: string;
  /** Each threshold with where it was written: a suite file, or --threshold. */
  thresholds: { threshold: Threshold; source: string }[];
  reference?: { file: ReferenceFile; path: string; tolerance: number };
}

/** The quarantine list the gate leaves out of its verdict (ci/quarantine.json, `lunar noise --write-quarantine`). */
export interface GateQuarantine {
  file: QuarantineFile;
  /** The file, as messages name it. */
  path: string;
}

export interface GateReport {
  run: { id: string; status: string };
  /** Cases of the run left out of every check because the quarantine lists them, by group then id. */
  quarantined: { group: string; caseId: string }[];
  quarantinePath?: string;
  /**
   * Failed episodes user_check labelled user_error (the simulated user's fault), by group, case and
   * repeat: left out of every check with --exclude-user-errors, else only counted in a note.
   */
  userErrors: { group: string; caseId: string; repeat: number }[];
  userErrorsExcluded: boolean;
  checks: CheckResult[];
  notes: string[];
  /** Gates that ask for more precision than the suite gives (ci/precision.ts): said, never failed. */
  warnings: string[];
  held: number;
  failed: number;
  advisory: number;
}

export interface GateOptions {
  /** Leave out the failed episodes user_check labelled user_error: the simulator failed, not the agent. */
  excludeUserErrors?: boolean;
}

export function evaluateGates(run: { id: string; status: string }, everything: readonly StoredAttempt[], suites: readonly SuiteGates[], quarantine?: GateQuarantine, options: GateOptions = {}): GateReport {
  const checks: CheckResult[] = [];
  const notes: string[] = [];
  const warnings: string[] = [];
  const userErrors = everything.filter((a) => userCheckLabel(a.scores) === 'user_error');
  const excludeUserErrors = options.excludeUserErrors === true;
  if (userErrors.length && !excludeUserErrors) {
    notes.push(`${userErrors.length} failed episode(s) were the simulated user's fault (user_check: user_error) and count as failures; --exclude-user-errors leaves them out`);
  }
  const all = excludeUserErrors ? everything.filter((a) => userCheckLabel(a.scores) !== 'user_error') : everything;
  // A quarantined case fails at random: it is left out of thresholds and regressions alike, on
  // both sides of the comparison, so the verdict is about the cases that can be trusted.
  const left = (caseId: string, group: string) => quarantine !== undefined && isQuarantined(quarantine.file, caseId, group);
  const attempts = all.filter((a) => !left(a.caseId, groupName(a)));
  const quarantined = [...new Map(all.filter((a) => left(a.caseId, groupName(a))).map((a) => [`${groupName(a)}\u0000${a.caseId}`, { group: groupName(a), caseId: a.caseId }])).entries()]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([, q]) => q);
  if (run.status !== 'completed') {
    checks.push({
      kind: 'run',
      suite: '-',
      config: '-',
      target: '-',
      measure: 'status',
      verdict: 'failed',
      text: `run ${run.id} is ${run.status}, not completed: a gate holds only for a whole run (continue it with lunar bench --resume ${run.id})`,
    });
  }
  for (const gates of suites) {
    const mine = attempts.filter((a) => a.suite === gates.suite);
    if (mine.length === 0) {
      notes.push(`${gates.suite}: no attempts in run ${run.id}; its gates were not checked`);
      continue;
    }
    for (const group of aggregate(mine)) {
      const members = mine.filter((a) => a.config === group.config && a.target === group.target);
      const advisory = advisoryScorers(members);
      for (const { threshold, source } of gates.thresholds) {
        if (threshold.measure.kind === 'pass_rate') {
          const warning = thresholdWarning(groupName(group), [...caseDrawsByGroup(members).values()].flat(), threshold, repeatsOf(members));
          if (warning) warnings.push(warning);
        }
        const check = checkThreshold(group, members, threshold, source, advisory);
        if (check) checks.push(check);
        else notes.push(`${groupName(group)}: no ${threshold.measure.kind === 'scorer' ? threshold.measure.scorer : measureName(threshold.measure)} scores; "${threshold.text}" (${source}) not checked here`);
      }
      if (!gates.reference) continue;
      const { file, path, tolerance } = gates.reference;
      const listed = file.groups.find((g) => g.suite === group.suite && g.config === group.config && g.target === group.target);
      const base = listed && { ...listed, cases: listed.cases.filter((c) => !left(c.id, groupName(listed))) };
      if (!base) {
        notes.push(`${groupName(group)}: not in the reference ${path}; only thresholds apply (add it with lunar gate --update-reference)`);
        continue;
      }
      const warning = toleranceWarning(`${groupName(group)} (${path})`, referenceDraws(base.cases), tolerance, repeatsOf(members));
      if (warning) warnings.push(warning);
      const regressions = checkRegressions(members, { group: base, path, tolerance }, advisory);
      checks.push(...regressions.checks);
      notes.push(...regressions.notes);
    }
    if (gates.reference) {
      const ran = new Set(aggregate(mine).map(groupName));
      for (const g of gates.reference.file.groups) {
        if (g.suite === gates.suite && !ran.has(groupName(g))) notes.push(`${groupName(g)}: in the reference ${gates.reference.path}, not in run ${run.id}; not compared`);
      }
    }
  }
  return {
    run,
    quarantined,
    ...(quarantine ? { quarantinePath: quarantine.path } : {}),
    userErrors: userErrors.map((a) => ({ group: groupName(a), caseId: a.caseId, repeat: a.repeat })),
    userErrorsExcluded: excludeUserErrors,
    checks,
    notes,
    warnings,
    held: checks.filter((c) => c.verdict === 'held').length,
    failed: checks.filter((c) => c.verdict === 'failed').length,
    advisory: checks.filter((c) => c.verdict === 'advisory').length,
  };
}

/** Per reference case, its verdicts and passes (unscored attempts are no verdict). */
function referenceDraws(cases: readonly { id: string; outcome: 'pass' | 'fail' | 'unscored' }[]): CaseDraws[] {
  const draws = new Map<string, CaseDraws>();
  for (const c of cases) {
    if (c.outcome === 'unscored') continue;
    const d = draws.get(c.id) ?? { n: 0, c: 0 };
    d.n += 1;
    if (c.outcome === 'pass') d.c += 1;
    draws.set(c.id, d);
  }
  return [...draws.values()];
}

/** The most attempts of one case in the run's group: the repeats the gate compares with. */
function repeatsOf(members: readonly StoredAttempt[]): number {
  const counts = new Map<string, number>();
  for (const a of members) counts.set(a.caseId, (counts.get(a.caseId) ?? 0) + 1);
  return Math.max(1, ...counts.values());
}

/** The lines `lunar gate` prints: failures and advisories always, every check with verbose, the notes, then a count. */
export function formatGateReport(report: GateReport, verbose = false): string[] {
  const lines: string[] = [];
  for (const c of report.checks) {
    if (c.verdict === 'failed') lines.push(`FAIL ${c.text}`);
    else if (c.verdict === 'advisory') lines.push(`ADVISORY ${c.text} (does not fail the gate: ${c.advisory})`);
    else if (verbose) lines.push(`ok   ${c.text}`);
  }
  for (const note of report.notes) lines.push(`note: ${note}`);
  for (const q of report.quarantined) lines.push(`quarantined: ${q.group} ${q.caseId} (listed in ${report.quarantinePath}): left out of the verdict`);
  if (report.userErrorsExcluded) {
    for (const u of report.userErrors) lines.push(`left out: ${u.group} ${u.caseId} repeat ${u.repeat}: the simulated user's fault (user_check: user_error)`);
  }
  const advisory = report.advisory ? `, ${report.advisory} advisory` : '';
  const left = report.quarantined.length ? `; ${report.quarantined.length} quarantined case(s) left out` : '';
  const userLeft = report.userErrorsExcluded ? `; ${report.userErrors.length} user_error episode(s) left out` : '';
  lines.push(`gate: run ${report.run.id}: ${report.checks.length} checks, ${report.held} held, ${report.failed} failed${advisory}${left}${userLeft}`);
  return lines;
}
