// The committed reference (ci/reference.json) a gate compares a run with: per suite × configuration ×
// target, the pass rate and each scorer's mean, pass rate and n (for people reading a diff), and
// every case's outcome and scores (for the paired tests: a regression is judged case by case, as
// `lunar compare` does). One case a line, so a pull request that moves the reference shows which
// cases changed.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import { observe, type CaseObservation, type ScoreObservation } from '../metrics/paired-cases.ts';
import type { StoredAttempt } from '../runners/store.ts';
import { aggregate } from '../runners/aggregate.ts';

export const REFERENCE_SCHEMA_VERSION = 1;

const Fraction = z.number().min(0).max(1);

/** A score: [value, pass] when scored; "skipped" or "error" when not. */
const CaseScore = z.union([z.tuple([Fraction, z.boolean()]), z.enum(['skipped', 'error'])]);

const ReferenceCase = z
  .object({
    id: z.string().min(1),
    repeat: z.number().int().nonnegative(),
    category: z.string(),
    outcome: z.enum(['pass', 'fail', 'unscored']),
    /** Present (true) only for an attempt that errored before it was scored. */
    errored: z.literal(true).optional(),
    scores: z.record(z.string(), CaseScore),
  })
  .strict();

const ScorerSummary = z.object({ mean: Fraction.nullable(), passRate: Fraction.nullable(), n: z.number().int().nonnegative() }).strict();

const ReferenceGroup = z
  .object({
    suite: z.string().min(1),
    config: z.string().min(1),
    target: z.string().min(1),
    attempts: z.number().int().nonnegative(),
    passRate: Fraction.nullable(),
    scorers: z.record(z.string(), ScorerSummary),
    cases: z.array(ReferenceCase),
  })
  .strict();

export const ReferenceFile = z
  .object({
    /** `lunar.baseline` is the old name of the same format, still read. */
    schema: z.enum(['lunar.reference', 'lunar.baseline']),
    version: z.literal(REFERENCE_SCHEMA_VERSION),
    run: z.object({ id: z.string().min(1), startedAt: z.string() }).strict(),
    groups: z.array(ReferenceGroup),
  })
  .strict();
export type ReferenceFile = z.infer<typeof ReferenceFile>;
export type ReferenceGroup = z.infer<typeof ReferenceGroup>;

/** The reference of a run's attempts (every group in them). */
export function referenceFromRun(run: { id: string; startedAt: string }, attempts: readonly StoredAttempt[]): ReferenceFile {
  const groups = aggregate(attempts).map((agg): ReferenceGroup => {
    const members = attempts.filter((a) => a.suite === agg.suite && a.config === agg.config && a.target === agg.target);
    return {
      suite: agg.suite,
      config: agg.config,
      target: agg.target,
      attempts: agg.attempts,
      passRate: agg.passRate,
      scorers: Object.fromEntries(Object.entries(agg.scorers).map(([name, s]) => [name, { mean: s.mean, passRate: s.passRate, n: s.scored }])),
      cases: members.map(observe).map(toReferenceCase),
    };
  });
  return { schema: 'lunar.reference', version: REFERENCE_SCHEMA_VERSION, run: { id: run.id, startedAt: run.startedAt }, groups };
}

function toReferenceCase(o: CaseObservation): z.infer<typeof ReferenceCase> {
  const scores: Record<string, z.infer<typeof CaseScore>> = {};
  for (const [name, s] of Object.entries(o.scores)) {
    scores[name] = s.status === 'scored' && s.value !== null ? [s.value, s.pass === true] : s.status === 'skipped' ? 'skipped' : 'error';
  }
  return { id: o.caseId, repeat: o.repeat, category: o.category, outcome: o.outcome, ...(o.errored ? { errored: true as const } : {}), scores };
}

/** A reference case as the paired comparison reads it. */
export function referenceObservation(c: z.infer<typeof ReferenceCase>): CaseObservation {
  const scores: Record<string, ScoreObservation> = {};
  for (const [name, s] of Object.entries(c.scores)) {
    scores[name] = typeof s === 'string' ? { status: s, value: null, pass: null } : { status: 'scored', value: s[0], pass: s[1] };
  }
  return { caseId: c.id, repeat: c.repeat, category: c.category, errored: c.errored === true, outcome: c.outcome, scores };
}

/** Indented for reading, each case on one line (a diff of the file is a list of changed cases). */
export function formatReference(file: ReferenceFile): string {
  const groups = file.groups.map((g) => {
    const { cases, ...head } = g;
    const headText = JSON.stringify(head, null, 2).slice(0, -2).replace(/\n/g, '\n    ');
    const caseLines = cases.map((c) => `        ${JSON.stringify(c)}`).join(',\n');
    return `    ${headText},\n      "cases": [${cases.length ? `\n${caseLines}\n      ` : ''}]\n    }`;
  });
  const head = { schema: file.schema, version: file.version, run: file.run };
  return `${JSON.stringify(head, null, 2).slice(0, -2)},\n  "groups": [${groups.length ? `\n${groups.join(',\n')}\n  ` : ''}]\n}\n`;
}

export function writeReference(path: string, file: ReferenceFile): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, formatReference(file));
}

/** Reads and checks a reference; anything wrong with it is bad input naming the file and the field. */
export function readReference(path: string): ReferenceFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'ENOENT' ? '; write one with lunar gate --update-reference' : '';
    throw new InputError(`${path}: cannot read the reference (${code ?? String(error)})${hint}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path}: (file): not valid JSON: ${(error as Error).message}`);
  }
  const parsed = ReferenceFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`${path}: ${issue.path.join('.') || '(file)'}: ${issue.message}`);
  }
  return parsed.data;
}
