// `lunar bench`: plan cases × targets for each suite, run the agent on each, score its trace,
// store every attempt as it finishes, then aggregate and write the run's files. Whatever ends the
// run (done, stopped, abandoned, a failure), what finished is written, the run gets its status,
// the store is closed and results.json is written.

import type { RunMaker } from './run-start.ts';
import { join, resolve } from 'node:path';
import { McpConnections } from '../agent/mcp/connections.ts';
import { CallCache, type CacheMode } from '../agent/providers/cache.ts';
import type { SpanCollector } from '../agent/external/span-collector.ts';
import { startSpanCollector } from '../agent/otel/collector.ts';
import { capabilitiesOf } from '../agent/providers/capabilities.ts';
import type { ExternalTarget } from '../agent/external/config.ts';
import type { ProviderOptions } from '../agent/providers/types.ts';
import type { Trace } from '../agent/trace.ts';
import { UnknownToolCalls } from '../agent/tools/unknown-calls.ts';
import { DEFAULT_SEED, runAttempt } from './attempt.ts';
import { strictestLimits } from '../agent/providers/scheduler/limits.ts';
import { Scheduler } from '../agent/providers/scheduler/scheduler.ts';
import { needsJudge } from '../judges/registry.ts';
import { judgeCost } from '../judges/usage.ts';
import { calibrationsPath, readCalibrations } from '../judges/calibration-store.ts';
import { applyScoreUpdates, checkRunJudges, type ConfigReliability } from './judge-reliability.ts';
import { traceReader, writeRunFiles, type Reporter } from './reporter.ts';
import { InputError } from '../core/errors.ts';
import { progress as makeProgress } from './progress.ts';
import { runPool } from '../core/pool.ts';
import { KnowledgeBases } from './knowledge.ts';
import { planAttempts, prepareAll, type PlannedAttempt, type PlanOptions, type PreparedSuite } from './plan.ts';
import { buildLock, Lock } from './provenance.ts';
import { startOrResume } from './run-start.ts';
import { compareAttempts, ResultsStore, type AttemptRow, type RunStatus, type StoredAttempt } from './store.ts';
import { aggregate, type Aggregate } from './aggregate.ts';
import type { Suite } from './suite.ts';
import { resolveTarget, type ResolvedTarget } from '../agent/targets.ts';
import { episodeUsers, usersInLock } from './episodes.ts';
import { runRounds, summarize, type AutoRepeat, type AutoRepeatSummary } from './auto-repeat.ts';

type UserOf = ReturnType<typeof episodeUsers>;

export interface BenchOptions extends PlanOptions {
  /** What writes the run's files when it ends (reports/reporters.ts's table); none: only the results store. */
  reporters?: readonly Reporter[];
  suites: Suite[];
  /**
   * Model-call cache (<home>/cache.db): on (default) reads and records, off neither, refresh
   * records over, replay only reads — a miss is an errored attempt naming the case.
   */
  cache?: CacheMode;
  /** Stop starting attempts once the run's cost reaches this many dollars; the run is 'partial'. */
  budget?: number;
  /** Continue this run: its finished attempts are kept, the rest of its plan runs. */
  resume?: string;
  /** The command making the run when not `lunar bench` (recorded in its invocation). */
  madeBy?: RunMaker;
  /** Who plays the user of every episode (--user: provider:model or scripted), over the suites' own. */
  user?: string;
  /** Targets for every suite (--target); when absent each suite's own, else fallbackTargets. */
  targets?: string[];
  fallbackTargets: string[];
  /** Where results.db lives (default .lunar). */
  home: string;
  /** Where the run's files go (default <home>/runs/<run-id>). */
  outDir?: string;
  /** Attempts in flight; default: what the providers' lanes can take (capped at 64). */
  concurrency?: number;
  /** Injectable for tests; by default one per run from the suites' `limits`. */
  scheduler?: Scheduler;
  /**
   * Stop starting attempts (first Ctrl-C): attempts in flight run to their end and are kept; the
   * run is 'interrupted'.
   */
  stop?: AbortSignal;
  /**
   * Abandon the run (second Ctrl-C, SIGTERM). When it fires, synchronously, what finished is
   * written, the run is marked 'interrupted', the store closed and results.json written, so the
   * process may exit right after; attempts in flight are aborted and not stored.
   */
  abort?: AbortSignal;
  /** Where providers read keys and addresses (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Progress output; pass null for none (tests). */
  progressStream?: NodeJS.WriteStream | null;
  /** How often finished attempts are written while the run goes on (default 250 ms). */
  flushEveryMs?: number;
  /** `--repeat auto`: every case once, then rounds over the uncertain ones (runners/auto-repeat.ts); `repeat` is then ignored. */
  autoRepeat?: AutoRepeat;
  /**
   * The run's OpenTelemetry receiver (agent/otel/), where external agents' spans arrive: given, an
   * attempt whose agent reports no tool calls takes its trajectory from its spans. Absent: none runs.
   */
  spanCollector?: SpanCollector;
  /** The port of the receiver the run starts for external agents (default: any free one). */
  otlpPort?: number;
}


