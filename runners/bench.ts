// `lunar bench`: plan cases × targets for each suite, run the agent on each, score its trace,
// store every attempt as it finishes, then aggregate and write the run's files. Whatever ends the
// run (done, stopped, abandoned, a failure), what finished is written, the run gets its status,
// the store is closed and results.json is written.

import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { runAgent } from '../agent/loop.ts';
import { builtinRegistry } from '../agent/tools/builtin.ts';
import { searchKnowledgeTool } from '../agent/tools/search_knowledge.ts';
import type { ToolRegistry } from '../agent/tools/tool.ts';
import type { Trace } from '../agent/trace.ts';
import { caseMessages, type Case } from '../datasets/case.ts';
import { loadDataset } from '../datasets/load.ts';
import { readTrecTopics } from '../datasets/trec.ts';
import { createScorer, ScorerOptionsError, UnknownScorerError } from '../metrics/registry.ts';
import type { Score, Scorer } from '../metrics/score.ts';
import { writeResultsJson } from '../reports/results-json.ts';
import { InputError } from './input-error.ts';
import { progress as makeProgress } from './progress.ts';
import { runPool } from './pool.ts';
import { KnowledgeBases } from './knowledge.ts';
import { ResultsStore, type AttemptRow, type StoredAttempt } from './store.ts';
import { aggregate, type Aggregate } from './summary.ts';
import type { Suite, SuiteVariant } from './suite.ts';
import { resolveTarget, type ResolvedTarget } from './targets.ts';

export interface BenchOptions {
  suites: Suite[];
  /** Targets for every suite (--target); when absent each suite's own, else fallbackTargets. */
  targets?: string[];
  fallbackTargets: string[];
  /** Where results.db lives (default .lunar). */
  home: string;
  /** Where the run's files go (default <home>/runs/<run-id>). */
  outDir?: string;
  concurrency?: number;
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
}

/** Bench attempts sample greedily with a fixed seed unless the suite says otherwise. */
export const DEFAULT_TEMPERATURE = 0;
export const DEFAULT_SEED = 0;

export interface BenchResult {
  runId: string;
  outDir: string;
  status: 'completed' | 'interrupted';
  attempts: StoredAttempt[];
  aggregates: Aggregate[];
}

/** One suite configuration, ready to run: its cases, tools (knowledge included) and scorers. */
interface PreparedSuite {
  suite: Suite;
  variant: SuiteVariant;
  cases: Case[];
  tools: ToolRegistry;
  scorers: Scorer[];
}

