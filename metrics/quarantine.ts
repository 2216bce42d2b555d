// The quarantine: flaky cases left out of a gate's verdict until they show they are stable again.
// A flaky case fails a gate at random; quarantining it stops the flakes without loosening the gate
// for every other case. The list is a committed file, so leaving a case out is a reviewed change.
//
// Each run with repeats is weighed against the list (decideQuarantine):
//   excluded   cases on the list (before this run) that the run has: left out of the gate verdict.
//   stable     a listed case whose verdicts all agreed over ≥ minVerdicts verdicts in every group it
//              is listed for: its count of consecutive stable runs goes up by one.
//   flipped    a listed case whose verdicts disagreed: the count goes back to 0, flipRate updated.
//   unobserved too few verdicts to see a flip (one attempt always "agrees"): the count stays.
//   absent     not in the run: the count stays.
//   release    listed cases with stableRuns ≥ releaseAfter: proposed for release, not released —
//              taking a case back into the verdict is a person's decision, made in the file.
//   add        cases that flipped in this run and are not listed: proposed, and written into
//              `next`. They are NOT excluded from this run's verdict: a case that used to pass
//              every time and now flips may be the regression the gate is there to catch.
// A run is counted once per entry (`lastRun`), so weighing the same run twice changes nothing.

import { z } from 'zod';
import type { GroupNoise } from './noise.ts';

export const QUARANTINE_SCHEMA_VERSION = 1;

/** A date (2024-05-01) or a date-time with its offset (2024-05-01T10:00:00Z). */
const When = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const QuarantineEntry = z
  .object({
    /** The case id. */
    id: z.string().min(1),
    /** The group (target × configuration) it is flaky in; absent: every group. */
    group: z.string().min(1).optional(),
    /** The flip rate last seen (when added, or when it last flipped). */
    flipRate: z.number().min(0).max(0.5),
    addedAt: When,
    /** The run that showed it flaky. */
    addedRun: z.string().min(1).optional(),
    /** Consecutive runs since then in which its repeats all agreed. */
    stableRuns: z.number().int().nonnegative(),
    /** The last run counted into stableRuns (or that reset it). */
    lastRun: z.string().min(1).optional(),
    /** Why, for people: an issue, a note. */
    reason: z.string().optional(),
  })
  .strict();
export type QuarantineEntry = z.infer<typeof QuarantineEntry>;

export const QuarantineFile = z
  .object({
    schema: z.literal('lunar.quarantine'),
    version: z.literal(QUARANTINE_SCHEMA_VERSION),
    cases: z.array(QuarantineEntry),
  })
  .strict()
  .superRefine((file, ctx) => {
    // One entry per (id, group), and an id listed for every group is not also listed per group:
    // two entries would each count runs and the counts would disagree.
    const everyGroup = new Set(file.cases.filter((e) => e.group === undefined).map((e) => e.id));
    const seen = new Set<string>();
    file.cases.forEach((e, i) => {
      const key = entryKey(e);
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['cases', i], message: `${entryName(e)} is listed twice` });
      else if (e.group !== undefined && everyGroup.has(e.id)) ctx.addIssue({ code: 'custom', path: ['cases', i], message: `${e.id} is listed for every group and again for ${e.group}` });
      seen.add(key);
    });
  });
export type QuarantineFile = z.infer<typeof QuarantineFile>;

export function emptyQuarantine(): QuarantineFile {
  return { schema: 'lunar.quarantine', version: QUARANTINE_SCHEMA_VERSION, cases: [] };
}

/** The quarantine file's text, parsed and checked; throws with zod's issues when it is not one. */
export function parseQuarantine(text: string): QuarantineFile {
  return QuarantineFile.parse(JSON.parse(text));
}

/** Whether a case of a group is on the list (an entry without a group covers every group). */
export function isQuarantined(file: QuarantineFile, caseId: string, group: string): boolean {
  return file.cases.some((e) => e.id === caseId && (e.group === undefined || e.group === group));
}

export interface QuarantineOptions {
  /** The run being weighed (written as lastRun and addedRun). */
  runId: string;
  /** When, for new entries' addedAt (a date or date-time); the function reads no clock. */
  now: string;
  /** Consecutive stable runs after which a case is proposed for release; default 3. */
  releaseAfter?: number;
  /** Verdicts a case needs in a run for "all agreed" to mean anything; default 2. */
  minVerdicts?: number;
}