export interface BenchResult {
  runId: string;
  outDir: string;
  status: Exclude<RunStatus, 'failed'>;
  attempts: StoredAttempt[];
  aggregates: Aggregate[];
  lock: Lock;
  /** Per configuration with a judge: its self-consistency, position bias and calibration on this run. */
  judgeReliability: ConfigReliability[];
  /** Calls this run's attempts made to tools nothing provides (printed after the table). */
  unknownTools: UnknownToolCalls;
  /** With --repeat auto: the attempts made against a fixed --repeat of its cap. */
  autoRepeat?: AutoRepeatSummary;
}

/** A run that could not go on (its attempts could not be stored, ...): what finished is kept. */
export class RunFailedError extends Error {
  constructor(
    readonly runId: string,
    readonly outDir: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`run ${runId} failed: ${cause instanceof Error ? cause.message : String(cause)} (${attempts} finished attempts kept; files in ${outDir})`, { cause });
    this.name = 'RunFailedError';
  }
}

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const suites = distinctSuites(options.suites);
  // An explicit --concurrency also widens hosted lanes (a local OpenAI-compatible server takes
  // far more than the default 8); a suite's own limits still win.
  const widened = options.concurrency && options.concurrency > 8 ? { '*': { concurrency: options.concurrency } } : undefined;
  const scheduler = options.scheduler ?? new Scheduler({ providers: strictestLimits(suites.map((s) => s.limits)), defaults: widened });
  // Targets first: an unknown target, a missing key or a bad script file is exit 2 before any
  // dataset is read or index built. Replaying needs no keys: every answer comes from the recording.
  const providerOptions: ProviderOptions = {
    ...(options.env ? { env: options.env } : {}),
    // Retried 429s slow the provider's lane down before its calls give up.
    onRetry: (failure) => failure.kind === 'rate_limited' && scheduler.noteRateLimited(failure.provider, failure),
  };
  const targets = resolveTargets(suites, options, providerOptions, options.cache !== 'replay');
  const concurrency = options.concurrency ?? defaultConcurrency(scheduler, [...targets.values()].map((t) => t.ref.provider));
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InputError(`concurrency: expected a whole number, 1 or more (got ${concurrency})`);
  const log = (line: string) => (options.progressStream === null ? undefined : process.stderr.write(`${line}\n`));
  const knowledge = new KnowledgeBases(options.home, log);
  // MCP servers live for the run: started while preparing, ended when it is over (or on exit).
  const mcp = new McpConnections({ env: options.env, log });
  // External agents report what they did through OpenTelemetry: a receiver runs for the run.
  const ownCollector = !options.spanCollector && [...targets.values()].some((t) => capabilitiesOf(t.ref.provider).externalAgent);
  const spanCollector = ownCollector ? await startRunCollector(options.otlpPort, log) : options.spanCollector;
  try {
    // The judge reaches its provider as the targets do; a missing judge key skips judge scores (not exit 2).
    const prepared = await prepareAll(suites, knowledge, { ...options, mcp, judge: { providerOptions, keys: options.cache !== 'replay' } });
    const users = episodeUsers(options.user, providerOptions, options.cache !== 'replay');
    return await runPrepared({ ...options, suites, concurrency, scheduler, ...(spanCollector ? { spanCollector } : {}) }, prepared, targets, users);
  } finally {
    if (ownCollector) await spanCollector?.close();
    await mcp.close();
    await knowledge.close();
  }
}

