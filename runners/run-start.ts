// The start of a run: a new run records how it was started (its invocation), what produced its
// numbers (the lock), its plan and its suites' gates; `--resume` finds a run's recorded lock
// unchanged and runs only the attempts it has not stored.

import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { InputError } from '../core/errors.ts';
import type { BenchOptions } from './bench.ts';
import type { RecordedGates, RecordedSuiteGates } from './gate-spec.ts';
import { attemptKey, plannedKey, type PlannedAttempt, type PreparedSuite } from './plan.ts';
import { Lock, lockDifferences } from './provenance.ts';
import { ResultsStore, type StoredAttempt } from './store.ts';
import type { Suite } from './suite.ts';

/** What a run records to be resumed, reproduced and gated: its invocation, its lock, its plan and its suites' gates. */
export interface RunConfig {
  invocation: { suites: string[]; targets?: string[]; user?: string; fallbackTargets: string[]; filter?: string[]; limit?: number; repeat?: number | 'auto'; maxRepeat?: number; shard?: { index: number; count: number }; budget?: number; madeBy?: RunMaker };
  lock: Lock;
  plan: { attempts: number; suites: { name: string; config: string; cases: number; scorers: string[] }[] };
  /** Each suite's `gates:` as the run started (runners/gate-spec.ts), for `lunar gate`. */
  gates: RecordedGates;
}

/**
 * A new run records its invocation and lock. A resumed run must find its suites and datasets as
 * they were (the lock's hashes) and runs only the attempts it has not stored.
 */
export function startOrResume(
  store: ResultsStore,
  options: BenchOptions,
  prepared: PreparedSuite[],
  lock: Lock,
  fullPlan: PlannedAttempt[],
): { runId: string; plan: PlannedAttempt[]; earlier: StoredAttempt[] } {
  if (options.resume) {
    const run = store.run(options.resume);
    if (!run) throw new InputError(`--resume: no run ${options.resume} in ${join(options.home, 'results.db')}`);
    const recorded = Lock.safeParse((run.config as Partial<RunConfig>).lock);
    if (!recorded.success) throw new InputError(`--resume: run ${options.resume} has no lock to check against (made by an older Lunar)`);
    const changes = lockDifferences(recorded.data, lock);
    if (changes.length) throw new InputError(`--resume ${options.resume}: ${changes.join('; ')}; start a new run instead`);
    const earlier = store.attempts(options.resume);
    const done = new Set(earlier.map(attemptKey));
    store.reopenRun(options.resume);
    return { runId: options.resume, plan: fullPlan.filter((a) => !done.has(plannedKey(a))), earlier };
  }
  const runId = newRunId();
  const config: RunConfig = {
    invocation: {
      suites: options.suites.map((s) => resolve(s.file)),
      targets: options.targets,
      ...(options.user ? { user: options.user } : {}),
      fallbackTargets: options.fallbackTargets,
      filter: options.filter ? [...options.filter] : undefined,
      limit: options.limit,
      // --repeat auto is recorded as such, so --resume goes on with the rounds rather than a fixed count.
      ...(options.autoRepeat ? { repeat: 'auto' as const, maxRepeat: options.autoRepeat.maxRepeat } : { repeat: options.repeat }),
      shard: options.shard,
      budget: options.budget,
      ...(options.madeBy ? { madeBy: options.madeBy } : {}),
    },
    lock,
    plan: {
      attempts: fullPlan.length,
      suites: prepared.map((p) => ({ name: p.suite.name, config: p.variant.config, cases: p.cases.length, scorers: p.scorers.map((s) => s.name) })),
    },
    gates: recordGates(prepared),
  };
  store.startRun(runId, config);
  return { runId, plan: fullPlan, earlier: [] };
}

/**
 * Which command made a run, when not `lunar bench`: `lunar compare --base/--candidate` runs one
 * bench per side, and `lunar gate` with no run id looks past those to the newest bench run.
 */
export type RunMaker = 'compare';

/** Whether a stored run was made by `lunar bench` itself (runs from before the field count as such). */
export function madeByBench(run: { config: unknown }): boolean {
  return (run.config as Partial<RunConfig> | null)?.invocation?.madeBy === undefined;
}

/** The invocation a run recorded, for `lunar bench --resume`. */
export function recordedInvocation(home: string, runId: string): RunConfig['invocation'] {
  const store = new ResultsStore(join(home, 'results.db'));
  try {
    const run = store.run(runId);
    if (!run) throw new InputError(`--resume: no run ${runId} in ${join(home, 'results.db')}`);
    const invocation = (run.config as Partial<RunConfig>).invocation;
    if (!invocation) throw new InputError(`--resume: run ${runId} did not record how it was started (made by an older Lunar)`);
    return invocation;
  } finally {
    store.close();
  }
}


/** A sortable, unique id: the start time to the second and six random hex digits. */
function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Each suite's gates and the scorers its configurations run, as the gate will check them. */
function recordGates(prepared: readonly PreparedSuite[]): RecordedGates {
  const gates: RecordedGates = {};
  for (const p of prepared) {
    const entry = (gates[p.suite.name] ??= suiteGates(p.suite, []));
    for (const scorer of p.scorers) if (!entry.scorers.includes(scorer.name)) entry.scorers.push(scorer.name);
  }
  return gates;
}

/** One suite's gates as a run records them. */
export function suiteGates(suite: Pick<Suite, 'file' | 'gates'>, scorers: string[]): RecordedSuiteGates {
  return {
    file: resolve(suite.file),
    scorers,
    thresholds: suite.gates?.thresholds ?? [],
    ...(suite.gates?.reference ? { reference: suite.gates.reference } : {}),
  };
}
