// results.json: the run, its aggregates, its noise (with repeats: the figures `lunar noise`
// prints, reports/noise.ts) and every attempt with its scores, in a versioned shape other tools
// can read. Traces stay in the results store (they can be large).

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunReportInput } from '../runners/reporter.ts';
import { reportNoise } from './noise.ts';

export const RESULTS_SCHEMA_VERSION = 1;

export type ResultsJsonInput = Omit<RunReportInput, 'trace'>;

export function writeResultsJson(path: string, input: ResultsJsonInput): void {
  mkdirSync(dirname(path), { recursive: true });
  const head = {
    schema: 'lunar.results',
    version: RESULTS_SCHEMA_VERSION,
    run: input.run,
    aggregates: input.aggregates,
    // Only a run with repeats has one: a single verdict per case shows no flip.
    ...withNoise(input),
  };
  // The head indented for reading; the attempts one a line, which keeps a 10,000-attempt file
  // small, quick to write and still easy to grep and diff.
  const headText = JSON.stringify(head, null, 2).slice(0, -2);
  const attempts = input.attempts.map(({ runId: _runId, ...attempt }) => `    ${JSON.stringify(attempt)}`);
  writeFileSync(path, `${headText},\n  "attempts": [${attempts.length ? `\n${attempts.join(',\n')}\n  ` : ''}]\n}\n`);
}

function withNoise(input: ResultsJsonInput): { noise?: ReturnType<typeof reportNoise> } {
  const noise = reportNoise(input.attempts);
  return noise ? { noise } : {};
}
