// What one case needs before it runs, prepared as `lunar bench` prepares a suite: with a suite,
// its configuration through plan.ts's prepareAll (tools, knowledge base, scorers, judge); without
// one, the built-in tools, the scorers named (or the default set) and the judge named. Prepared
// suites are kept per process, so a test file or a promptfoo eval reads each suite once.

import { resolve } from 'node:path';
import { z } from 'zod';
import { builtinRegistry } from '../../agent/tools/builtin.ts';
import type { ToolRegistry } from '../../agent/tools/tool.ts';
import type { ProviderOptions } from '../../agent/providers/types.ts';
import { Case } from '../../datasets/case.ts';
import { resolveJudge, type PreparedJudge } from '../../judges/resolve.ts';
import { createScorer, ScorerOptionsError, SCORERS, UnknownScorerError } from '../../judges/registry.ts';
import type { Scorer } from '../../metrics/score.ts';
import { InputError } from '../../core/errors.ts';
import type { KnowledgeBases } from '../../runners/knowledge.ts';
import { prepareAll, type PreparedSuite } from '../../runners/plan.ts';
import { loadSuite, type Suite, type SuiteVariant } from '../../runners/suite.ts';

/** A scorer by name, or `{ name: options }` as a suite lists it. */
export const ScorerSpec = z.union([
  z.string().min(1),
  z.record(z.string(), z.record(z.string(), z.unknown())).refine((r) => Object.keys(r).length === 1, 'a scorer entry names one scorer'),
]);
export type ScorerSpec = z.infer<typeof ScorerSpec>;

/**
 * Without a suite or `scorers`, a case is checked by the deterministic scorers that read its own
 * expectation fields (each leaves out a case without its field): what it expects the answer to
 * contain or not, the tools it expects or forbids, and refusal.
 */
export const DEFAULT_CASE_SCORERS: readonly string[] = ['answer_contains', 'answer_excludes', 'tool_name_match', 'tool_args_match', 'no_forbidden_tool', 'refusal'].filter(
  (name) => name in SCORERS,
);

export interface CaseSetupOptions {
  /** A suite file: its tools, knowledge base, system prompt, workspace, budget, scorers and judge. */
  suite?: string;
  /** Which configuration of a suite with a matrix (default: its first). */
  config?: string;
  /** Scorers instead of the suite's (or of the default set). */
  scorers?: readonly ScorerSpec[];
  /** The judge model's target id, instead of the suite's. */
  judge?: string;
  /** Without a suite: the built-in tools offered (default all), the system prompt, the workspace (default the working folder). */
  tools?: readonly string[];
  system?: string;
  workspace?: string;
}

export interface CaseSetup {
  prepared: PreparedSuite;
  case: Case;
}

/** Where prepared suites are kept between cases (one per Lunar home in a process: see session.ts). */
export interface SetupContext {
  knowledge: KnowledgeBases;
  prepared: Map<string, Promise<PreparedSuite[]>>;
  /** How judges reach their providers (keys: false when replaying). */
  judge: { providerOptions: ProviderOptions; keys: boolean };
}

/** The prepared suite configuration and the case to run: `c` is a case, or with a suite a case id in its dataset. */
export async function setupCase(c: Case | string, options: CaseSetupOptions, context: SetupContext): Promise<CaseSetup> {
  const { judge } = context;
  if (options.suite) {
    const all = await suiteConfigurations(options.suite, context);
    const prepared = pickConfiguration(all, options.config);
    const chosen = typeof c === 'string' ? findCase(prepared, c) : c;
    return { case: chosen, prepared: withOverrides({ ...prepared, cases: [chosen] }, options, judge) };
  }
  if (typeof c === 'string') throw new InputError(`runCase: "${c}" is a case id, which needs a suite to look it up in (options.suite)`);
  return { case: c, prepared: standalone(c, options, judge) };
}