/** The run's OTLP/HTTP receiver, on --otlp-port (an agent started beforehand exports there) or an ephemeral port. */
async function startRunCollector(port: number | undefined, log: (line: string) => void): Promise<SpanCollector> {
  try {
    const collector = await startSpanCollector({ port: port ?? 0 });
    log(`OpenTelemetry: receiving external agents' spans at ${collector.endpoint}/v1/traces (OTLP/HTTP)`);
    return collector;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new InputError(`--otlp-port ${port}: the port is in use; pick another, or leave it out for any free port`);
    throw error;
  }
}

/** The plan a run would make, without running it (`--dry-run`): no keys needed to see the cost. */
export async function planBench(options: BenchOptions): Promise<PlannedAttempt[]> {
  const suites = distinctSuites(options.suites);
  const targets = resolveTargets(suites, options, options.env ? { env: options.env } : {}, false);
  const knowledge = new KnowledgeBases(options.home);
  // A dry run starts the suites' MCP servers too: their tool names are needed to check `tools:`.
  const mcp = new McpConnections({ env: options.env });
  try {
    const prepared = await prepareAll(suites, knowledge, { ...options, mcp, judge: { providerOptions: options.env ? { env: options.env } : {}, keys: false } });
    const users = episodeUsers(options.user, options.env ? { env: options.env } : {}, false);
    return planAttempts(prepared, (suite) => targetsOf(options, suite).map((id) => targets.get(id)!), options, users);
  } finally {
    await mcp.close();
    await knowledge.close();
  }
}

/** The same suite file named twice runs once; two files with one suite name are refused (its rows would collide). */
function distinctSuites(suites: readonly Suite[]): Suite[] {
  const byName = new Map<string, Suite>();
  for (const suite of suites) {
    const first = byName.get(suite.name);
    if (!first) byName.set(suite.name, suite);
    else if (resolve(first.file) !== resolve(suite.file)) {
      throw new InputError(`${suite.file}: name: suite "${suite.name}" is also the name of ${first.file}; give one of them another name`);
    }
  }
  return [...byName.values()];
}

/** Every suite's targets, once each; an external agent a suite defines is resolved with its paths against that suite. */
function resolveTargets(suites: readonly Suite[], options: BenchOptions, providerOptions: ProviderOptions, keys = true): Map<string, ResolvedTarget> {
  const blocks = externalTargetsOf(suites);
  const resolved = new Map<string, ResolvedTarget>();
  for (const id of suites.flatMap((suite) => targetsOf(options, suite))) if (!resolved.has(id)) resolved.set(id, resolveTarget(id, providerOptions, { keys }, { blocks }));
  return resolved;
}

