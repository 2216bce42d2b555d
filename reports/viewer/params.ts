// The viewer's route parameters and queries, checked with zod at the edge: a run id is a single
// path segment of the characters `lunar bench` and `lunar merge` use, so no id can reach outside
// <home>/runs/. A check that fails is a 400 naming the field.

import { z } from 'zod';

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const RunId = z
  .string({ error: (issue) => (issue.input === undefined ? 'missing: give a run id' : 'expected one run id') })
  .regex(RUN_ID, 'not a run id: letters, digits, ".", "_" and "-", as lunar bench prints it');

const TargetId = z.string({ error: 'expected one target id' }).min(1, 'empty target id').max(500, 'a target id is at most 500 characters');

export const RunParams = z.object({ id: RunId });

export const CompareQuery = z.object({
  /** The base (A). */
  a: RunId,
  /** The candidate (B). */
  b: RunId,
  /** Which target of each run to compare, when a run has several without a same-named partner. */
  target_a: TargetId.or(z.literal('')).optional().transform((v) => v || undefined),
  target_b: TargetId.or(z.literal('')).optional().transform((v) => v || undefined),
});
export type CompareQuery = z.infer<typeof CompareQuery>;

/** /runs/:id/trace: one attempt, by the key the store files it under. */
export const TraceQuery = z.object({
  suite: z.string({ error: 'expected one suite name' }).min(1, 'empty suite name').max(500, 'a suite name is at most 500 characters'),
  config: z.string({ error: 'expected one configuration name' }).min(1).max(500).default('default'),
  case: z.string({ error: 'expected one case id' }).min(1, 'empty case id').max(1000, 'a case id is at most 1000 characters'),
  target: TargetId,
  repeat: z.coerce.number({ error: 'expected a repeat number' }).int('expected a whole repeat number').min(0, 'a repeat is 0 or more').default(0),
});

/** /history's filters; an empty value (the form's "all") is no filter. */
export const HistoryQuery = z.object({
  suite: z.string({ error: 'expected one suite name' }).max(500, 'a suite name is at most 500 characters').optional().transform((v) => v || undefined),
  target: TargetId.or(z.literal('')).optional().transform((v) => v || undefined),
});

/** `field: what is wrong` for each problem, e.g. `b: missing: give a run id`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(query)'}: ${issue.message}`).join('; ');
}
