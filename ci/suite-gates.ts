// A suite file's `gates:` section (see gate-spec.ts), read on its own: the gate needs the gates and
// the scorer names of the suites a run recorded, not a whole loaded suite. Errors name the file,
// the field and the expression.

import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../core/errors.ts';
import { GatesShape, parseThreshold, type Threshold } from '../runners/gate-spec.ts';

export interface SuiteGateSpec {
  /** The suite's name: its `name:`, else the file name without .yaml (as lunar bench names it). */
  name: string;
  file: string;
  /** The scorers the suite lists. */
  scorers: string[];
  thresholds: Threshold[];
  /** Resolved against the suite file's folder. */
  baseline?: { path: string; tolerance: number };
}

export function readSuiteGates(file: string): SuiteGateSpec {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`${file}: cannot read the suite for its gates (${(error as NodeJS.ErrnoException).code ?? (error as Error).message.split('\n')[0]})`);
  }
  const doc = (raw ?? {}) as Record<string, unknown>;
  const parsed = GatesShape.optional().safeParse(doc.gates);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`${file}: gates${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`);
  }
  const gates = parsed.data;
  const name = typeof doc.name === 'string' ? doc.name : basename(file).replace(/\.ya?ml$/, '');
  const scorers = Array.isArray(doc.scorers)
    ? doc.scorers.flatMap((entry) => (typeof entry === 'string' ? [entry] : entry && typeof entry === 'object' ? Object.keys(entry) : []))
    : [];
  return {
    name,
    file,
    scorers,
    // The shape has checked every expression already; parse again for the structured form.
    thresholds: (gates?.thresholds ?? []).map((text) => (parseThreshold(text) as Extract<ReturnType<typeof parseThreshold>, { ok: true }>).threshold),
    ...(gates?.baseline ? { baseline: { path: resolve(dirname(file), gates.baseline.path), tolerance: gates.baseline.tolerance } } : {}),
  };
}