async function runPrepared(options: BenchOptions & { concurrency: number }, prepared: PreparedSuite[], targets: Map<string, ResolvedTarget>, users: UserOf): Promise<BenchResult> {
  // With --repeat auto the plan is every case once; the rounds add repeats to it as they go.
  const planOptions = options.autoRepeat ? { ...options, repeat: 1 } : options;
  const fullPlan = planAttempts(prepared, (suite) => targetsOf(options, suite).map((id) => targets.get(id)!), planOptions, users);
  const lock = buildLock({
    users: usersInLock(fullPlan.flatMap((a) => (a.user ? [a.user] : []))),
    prepared,
    targets: [...targets.values()].map((t) => ({ id: t.id, ...t.ref })),
    seed: DEFAULT_SEED,
    options: runOptions(options),
    env: options.env,
  });

  // Read before anything runs: a broken calibrations.jsonl is bad input (exit 2), not a lost run.
  const calibrations = readCalibrations(calibrationsPath(options.home));
  const store = new ResultsStore(join(options.home, 'results.db'));
  const mode = options.cache ?? 'on';
  const cache = mode === 'off' ? undefined : CallCache.inHome(options.home);
  let runId: string;
  let plan: PlannedAttempt[];
  let earlier: StoredAttempt[];
  try {
    ({ runId, plan, earlier } = startOrResume(store, options, prepared, lock, fullPlan));
  } catch (error) {
    store.close();
    cache?.close();
    throw error;
  }
  const outDir = options.outDir ?? join(options.home, 'runs', runId);
  const progress = options.progressStream === null ? undefined : makeProgress(plan.length, options.progressStream ?? process.stderr);
  let spent = 0;
  const unknownTools = new UnknownToolCalls();
  let judgeReliability: ConfigReliability[] = [];
  let autoRepeat: AutoRepeatSummary | undefined;
  let overBudget = false;

  // The first failure to store or to run; the pool stops starting attempts once there is one.
  let failure: { error: unknown } | undefined;
  const halt = new AbortController();
  const fail = (error: unknown) => {
    failure ??= { error };
    halt.abort();
  };
  const flush = () => {
    if (!store.open) return;
    try {
      store.flush();
    } catch (error) {
      fail(error);
    }
  };

  let result: BenchResult | undefined;
  /** Ends the run, once: writes what finished, sets the status, closes the store, writes results.json. */
  const finish = (status: BenchResult['status']): BenchResult => {
    if (result) return result;
    clearInterval(flusher);
    options.stop?.removeEventListener('abort', flush);
    options.abort?.removeEventListener('abort', abandon);
    process.off('exit', onExit);
    progress?.done();
    flush();
    let attempts: StoredAttempt[];
    let aggregates: Aggregate[];
    try {
      store.finishRun(runId, failure ? 'failed' : status);
      // What was there before a resume and what this run wrote: no read-back of the whole run.
      attempts = [...earlier, ...store.writtenAttempts()].sort(compareAttempts);
      const run = store.run(runId)!;
      aggregates = aggregate(attempts);
      // report.html embeds traces read back from the store: written before the store closes.
      writeRunFiles(outDir, { run, aggregates, attempts, trace: traceReader(store, runId) }, options.reporters ?? []);
    } finally {
      store.close();
      cache?.close();
    }
    result = { runId, outDir, status, attempts, aggregates, lock, judgeReliability, unknownTools, ...(autoRepeat ? { autoRepeat } : {}) };
    return result;
  };
  const abandon = () => {
    try {
      finish('interrupted');
    } catch (error) {
      process.stderr.write(`lunar: could not save run ${runId} while stopping: ${(error as Error).message}\n`);
    }
  };
  const onExit = () => abandon();

  // Batches keep writes fast; the timer bounds what a kill can lose to what finished in the
  // last quarter second. Ctrl-C writes at once; exiting (or a second Ctrl-C) ends the run.
  const flusher = setInterval(flush, options.flushEveryMs ?? 250);
  flusher.unref();
  options.stop?.addEventListener('abort', flush, { once: true });
  options.abort?.addEventListener('abort', abandon, { once: true });
  process.on('exit', onExit);
  if (options.abort?.aborted) abandon();

  const stopStarting = AbortSignal.any([halt.signal, ...[options.stop, options.abort].filter((s): s is AbortSignal => s !== undefined)]);
  const runPlan = (planned: PlannedAttempt[]) =>
    runPool(
      planned,
      // A person playing the user holds one conversation at a time.
      planned.some((a) => a.user?.strategy === 'human') ? 1 : options.concurrency,
      async (attempt: PlannedAttempt) => {
        const row = await runAttempt(attempt, options.abort, options.scheduler!, cache && { cache, mode }, options.spanCollector);
        // Abandoned: the run is closed; an attempt cut short by the abort is not a result.
        if (result || options.abort?.aborted) return;
        store.add({ runId, ...row });
        unknownTools.add(row.trace);
        // An attempt that cost money or a second of work is written at once: a kill must not
        // lose it. Cheaper ones go in the next batch, within a quarter second.
        if (row.trace.latencyMs >= 1_000 || row.trace.costUsd > 0) flush();
        progress?.tick(row.status, row.trace.costUsd);
        spent += row.trace.costUsd + judgeCost(row.scores);
        if (options.budget !== undefined && spent >= options.budget && !overBudget) {
          overBudget = true;
          halt.abort();
        }
      },
      stopStarting,
    );
  // Flushed first: the store lists only what it has written, and a round must see every attempt so far.
  const sofar = () => {
    flush();
    return [...earlier, ...store.writtenAttempts()];
  };
  try {
    await runPlan(plan);
    if (options.autoRepeat) {
      const rounds = await runRounds(fullPlan, options.autoRepeat, sofar, runPlan, () => stopStarting.aborted || result !== undefined);
      // Counted over the whole run (a resumed one included), so the figure is the run's, not this process's.
      if (!result) {
        autoRepeat = summarize(fullPlan, sofar(), options.autoRepeat, rounds);
        store.setRunConfig(runId, { ...(store.run(runId)!.config as object), auto_repeat: autoRepeat });
      }
    }
  } catch (error) {
    fail(error);
  }

  // The judges' reliability on this run (self-consistency, position bias, calibration κ), kept in
  // the run's record; a judge below its suite's judge_floors has its judge-based scores marked
  // advisory, for the gate. Not on a run that was stopped, abandoned, failed or over its budget
  // (re-judging costs judge calls); only the re-judged sample's traces are read back.
  if (prepared.some((p) => needsJudge(p.scorers)) && !failure && !result && !overBudget && !options.stop?.aborted && !options.abort?.aborted) {
    try {
      flush();
      const checked = await checkRunJudges({
        prepared,
        rows: withStoredTraces(store, runId, [...earlier, ...store.writtenAttempts()]),
        floorsOf: (p) => p.variant.judgeFloors,
        scheduler: options.scheduler!,
        caching: cache && { cache, mode },
        calibrations,
      });
      if (!result && checked.reports.length) {
        judgeReliability = checked.reports;
        store.updateScoreDetails(runId, checked.updates);
        earlier = applyScoreUpdates(earlier, checked.updates);
        store.setRunConfig(runId, { ...(store.run(runId)!.config as object), judge_reliability: checked.reports });
      }
    } catch (error) {
      // A measurement that breaks costs the measurement, never the run.
      process.stderr.write(`lunar: judge reliability of run ${runId} was not measured: ${(error as Error).message}\n`);
    }
  }

  const ended = finish(options.stop?.aborted || options.abort?.aborted ? 'interrupted' : overBudget ? 'partial' : 'completed');
  if (failure) throw new RunFailedError(runId, outDir, ended.attempts.length, failure.error);
  return ended;
}