function suiteConfigurations(file: string, context: SetupContext): Promise<PreparedSuite[]> {
  const path = resolve(file);
  let prepared = context.prepared.get(path);
  if (!prepared) {
    prepared = Promise.resolve().then(() => prepareAll([loadSuite(path)], context.knowledge, { judge: context.judge }));
    context.prepared.set(path, prepared);
    // A suite that failed to load is read again next time (it may have been fixed).
    prepared.catch(() => context.prepared.delete(path));
  }
  return prepared;
}

function pickConfiguration(all: readonly PreparedSuite[], config: string | undefined): PreparedSuite {
  if (config === undefined) return all[0]!;
  const found = all.find((p) => p.variant.config === config);
  if (!found) throw new InputError(`${all[0]!.suite.file}: no configuration "${config}"; it has ${all.map((p) => p.variant.config).join(', ')}`);
  return found;
}

function findCase(prepared: PreparedSuite, id: string): Case {
  const found = prepared.cases.find((c) => c.id === id);
  if (!found) throw new InputError(`${prepared.suite.datasetPath}: no case with id "${id}"`);
  return found;
}

/** A case given as an object, checked as a dataset line is: the first problem, by field. */
export function parseCase(raw: unknown): Case {
  const parsed = Case.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string' ? `case ${(raw as { id: string }).id}: ` : '';
  throw new InputError(`runCase: ${id}${issue.path.join('.') || '(case)'}: ${issue.message}`);
}

/** The suite's configuration with the scorers and judge the caller named instead of its own. */
function withOverrides(prepared: PreparedSuite, options: CaseSetupOptions, judge: { providerOptions: ProviderOptions; keys: boolean }): PreparedSuite {
  return {
    ...prepared,
    scorers: options.scorers ? createScorers(options.scorers) : prepared.scorers,
    judge: options.judge ? resolveJudge(options.judge, judge) : prepared.judge,
  };
}

/** Without a suite: the built-in tools, the named or default scorers, the named judge. */
function standalone(c: Case, options: CaseSetupOptions, judge: { providerOptions: ProviderOptions; keys: boolean }): PreparedSuite {
  const variant: SuiteVariant = {
    config: 'default',
    workspaceRoot: resolve(options.workspace ?? '.'),
    system: options.system,
    tools: options.tools ? [...options.tools] : undefined,
    scorers: [],
    budget: {},
  };
  const suite: Suite = {
    name: 'run-case',
    file: '(runCase)',
    dataset: { kind: 'jsonl', path: '(runCase)' },
    datasetPath: '(runCase)',
    variants: [variant],
  };
  const preparedJudge: PreparedJudge = resolveJudge(options.judge, judge);
  return { suite, variant, cases: [c], tools: pickTools(options.tools, c), scorers: createScorers(options.scorers ?? DEFAULT_CASE_SCORERS), judge: preparedJudge };
}

function pickTools(names: readonly string[] | undefined, c: Case): ToolRegistry {
  const registry = builtinRegistry();
  try {
    const tools = names ? registry.pick(names) : registry;
    if (c.tools) tools.pick(c.tools);
    return tools;
  } catch (error) {
    throw new InputError(`runCase: case ${c.id}: tools: ${(error as Error).message}`);
  }
}

/** Scorers from specs; an unknown name or bad options is an InputError naming them. */
export function createScorers(specs: readonly ScorerSpec[]): Scorer[] {
  return specs.map((spec) => {
    const { name, options } = scorerEntry(spec);
    try {
      return createScorer(name, options);
    } catch (error) {
      if (error instanceof UnknownScorerError || error instanceof ScorerOptionsError) throw new InputError(`scorers: ${error.message}`);
      throw error;
    }
  });
}

export function scorerEntry(spec: ScorerSpec): { name: string; options: Record<string, unknown> } {
  const parsed = ScorerSpec.safeParse(spec);
  if (!parsed.success) throw new InputError(`scorers: ${JSON.stringify(spec)}: ${parsed.error.issues[0]!.message}`);
  const entry = parsed.data;
  return typeof entry === 'string' ? { name: entry, options: {} } : { name: Object.keys(entry)[0]!, options: Object.values(entry)[0]! };
}
