// `lunar import traces FILE`: exported spans written as a dataset of finished traces and a suite
// that replays them on the `imported` target, so they are scored offline like any run.

import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { stringify } from 'yaml';
import { InputError } from '../../core/errors.ts';
import { casesFromSpans, readTraceFile, type TraceFileFormat } from './trace-file.ts';

export interface ImportedTraces {
  format: TraceFileFormat;
  spans: number;
  traces: number;
  modelCalls: number;
  toolCalls: number;
  /** Traces whose spans carried no user message: their cases have no input. */
  withoutInput: number;
  /** Traces whose spans say less than a whole trajectory, with why (trace id: note). */
  notes: string[];
  dataset: string;
  suite: string;
}

/** The scorers that need no budget of the user's: the tool-call ones score once expectations are added. */
const SCORERS = ['tool_name_match', 'tool_args_match', 'trajectory', 'tool_errors'];

export function importTraces(file: string, dir: string): ImportedTraces {
  const { format, spans } = readTraceFile(file);
  if (spans.length === 0) throw new InputError(`${file}: no spans in it: nothing to import (is it the traces file, not metrics or logs?)`);
  const cases = casesFromSpans(spans);
  mkdirSync(dir, { recursive: true });
  const dataset = join(dir, 'dataset.jsonl');
  const suite = join(dir, 'suite.yaml');
  writeFileSync(dataset, cases.map((c) => JSON.stringify(c)).join('\n') + (cases.length ? '\n' : ''));
  const name = `${basename(file).replace(/\.[^.]*$/, '').toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'imported'}-traces`;
  const doc = { name, description: `Finished traces imported from ${basename(file)}, replayed as they were recorded.`, dataset: relative(dir, dataset), targets: ['imported'], scorers: SCORERS };
  writeFileSync(
    suite,
    [
      `# Written by \`lunar import traces ${file}\`. Each case is one trace id with its finished trace;`,
      '# the imported target replays it. Add expectations to the cases (expected_tool_calls,',
      '# expected_contains, ...) and scorers or judges here (latency: { max_ms: ... }, rubric, ...).',
      stringify(doc, { lineWidth: 0 }),
    ].join('\n'),
  );
  let modelCalls = 0;
  let toolCalls = 0;
  for (const c of cases) {
    const trace = c.trace as { modelCalls: unknown[]; toolCalls: unknown[] };
    modelCalls += trace.modelCalls.length;
    toolCalls += trace.toolCalls.length;
  }
  const notes = cases.flatMap((c) => (c.notes ? [`${c.id}: ${c.notes}`] : []));
  return { format, spans: spans.length, traces: cases.length, modelCalls, toolCalls, withoutInput: cases.filter((c) => c.input === undefined).length, notes, dataset, suite };
}