/** The attempts, each with a trace read from the store only when asked for. */
function withStoredTraces(store: ResultsStore, runId: string, attempts: readonly StoredAttempt[]): Omit<AttemptRow, 'runId'>[] {
  return attempts.map((a) => ({
    ...a,
    get trace(): Trace {
      return store.trace({ runId, suite: a.suite, config: a.config, caseId: a.caseId, target: a.target, repeat: a.repeat })!;
    },
  }));
}

/**
 * Enough attempts in flight to fill every target's lane: lanes cap model calls, the pool caps
 * attempts, and a pool smaller than the lanes would leave a provider's quota unused.
 */
function defaultConcurrency(scheduler: Scheduler, targetProviders: readonly string[]): number {
  const providers = [...new Set(targetProviders)];
  const total = providers.reduce((sum, provider) => {
    const limit = scheduler.maxConcurrency(provider);
    return sum + (Number.isFinite(limit) ? limit : 4);
  }, 0);
  return Math.max(1, Math.min(64, total));
}

/** The external agents the suites define, by id; one id defined two ways is bad input. */
function externalTargetsOf(suites: readonly Suite[]): Map<string, ExternalTarget> {
  const all = new Map<string, ExternalTarget>();
  const from = new Map<string, string>();
  for (const suite of suites) {
    for (const [id, target] of suite.externalTargets ?? []) {
      const first = all.get(id);
      if (first && JSON.stringify(first) !== JSON.stringify(target)) throw new InputError(`${suite.file}: targets: "${id}" is also defined, differently, by ${from.get(id)}; give one of them another id`);
      all.set(id, target);
      from.set(id, suite.file);
    }
  }
  return all;
}

/** A suite's targets, each once, in the order first given (`-t baseline baseline` runs baseline once). */
function targetsOf(options: BenchOptions, suite: Suite): string[] {
  return [...new Set(options.targets ?? suite.targets ?? options.fallbackTargets)];
}

function runOptions(options: BenchOptions): Record<string, unknown> {
  const repeat = options.autoRepeat ? { repeat: 'auto', max_repeat: options.autoRepeat.maxRepeat } : { repeat: options.repeat ?? 1 };
  return { cache: options.cache ?? 'on', ...(options.user ? { user: options.user } : {}), ...repeat, filter: options.filter ?? [], limit: options.limit ?? null, shard: options.shard ?? null, budget: options.budget ?? null, concurrency: options.concurrency ?? 4 };
}
