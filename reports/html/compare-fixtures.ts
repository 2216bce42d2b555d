// A constructed pair of runs for the comparison page's tests, written through the real
// ResultsStore: the base (run-a, ollama:qwen2.5:7b) and a candidate (run-b, openai:qwen-ft) on
// one suite, every final answer and a case id holding an XSS payload. Per case (answer_contains
// 0/1, rubric graded with pass at 0.5; "err" = the attempt errored, "skip" = the judge skipped):
//
//   case     category   A ac  B ac   A rubric  B rubric   ac     rubric  whole attempt
//   k01      math        1     1      0.75      1.00      tie    win     tie (both pass)
//   k02      math        0     1      0.25      0.75      win    win     win
//   k03      math        0     1      0.50      0.50      win    tie     win
//   k04      math        1     0      1.00      0.25      loss   loss    loss
//   k05      lookup      1     1      0.75      0.75      tie    tie     tie (both pass)
//   k06      lookup      0     0      0.00      0.25      tie    win     tie (both fail)
//   k07      lookup      err   1      err       1.00      -      -       win (an error fails)
//   k08      lookup      1     1      skip      skip      tie    -       tie (both pass)
//   XSS      <img…>      0     1      0.50      1.00      win    win     win
//   k10 only in A, k11 only in B: unpaired.
//
// Hand-worked: answer_contains over the 8 pairs both scored: A 4/8, B 6/8, +0.25, 3/1/4; pass/fail
// over 9 pairs (k07 counts as A failing): both 3, only A 1, only B 4, neither 1, McNemar
// p = 2 · (C(5,0) + C(5,1)) / 2^5 = 0.375. rubric over 7 pairs: A 3.75/7, B 4.5/7, +0.75/7, 4/1/2.
// Whole attempts over 9 pairs: A 4/9, B 7/9 (k04 and k06 fail), wins 4, losses 1, ties 4, McNemar p = 0.375.

import { traceOf } from '../../metrics/test-fixtures.ts';
import type { Score } from '../../metrics/score.ts';
import type { ResultsStore } from '../../runners/store.ts';
import { XSS, XSS_CASE, XSS_CATEGORY } from '../test-fixtures.ts';

export const BASE = { run: 'run-a', target: 'ollama:qwen2.5:7b' } as const;
export const CANDIDATE = { run: 'run-b', target: 'openai:qwen-ft' } as const;

type Side = number | 'err' | 'skip';
interface Row {
  id: string;
  category: string;
  a: [Side, Side];
  b: [Side, Side];
}

export const COMPARE_CASES: readonly Row[] = [
  { id: 'k01', category: 'math', a: [1, 0.75], b: [1, 1] },
  { id: 'k02', category: 'math', a: [0, 0.25], b: [1, 0.75] },
  { id: 'k03', category: 'math', a: [0, 0.5], b: [1, 0.5] },
  { id: 'k04', category: 'math', a: [1, 1], b: [0, 0.25] },
  { id: 'k05', category: 'lookup', a: [1, 0.75], b: [1, 0.75] },
  { id: 'k06', category: 'lookup', a: [0, 0], b: [0, 0.25] },
  { id: 'k07', category: 'lookup', a: ['err', 'err'], b: [1, 1] },
  { id: 'k08', category: 'lookup', a: [1, 'skip'], b: [1, 'skip'] },
  { id: XSS_CASE, category: XSS_CATEGORY, a: [0, 0.5], b: [1, 1] },
];

/** The answer each side gave a case: every one a payload that must stay text. */
export function answerOf(side: 'A' | 'B', caseId: string): string {
  return side === 'A' ? `${XSS.script} base says ${caseId}` : `${XSS.img} candidate says ${caseId} ${XSS.closeScript}`;
}

export const ERROR_A = `ollama: connection refused ${XSS.svg}`;

function scores(values: [Side, Side]): Score[] {
  const [ac, rubric] = values;
  const list: Score[] = [{ scorer: 'answer_contains', value: ac as number, pass: ac === 1, status: 'scored', reason: ac === 1 ? 'found' : `missing ${XSS.alert}` }];
  if (rubric === 'skip') list.push({ scorer: 'rubric', value: null, pass: null, status: 'skipped', reason: 'no judge model configured' });
  else list.push({ scorer: 'rubric', value: rubric as number, pass: (rubric as number) >= 0.5, status: 'scored', reason: `graded ${rubric}` });
  return list;
}

function writeSide(store: ResultsStore, side: 'A' | 'B', extra: string, startedAt: Date): void {
  const { run, target } = side === 'A' ? BASE : CANDIDATE;
  store.startRun(run, { invocation: { suites: ['/repo/suites/qa.yaml'], fallbackTargets: [target] } }, startedAt);
  const rows = [...COMPARE_CASES, { id: extra, category: 'math', a: [1, 1] as [Side, Side], b: [1, 1] as [Side, Side] }];
  for (const c of rows) {
    const values = side === 'A' ? c.a : c.b;
    const base = { runId: run, suite: 'qa', config: 'default', caseId: c.id, category: c.category, target, repeat: 0 };
    if (values[0] === 'err') {
      store.add({ ...base, status: 'error', error: ERROR_A, trace: traceOf(null, [], { target, stopReason: 'error', error: ERROR_A }), scores: [] });
      continue;
    }
    const trace = traceOf(answerOf(side, c.id), [], { target, messages: [{ role: 'user', content: `question ${c.id}` }], latencyMs: 10 });
    store.add({ ...base, status: 'ok', trace, scores: scores(values) });
  }
  store.finishRun(run, 'completed', new Date(startedAt.getTime() + 60_000));
}

/** Writes run-a (base, with k10 only) and run-b (candidate, with k11 only) into the store. */
export function writeComparedRuns(store: ResultsStore): void {
  writeSide(store, 'A', 'k10', new Date('2026-02-01T10:00:00Z'));
  writeSide(store, 'B', 'k11', new Date('2026-02-02T10:00:00Z'));
}
