// `lunar bench`: plan cases × targets for each suite, run the agent on each, score its trace,
// store every attempt as it finishes, then aggregate and write the run's files.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { runAgent } from '../agent/loop.ts';
import type { ChatModel } from '../agent/providers/types.ts';
import { builtinRegistry } from '../agent/tools/builtin.ts';
import { searchKnowledgeTool } from '../agent/tools/search_knowledge.ts';
import type { ToolRegistry } from '../agent/tools/tool.ts';
import type { Trace } from '../agent/trace.ts';
import { caseMessages, type Case } from '../datasets/case.ts';
import { loadDataset } from '../datasets/load.ts';
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
import { modelFor, validateTargets } from './targets.ts';

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
  signal?: AbortSignal;
  /** Progress output; pass null for none (tests). */
  progressStream?: NodeJS.WriteStream | null;
}

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
  target: string;
  repeat: number;
}

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const knowledge = new KnowledgeBases(options.home, (line) => (options.progressStream === null ? undefined : process.stderr.write(`${line}\n`)));
  try {
    return await runPrepared(options, await prepareAll(options.suites, knowledge));
  } finally {
    await knowledge.close();
  }
}

async function runPrepared(options: BenchOptions, prepared: PreparedSuite[]): Promise<BenchResult> {
  const plan = planAttempts(prepared, (suite) => targetsOf(options, suite));
  for (const attempt of plan) checkTargetFits(attempt);

  const runId = newRunId();
  const outDir = options.outDir ?? join(options.home, 'runs', runId);
  const store = new ResultsStore(join(options.home, 'results.db'));
  const startedAt = new Date();
  store.startRun(runId, describeRun(options, prepared), startedAt);
  const progress = options.progressStream === null ? undefined : makeProgress(plan.length, options.progressStream ?? process.stderr);

  let status: BenchResult['status'] = 'completed';
  try {
    await runPool(
      plan,
      options.concurrency ?? 4,
      async (attempt) => {
        const row = await runAttempt(attempt, options.signal);
        store.add({ runId, ...row });
        progress?.tick(row.status, row.trace.costUsd);
      },
      options.signal,
    );
    if (options.signal?.aborted) status = 'interrupted';
  } finally {
    progress?.done();
    store.finishRun(runId, status);
  }

  const attempts = store.attempts(runId);
  const run = store.run(runId)!;
  store.close();
  const aggregates = aggregate(attempts);
  writeResultsJson(join(outDir, 'results.json'), { run, aggregates, attempts });
  return { runId, outDir, status, attempts, aggregates };
}

/** Loads every dataset and checks every scorer and tool before anything runs (bad input: exit 2). */
async function prepareAll(suites: readonly Suite[], knowledge: KnowledgeBases): Promise<PreparedSuite[]> {
  const prepared: PreparedSuite[] = [];
  for (const suite of suites) {
    const { cases } = loadDataset(suite.datasetPath);
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

function targetsOf(options: BenchOptions, suite: Suite): string[] {
  return options.targets ?? suite.targets ?? options.fallbackTargets;
}

function planAttempts(prepared: PreparedSuite[], targetsOf: (suite: Suite) => string[]): PlannedAttempt[] {
  const plan: PlannedAttempt[] = [];
  for (const p of prepared) {
    const targets = targetsOf(p.suite);
    validateTargets(targets);
    for (const target of targets) {
      for (const c of p.cases) plan.push({ prepared: p, case: c, target, repeat: 0 });
    }
  }
  return plan;
}

/** A scripted target on a case without a script is bad input: say so before anything runs. */
function checkTargetFits(attempt: PlannedAttempt): void {
  if (attempt.target === 'scripted' && !attempt.case.script) {
    throw new InputError(`${attempt.prepared.suite.datasetPath}: case ${attempt.case.id}: script: the scripted target needs a script on every case`);
  }
}

async function runAttempt(
  attempt: PlannedAttempt,
  signal: AbortSignal | undefined,
): Promise<Omit<AttemptRow, 'runId'>> {
  const { prepared, case: c, target, repeat } = attempt;
  const { variant } = prepared;
  const base = { suite: prepared.suite.name, config: variant.config, caseId: c.id, category: c.category, target, repeat };
  let model: ChatModel;
  try {
    model = modelFor(target, c);
  } catch (error) {
    return { ...base, status: 'error', error: (error as Error).message, trace: emptyTrace(target, (error as Error).message), scores: [] };
  }
  const trace = await runAgent({
    model,
    tools: c.tools ? prepared.tools.pick(c.tools) : prepared.tools,
    messages: caseMessages(c),
    system: variant.system,
    workspaceRoot: variant.workspaceRoot,
    temperature: variant.temperature,
    budget: stripUndefined(variant.budget),
    signal,
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