interface PlannedAttempt {
  prepared: PreparedSuite;
  case: Case;
  target: ResolvedTarget;
  repeat: number;
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
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InputError(`concurrency: expected a whole number, 1 or more (got ${concurrency})`);
  const suites = distinctSuites(options.suites);
  // Targets first: an unknown target, a missing key or a bad script file is exit 2 before any
  // dataset is read or index built.
  const targets = resolveTargets(suites.flatMap((suite) => targetsOf(options, suite)), options.env);
  const knowledge = new KnowledgeBases(options.home, (line) => (options.progressStream === null ? undefined : process.stderr.write(`${line}\n`)));
  try {
    return await runPrepared({ ...options, suites, concurrency }, await prepareAll(suites, knowledge), targets);
  } finally {
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

function resolveTargets(ids: readonly string[], env: NodeJS.ProcessEnv | undefined): Map<string, ResolvedTarget> {
  const resolved = new Map<string, ResolvedTarget>();
  for (const id of ids) if (!resolved.has(id)) resolved.set(id, resolveTarget(id, env ? { env } : {}));
  return resolved;
}

async function runPrepared(options: BenchOptions & { concurrency: number }, prepared: PreparedSuite[], targets: Map<string, ResolvedTarget>): Promise<BenchResult> {
  const plan = planAttempts(prepared, (suite) => targetsOf(options, suite).map((id) => targets.get(id)!));
  for (const attempt of plan) checkTargetFits(attempt);

  const runId = newRunId();
  const outDir = options.outDir ?? join(options.home, 'runs', runId);
  const store = new ResultsStore(join(options.home, 'results.db'));
  const startedAt = new Date();
  store.startRun(runId, describeRun(options, prepared), startedAt);
  const progress = options.progressStream === null ? undefined : makeProgress(plan.length, options.progressStream ?? process.stderr);

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
    let run: ReturnType<ResultsStore['run']>;
    try {
      store.finishRun(runId, failure ? 'failed' : status);
      attempts = store.attempts(runId);
      run = store.run(runId)!;
    } finally {
      store.close();
    }
    const aggregates = aggregate(attempts);
    writeResultsJson(join(outDir, 'results.json'), { run: run!, aggregates, attempts });
    result = { runId, outDir, status, attempts, aggregates };
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
  try {
    await runPool(
      plan,
      options.concurrency,
      async (attempt) => {
        const row = await runAttempt(attempt, options.abort);
        // Abandoned: the run is closed; an attempt cut short by the abort is not a result.
        if (result || options.abort?.aborted) return;
        store.add({ runId, ...row });
        progress?.tick(row.status, row.trace.costUsd);
      },
      stopStarting,
    );
  } catch (error) {
    fail(error);
  }

  const ended = finish(options.stop?.aborted || options.abort?.aborted ? 'interrupted' : 'completed');
  if (failure) throw new RunFailedError(runId, outDir, ended.attempts.length, failure.error);
  return ended;
}

/** Loads every dataset and checks every scorer and tool before anything runs (bad input: exit 2). */
async function prepareAll(suites: readonly Suite[], knowledge: KnowledgeBases): Promise<PreparedSuite[]> {
  const prepared: PreparedSuite[] = [];
  for (const suite of suites) {
    const cases = suite.dataset.kind === 'jsonl' ? loadDataset(suite.dataset.path).cases : readTrecTopics(suite.dataset.topics, suite.dataset.qrels);
    for (const variant of suite.variants) prepared.push(await prepareVariant(suite, variant, cases, knowledge));
  }
  return prepared;
}

async function prepareVariant(suite: Suite, variant: SuiteVariant, cases: Case[], knowledge: KnowledgeBases): Promise<PreparedSuite> {
  const registry = builtinRegistry();
  if (variant.knowledge) registry.register(searchKnowledgeTool(await knowledge.get(variant.knowledge)));
  let tools: ToolRegistry;
  try {
    tools = variant.tools ? registry.pick(variant.tools) : registry;
  } catch (error) {
    throw new InputError(`${suite.file}: tools: ${(error as Error).message}`);
  }
  for (const c of cases) {
    const unknown = (c.tools ?? []).filter((t) => !tools.get(t));
    if (unknown.length) throw new InputError(`${suite.datasetPath}: case ${c.id}: tools: not offered by suite ${suite.name}: ${unknown.join(', ')}`);
  }
  const scorers = variant.scorers.map(({ name, options }) => {
    try {
      return createScorer(name, options);
    } catch (error) {
      if (error instanceof UnknownScorerError || error instanceof ScorerOptionsError) throw new InputError(`${suite.file}: scorers: ${error.message}`);
      throw error;
    }
  });
  return { suite, variant, cases, tools, scorers };
}

/** A suite's targets, each once, in the order first given (`-t baseline baseline` runs baseline once). */
function targetsOf(options: BenchOptions, suite: Suite): string[] {
  return [...new Set(options.targets ?? suite.targets ?? options.fallbackTargets)];
}

function planAttempts(prepared: PreparedSuite[], targetsOf: (suite: Suite) => ResolvedTarget[]): PlannedAttempt[] {
  const plan: PlannedAttempt[] = [];
  for (const p of prepared) {
    for (const target of targetsOf(p.suite)) {
      for (const c of p.cases) plan.push({ prepared: p, case: c, target, repeat: 0 });
    }
  }
  return plan;
}

/** A scripted target on a case without a script is bad input: say so before anything runs. */
function checkTargetFits(attempt: PlannedAttempt): void {
  if (attempt.target.id === 'scripted' && !attempt.case.script) {
    throw new InputError(`${attempt.prepared.suite.datasetPath}: case ${attempt.case.id}: script: the scripted target needs a script on every case`);
  }
}

/**
 * Runs and scores one attempt. Never throws: whatever goes wrong becomes an errored attempt with
 * the message, so one bad attempt cannot take the run down.
 */
async function runAttempt(attempt: PlannedAttempt, abort: AbortSignal | undefined): Promise<Omit<AttemptRow, 'runId'>> {
  const { prepared, case: c, target, repeat } = attempt;
  const { variant } = prepared;
  const base = { suite: prepared.suite.name, config: variant.config, caseId: c.id, category: c.category, target: target.id, repeat };
  try {
    const trace = await runAgent({
      model: target.model(c),
      tools: c.tools ? prepared.tools.pick(c.tools) : prepared.tools,
      messages: caseMessages(c),
      system: variant.system,
      workspaceRoot: variant.workspaceRoot,
      temperature: variant.temperature ?? DEFAULT_TEMPERATURE,
      seed: DEFAULT_SEED,
      budget: stripUndefined(variant.budget),
      // Only abandoning the run cuts attempts short; stopping lets them finish.
      signal: abort,
    });
    if (trace.stopReason === 'error' || trace.stopReason === 'aborted') {
      return { ...base, status: 'error', error: trace.error ?? trace.stopReason, trace, scores: [] };
    }
    const scores: Score[] = [];
    for (const scorer of prepared.scorers) {
      const score = await scoreSafely(scorer, c, trace);
      if (score) scores.push(score);
    }
    return { ...base, status: 'ok', trace, scores };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...base, status: 'error', error: message, trace: emptyTrace(target.id, message), scores: [] };
  }
}

/** A scorer that throws yields an error score with the reason; it never takes the run down. */
async function scoreSafely(scorer: Scorer, c: Case, trace: Trace): Promise<Score | null> {
  try {
    return await scorer.score({ case: c, trace });
  } catch (error) {
    return { scorer: scorer.name, value: null, pass: null, status: 'error', reason: (error as Error).message };
  }
}

function emptyTrace(target: string, error: string): Trace {
  return {
    target,
    messages: [],
    modelCalls: [],
    toolCalls: [],
    retrieved: [],
    citations: [],
    finalAnswer: null,
    stopReason: 'error',
    error,
    usage: { inputTokens: 0, outputTokens: 0 },
    latencyMs: 0,
    costUsd: 0,
  };
}

function describeRun(options: BenchOptions, prepared: PreparedSuite[]) {
  return {
    targets: [...new Set(prepared.flatMap((p) => targetsOf(options, p.suite)))],
    suites: prepared.map((p) => ({
      name: p.suite.name,
      config: p.variant.config,
      file: p.suite.file,
      dataset: p.suite.datasetPath,
      cases: p.cases.length,
      scorers: p.scorers.map((s) => s.name),
    })),
  };
}

function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
