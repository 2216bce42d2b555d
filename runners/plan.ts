// Planning a run: every suite configuration prepared (dataset read, tools and scorers checked),
// then cases × targets × configurations × repeats expanded into attempts, filtered, limited and
// sliced for a shard. The plan's order is deterministic, so shards, resumes and merges agree on
// what an attempt is.

import { memoryToolDeclarations } from '../agent/memory/tools.ts';
import { addMcpTools, type McpConnections } from '../agent/mcp/connections.ts';
import { builtinRegistry } from '../agent/tools/builtin.ts';
import { searchKnowledgeTool } from '../agent/tools/search_knowledge.ts';
import { suiteTools, UnprovidedToolError } from '../agent/tools/suite-tools.ts';
import type { ToolRegistry } from '../agent/tools/tool.ts';
import type { Case } from '../datasets/case.ts';
import { loadDataset } from '../datasets/load.ts';
import { readBfclCases } from '../datasets/bfcl/cases.ts';
import { readTrecTopics } from '../datasets/trec.ts';
import { resolveJudge, type PreparedJudge, type ResolveJudgeOptions } from '../judges/resolve.ts';
import { createScorer, ScorerOptionsError, UnknownScorerError } from '../judges/registry.ts';
import type { Scorer } from '../metrics/score.ts';
import { InputError } from '../core/errors.ts';
import type { KnowledgeBases } from './knowledge.ts';
import type { DatasetSource, Suite, SuiteVariant } from './suite.ts';
import type { ResolvedTarget } from '../agent/targets.ts';
import { capabilitiesOf, needsCaseScript } from '../agent/providers/capabilities.ts';
import { DEFAULT_RETRY_POLICY } from '../agent/providers/retry.ts';
import { DEFAULT_BUDGET } from '../agent/loop.ts';
import { tauCases, type PlannedUser } from './episodes.ts';

/** One suite configuration, ready to run: its cases, tools (knowledge included), scorers and judge. */
export interface PreparedSuite {
  suite: Suite;
  variant: SuiteVariant;
  cases: Case[];
  tools: ToolRegistry;
  scorers: Scorer[];
  /** The judge model for judge scorers, or why there is none (then their scores are skipped). */
  judge: PreparedJudge;
}

export interface PlannedAttempt {
  prepared: PreparedSuite;
  case: Case;
  target: ResolvedTarget;
  repeat: number;
  /** An episode's simulated user (environment suites only). */
  user?: PlannedUser;
}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export interface PlanOptions {
  /** Keep cases matching any of these: an id (`*` wildcards), `category:NAME` or `tag:NAME`. */
  filter?: readonly string[];
  /** At most this many cases per suite, after the filter. */
  limit?: number;
  /** Runs of every case (default 1). */
  repeat?: number;
  shard?: Shard;
}

/** The identity of an attempt within a run; the results store is unique on it. */
export function attemptKey(a: { suite: string; config: string; caseId: string; target: string; repeat: number }): string {
  return `${a.suite}\u0000${a.config}\u0000${a.caseId}\u0000${a.target}\u0000${a.repeat}`;
}

export function plannedKey(attempt: PlannedAttempt): string {
  return attemptKey({ suite: attempt.prepared.suite.name, config: attempt.prepared.variant.config, caseId: attempt.case.id, target: attempt.target.id, repeat: attempt.repeat });
}

export interface PrepareOptions extends Pick<PlanOptions, 'filter' | 'limit'> {
  /** How judges reach their providers (the run's provider options; keys: false when replaying). */
  judge?: ResolveJudgeOptions;
  /** The run's MCP connections, for configurations that list MCP servers. */
  mcp?: McpConnections;
}

/** Loads every dataset and checks every scorer and tool before anything runs (bad input: exit 2). */
export async function prepareAll(suites: readonly Suite[], knowledge: KnowledgeBases, options: PrepareOptions = {}): Promise<PreparedSuite[]> {
  const prepared: PreparedSuite[] = [];
  // Each judge once per run: every configuration naming it shares its model and its breaker.
  const judges = new Map<string | undefined, PreparedJudge>();
  const judgeFor = (suite: Suite, id: string | undefined): PreparedJudge => {
    let judge = judges.get(id);
    if (!judge) {
      try {
        judge = resolveJudge(id, options.judge);
      } catch (error) {
        if (error instanceof InputError) throw new InputError(`${suite.file}: judge: ${error.message}`);
        throw error;
      }
      judges.set(id, judge);
    }
    return judge;
  };
  for (const suite of suites) {
    const all = readCases(suite.dataset);
    const cases = selectCases(all, options);
    for (const variant of suite.variants) prepared.push({ ...(await prepareVariant(suite, variant, cases, knowledge, options.mcp)), judge: judgeFor(suite, variant.judge) });
  }
  return prepared;
}

function readCases(dataset: DatasetSource): Case[] {
  if (dataset.kind === 'jsonl') return loadDataset(dataset.path).cases;
  if (dataset.kind === 'trec') return readTrecTopics(dataset.topics, dataset.qrels);
  if (dataset.kind === 'tau') return tauCases(dataset);
  const cases = dataset.sets.flatMap((set) => readBfclCases({ ...set, underscoreToDot: dataset.underscoreToDot }));
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.id)) throw new InputError(`${dataset.sets[0]!.questions}: id: "${c.id}" appears in two BFCL sets of the suite`);
    seen.add(c.id);
  }
  return cases;
}