export type EntryStatus = 'stable' | 'flipped' | 'unobserved' | 'absent';

export interface EntryOutcome {
  id: string;
  group?: string;
  status: EntryStatus;
  /** stableRuns after this run. */
  stableRuns: number;
  /** The highest flip rate in this run (0 unless flipped). */
  flipRate: number;
}

export interface QuarantineDecision {
  /** (case, group) pairs of this run left out of the gate verdict. */
  excluded: { caseId: string; group: string }[];
  /** One outcome per entry of the list, in the list's order. */
  entries: EntryOutcome[];
  /** Entries with stableRuns ≥ releaseAfter: proposed for release. */
  release: EntryOutcome[];
  /** Flaky cases of this run not on the list: proposed, and in `next`. */
  add: { caseId: string; group: string; category?: string; flipRate: number }[];
  /** The list after this run: counters updated, additions appended; nothing released. */
  next: QuarantineFile;
}

/** Weighs a run's noise against the quarantine list; see the file header. Pure: the file is not changed. */
export function decideQuarantine(file: QuarantineFile, noise: readonly GroupNoise[], options: QuarantineOptions): QuarantineDecision {
  const { runId, now, releaseAfter = 3, minVerdicts = 2 } = options;
  if (!Number.isInteger(releaseAfter) || releaseAfter < 1) throw new RangeError(`decideQuarantine: releaseAfter must be a whole number, 1 or more, got ${releaseAfter}`);
  if (!Number.isInteger(minVerdicts) || minVerdicts < 2) throw new RangeError(`decideQuarantine: minVerdicts must be a whole number, 2 or more, got ${minVerdicts}`);
  When.parse(now);
  const observed = noise.flatMap((g) => g.cases);

  const excluded = observed.filter((c) => isQuarantined(file, c.caseId, c.group)).map((c) => ({ caseId: c.caseId, group: c.group }));

  const entries: EntryOutcome[] = [];
  const nextCases: QuarantineEntry[] = file.cases.map((e) => {
    const seen = observed.filter((c) => c.caseId === e.id && (e.group === undefined || c.group === e.group) && c.repeats > 0);
    const flipRate = Math.max(0, ...seen.map((c) => c.flipRate));
    let status: EntryStatus;
    if (seen.length === 0) status = 'absent';
    else if (seen.some((c) => c.flipped)) status = 'flipped';
    // Stable only when every group it is listed for showed enough agreeing verdicts.
    else if (seen.every((c) => c.repeats >= minVerdicts)) status = 'stable';
    else status = 'unobserved';
    const counted = e.lastRun === runId;
    let updated: QuarantineEntry = e;
    if (status === 'flipped') updated = { ...e, stableRuns: 0, flipRate, lastRun: runId };
    else if (status === 'stable' && !counted) updated = { ...e, stableRuns: e.stableRuns + 1, lastRun: runId };
    entries.push({ id: e.id, ...(e.group !== undefined ? { group: e.group } : {}), status, stableRuns: updated.stableRuns, flipRate });
    return updated;
  });

  const add = noise
    .flatMap((g) => g.flaky)
    .filter((c) => !isQuarantined(file, c.caseId, c.group))
    .map((c) => ({ caseId: c.caseId, group: c.group, ...(c.category !== undefined ? { category: c.category } : {}), flipRate: c.flipRate }));
  for (const c of add) nextCases.push({ id: c.caseId, group: c.group, flipRate: c.flipRate, addedAt: now, addedRun: runId, stableRuns: 0, lastRun: runId });

  return {
    excluded,
    entries,
    release: entries.filter((e) => e.stableRuns >= releaseAfter),
    add,
    next: QuarantineFile.parse({ ...file, cases: nextCases }),
  };
}

function entryKey(e: Pick<QuarantineEntry, 'id' | 'group'>): string {
  return `${e.id}\u0000${e.group ?? ''}`;
}

function entryName(e: Pick<QuarantineEntry, 'id' | 'group'>): string {
  return e.group === undefined ? `${e.id} (every group)` : `${e.id} in ${e.group}`;
}
