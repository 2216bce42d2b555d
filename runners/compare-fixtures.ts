// Constructed runs for the compare and gate tests: attempts written through the real ResultsStore,
// with traces made by the scorer tests' own helper, so every figure the tests assert comes from
// stored rows exactly as a bench run leaves them.

import type { RunMaker } from './run-start.ts';
import { traceOf } from '../metrics/test-fixtures.ts';
import type { Score } from '../metrics/score.ts';
import { suiteGates } from './run-start.ts';
import type { ResultsStore, RunStatus } from './store.ts';
import { loadSuite } from './suite.ts';

export interface AttemptSpec {
  caseId: string;
  category?: string;
  scores?: Score[];
  /** An attempt that errored before it was scored. */
  error?: string;
  latencyMs?: number;
  repeat?: number;
  suite?: string;
  config?: string;
}

export function passFail(scorer: string, pass: boolean): Score {
  return { scorer, value: pass ? 1 : 0, pass, status: 'scored', reason: pass ? 'ok' : 'missing' };
}

export function valueScore(scorer: string, value: number, threshold = 0.5): Score {
  return { scorer, value, pass: value >= threshold, status: 'scored', reason: `value ${value}` };
}

export function skippedScore(scorer: string, reason = 'no judge configured'): Score {
  return { scorer, value: null, pass: null, status: 'skipped', reason };
}

export interface RunSpec {
  startedAt?: Date;
  /** The suite files the run records having run, their gates recorded as a bench run records them. */
  suiteFiles?: string[];
  status?: RunStatus;
  /** Recorded as the command that made the run (lunar compare's bench runs). */
  madeBy?: RunMaker;
}

/** Stores a run of `target` with one attempt per spec (suite `s`, config `default` unless set). */
export function storeRun(store: ResultsStore, runId: string, target: string, specs: readonly AttemptSpec[], run: RunSpec = {}): void {
  const startedAt = run.startedAt ?? new Date('2026-01-01T00:00:00Z');
  const scorers = [...new Set(specs.flatMap((spec) => spec.scores?.map((score) => score.scorer) ?? []))];
  const gates = Object.fromEntries((run.suiteFiles ?? []).map((file) => {
    const suite = loadSuite(file);
    return [suite.name, suiteGates(suite, scorers)];
  }));
  store.startRun(runId, { invocation: { suites: run.suiteFiles ?? [], fallbackTargets: [target], ...(run.madeBy ? { madeBy: run.madeBy } : {}) }, gates }, startedAt);
  for (const spec of specs) {
    const trace = traceOf(spec.error ? null : `${target} answers ${spec.caseId}`, [], {
      target,
      messages: [{ role: 'user', content: `question ${spec.caseId}` }],
      latencyMs: spec.latencyMs ?? 10,
      ...(spec.error ? { stopReason: 'error' as const, error: spec.error } : {}),
    });
    store.add({
      runId,
      suite: spec.suite ?? 's',
      config: spec.config ?? 'default',
      caseId: spec.caseId,
      category: spec.category ?? 'general',
      target,
      repeat: spec.repeat ?? 0,
      status: spec.error ? 'error' : 'ok',
      ...(spec.error ? { error: spec.error } : {}),
      trace,
      scores: spec.error ? [] : (spec.scores ?? []),
    });
  }
  store.finishRun(runId, run.status ?? 'completed', new Date(startedAt.getTime() + 1000));
}

/** c01 … c20: ids with two digits, so byte order is number order. */
export function caseIds(n: number, from = 1): string[] {
  return Array.from({ length: n }, (_, i) => `c${String(from + i).padStart(2, '0')}`);
}