export function selectCases(cases: readonly Case[], options: Pick<PlanOptions, 'filter' | 'limit'>): Case[] {
  const matchers = (options.filter ?? []).map(caseMatcher);
  const kept = matchers.length ? cases.filter((c) => matchers.some((m) => m(c))) : [...cases];
  return options.limit === undefined ? kept : kept.slice(0, options.limit);
}

function caseMatcher(term: string): (c: Case) => boolean {
  if (term.startsWith('category:')) {
    const category = term.slice('category:'.length);
    return (c) => c.category === category;
  }
  if (term.startsWith('tag:')) {
    const tag = term.slice('tag:'.length);
    return (c) => c.tags.includes(tag);
  }
  const id = term.startsWith('id:') ? term.slice(3) : term;
  const pattern = new RegExp(`^${id.split('*').map(escapeRegExp).join('.*')}$`);
  return (c) => pattern.test(c.id);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

async function prepareVariant(suite: Suite, variant: SuiteVariant, cases: Case[], knowledge: KnowledgeBases, mcp?: McpConnections): Promise<Omit<PreparedSuite, 'judge'>> {
  const registry = builtinRegistry();
  if (variant.knowledge) registry.register(searchKnowledgeTool(await knowledge.get(variant.knowledge)));
  // Memory tools only where a suite names them: each attempt binds them to a memory of its own (runSessions).
  for (const tool of memoryToolDeclarations()) if (variant.tools?.includes(tool.name)) registry.register(tool);
  // After the built-ins, knowledge and memory: an MCP tool that would take one of their names is refused.
  const servers = variant.mcp ? await addMcpTools(registry, variant.mcp, mcp, suite.file) : [];
  let tools: ToolRegistry;
  try {
    tools = suiteTools(registry, variant.tools, servers);
  } catch (error) {
    if (error instanceof UnprovidedToolError) throw new InputError(`${suite.file}: tools: ${error.message}`);
    throw error;
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

/** suites × configurations × targets × cases × repeats, in that order, then one shard's slice. */
export function planAttempts(
  prepared: readonly PreparedSuite[],
  targetsOf: (suite: Suite) => ResolvedTarget[],
  options: Pick<PlanOptions, 'repeat' | 'shard'> = {},
  userOf?: (variant: SuiteVariant, agentTarget: string, file: string) => PlannedUser | undefined,
): PlannedAttempt[] {
  const repeats = options.repeat ?? 1;
  const plan: PlannedAttempt[] = [];
  for (const p of prepared) {
    for (const target of targetsOf(p.suite)) {
      const user = userOf?.(p.variant, target.id, p.suite.file);
      for (const c of p.cases) for (let repeat = 0; repeat < repeats; repeat++) plan.push({ prepared: p, case: c, target, repeat, ...(user ? { user } : {}) });
    }
  }
  for (const attempt of plan) checkTargetFits(attempt);
  const { shard } = options;
  // Round robin, so each shard gets a fair share of every suite and target.
  return shard ? plan.filter((_, i) => i % shard.count === shard.index - 1) : plan;
}

/** A scripted target on a case without a script is bad input: say so before anything runs. */
function checkTargetFits(attempt: PlannedAttempt): void {
  if (needsCaseScript(attempt.target.id) && !attempt.case.script) {
    throw new InputError(`${attempt.prepared.suite.datasetPath}: case ${attempt.case.id}: script: the scripted target needs a script on every case`);
  }
}

/** Parses `--shard i/n`. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) throw new InputError(`--shard: expected i/n with 1 ≤ i ≤ n (e.g. 2/4), got "${text}"`);
  return { index, count };
}

/**
 * One line for the start of a run when a configuration's time budget is shorter than its
 * per-call timeout × the tries a call gets (retries + 1): a call that hangs is then retried only
 * while the budget lasts, and one whose timeout is not shorter than the budget is cut by it
 * before it counts as a timeout (max_time). Only targets that call out over the network count:
 * the local policies never time out. Undefined when every configuration fits.
 */
export function timeoutWarning(suites: readonly Suite[], targetsOf: (suite: Suite) => readonly string[]): string | undefined {
  const tries = DEFAULT_RETRY_POLICY.retries + 1;
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  const short = new Set<string>();
  for (const suite of suites) {
    if (!targetsOf(suite).some((id) => !capabilitiesOf(id.split(':')[0]!).local)) continue;
    for (const variant of suite.variants) {
      const budget = variant.budget.maxTimeMs ?? DEFAULT_BUDGET.maxTimeMs;
      const timeout = variant.timeoutMs ?? DEFAULT_RETRY_POLICY.timeoutMs;
      const name = suite.variants.length > 1 ? `${suite.name} (${variant.config})` : suite.name;
      if (budget < timeout * tries) short.add(`${name}: ${seconds(budget)} < ${seconds(timeout)} × ${tries}`);
    }
  }
  if (!short.size) return undefined;
  return `warning: the time budget is shorter than the per-call timeout × ${tries} tries (${[...short].join('; ')}): a call that hangs is retried only while the budget lasts, and not at all where the timeout is not shorter than the budget. Set timeout_ms in the suite, or --timeout <ms>.`;
}
