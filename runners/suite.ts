// Suite files (suites/*.yaml): which dataset, which tools, which scorers, which targets, and a
// configuration matrix. Paths in a suite are relative to the suite file, except `data:<set>/<file>`:
// a file of a reference data set, wherever that set is (../shared/data or the home's data/, one
// resolver in datasets/reference/locate.ts). Errors name the file, the field and what is wrong.

import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { McpSetting, resolveMcpServers, type McpServerConfig } from '../agent/mcp/config.ts';
import { SearchConfig } from '../agent/rag/search.ts';
import { PROVIDERS } from '../agent/providers/registry.ts';
import { Gates } from './gate-spec.ts';
import { JudgeFloors } from '../judges/floors.ts';
import { InputError } from '../core/errors.ts';
import { DATA_PREFIX, referenceFilePath } from '../datasets/reference/locate.ts';
import { Limits } from '../agent/providers/scheduler/limits.ts';
import { expandMatrix, Matrix, setPath } from './matrix.ts';
import { taskFile, tauDataDir, type TauSplit } from '../agent/environments/tau/index.ts';
import { USER_STRATEGIES, type UserStrategy } from '../agent/environments/user/index.ts';
import { DEFAULT_MAX_STEPS, type ToolCallMode } from '../agent/environments/episode.ts';
import { externalTargetsOf, SuiteTargets } from './suite-targets.ts';
import type { ExternalTarget } from '../agent/external/config.ts';

const ScorerEntry = z.union([
  z.string().min(1),
  z.record(z.string(), z.record(z.string(), z.unknown())).refine((r) => Object.keys(r).length === 1, 'a scorer entry names one scorer'),
]);

/** A TREC-format collection file set, paths relative to the suite. */
const TrecTopics = z.object({ format: z.literal('trec'), topics: z.string().min(1), qrels: z.string().min(1) }).strict();
/** Berkeley Function Calling Leaderboard files, read as they are published (datasets/bfcl/cases.ts). */
const BfclSets = z
  .object({
    format: z.literal('bfcl'),
    sets: z
      .array(
        z
          .object({
            questions: z.string().min(1),
            /** Possible answers; not needed for irrelevance. */
            answers: z.string().min(1).optional(),
            /** Default: from the question file's name (BFCL_v4_<category>.json). */
            category: z.string().min(1).optional(),
          })
          .strict(),
      )
      .min(1),
    /** Function names offered and compared with "." as "_" (default true: OpenAI and Groq refuse dots). */
    underscore_to_dot: z.boolean().default(true),
  })
  .strict();
/** A stateful environment whose tasks are the cases (τ-bench's airline and retail): one episode each. */
const EnvironmentSetting = z
  .object({
    kind: z.literal('tau'),
    domain: z.enum(['airline', 'retail']),
    split: z.enum(['test', 'dev', 'train']).default('test'),
    /** The folder holding airline/ and retail/; default ../shared/data/tau_bench beside the repository. */
    data: z.string().min(1).optional(),
  })
  .strict();
/** Who plays the user of an episode: a model (`provider:model`) or `scripted`, and how. */
const UserSetting = z
  .object({
    target: z.string().trim().min(1).optional(),
    strategy: z.enum(USER_STRATEGIES).optional(),
  })
  .strict();
const TrecDocuments = z.object({ format: z.literal('trec'), documents: z.string().min(1) }).strict();

const Knowledge = z
  .object({
    /** A folder of markdown files, or a TREC document file ({ format: trec, documents: path }). */
    corpus: z.union([z.string().min(1), TrecDocuments]),
    /** Embedder id: hash (offline default), ollama:nomic-embed-text, openai:text-embedding-3-small, gemini:gemini-embedding-001. */
    embedder: z.string().min(1).default('hash'),
    /** Index file; default one per corpus, embedder and chunking under <home>/indexes/. */
    index: z.string().min(1).optional(),
    chunk: z
      .object({ max_tokens: z.number().int().positive().default(400), overlap_tokens: z.number().int().nonnegative().default(80) })
      .strict()
      .default({ max_tokens: 400, overlap_tokens: 80 }),
    search: SearchConfig.default(SearchConfig.parse({})),
  })
  .strict();

export const Suite = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lower-case letters, digits, - and _').optional(),
    description: z.string().optional(),
    /** A JSONL file of cases, or TREC topics judged by qrels ({ format: trec, topics, qrels }). */
    dataset: z.union([z.string().min(1), TrecTopics, BfclSets]).optional(),
    /** Instead of a dataset: an environment whose tasks are the cases, each run as an episode with a simulated user. */
    environment: EnvironmentSetting.optional(),
    /** The simulated user of an episode (default: the run's target plays it with τ-bench's prompt; scripted for a local policy). */
    user: UserSetting.optional(),
    /** Tool calls of one agent reply: all run (default), or only the first, run and kept (τ-bench's agent). */
    tool_calls: z.enum(['first', 'all']).optional(),
    /** Agent model calls an episode may take before it is cut short (default 30, as τ-bench). */
    max_steps: z.number().int().positive().optional(),
    workspace: z.string().min(1).optional(),
    system: z.string().optional(),
    tools: z.array(z.string().min(1)).optional(),
    knowledge: Knowledge.optional(),
    /** MCP servers whose tools the agent is offered: a list ({ name, command, args, env, cwd } | { name, url, headers }) or an mcpServers JSON file. */
    mcp: McpSetting.optional(),
    /** Target ids, or blocks defining external agents ({ id, http | module | exec }): runners/suite-targets.ts. */
    targets: SuiteTargets.optional(),
    /**
     * The model LLM-judge scorers call, a target id (openai:gpt-4o-mini, ollama:qwen2.5:7b,
     * scripted:FILE with FILE relative to the suite). Without one, judge scores are skipped.
     */
    judge: z.string().trim().min(1).optional(),
    /** Reliability the judge must show before its scores may fail a gate (judges/floors.ts); below it they are advisory. */
    judge_floors: JudgeFloors.optional(),
    scorers: z.array(ScorerEntry).min(1),
    temperature: z.number().min(0).max(2).optional(),
    budget: z
      .object({
        max_steps: z.number().int().positive().optional(),
        max_time_ms: z.number().int().positive().optional(),
        max_tokens: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    /**
     * Per-attempt timeout of each model call the agent makes, in milliseconds (default: the
     * provider's, 60 000); a call that times out is retried while the time budget lasts.
     */
    timeout_ms: z.number().int().positive().optional(),
    matrix: Matrix.optional(),
    /** Quality gates `lunar gate` checks: thresholds and a reference run (runners/gate-spec.ts). */
    gates: Gates.optional(),
    /**
     * The channel attempts go through end to end, instead of straight into the agent loop:
     * telegram = grammY against a simulated Bot API (agent/channels/telegram/replay.ts).
     */
    channel: z.enum(['telegram']).optional(),
    /** Per provider: concurrency, requests and tokens per minute (e.g. { openai: { rpm: 500 } }). */
    limits: Limits.refine((r) => Object.keys(r).every((k) => k in PROVIDERS), 'limits: keys must be provider names').optional(),
  })
  .strict()
  .refine((s) => (s.dataset === undefined) !== (s.environment === undefined), { path: ['dataset'], message: 'give exactly one of "dataset" or "environment"' })
  .refine((s) => s.environment !== undefined || (s.user === undefined && s.tool_calls === undefined && s.max_steps === undefined), {
    path: ['user'],
    message: 'user, tool_calls and max_steps are for episodes: give an environment',
  });

export type CorpusSource = { kind: 'folder'; path: string } | { kind: 'trec'; path: string };
export type DatasetSource =
  | { kind: 'jsonl'; path: string }
  | { kind: 'trec'; topics: string; qrels: string }
  | { kind: 'bfcl'; sets: { questions: string; answers?: string; category?: string }[]; underscoreToDot: boolean }
  | { kind: 'tau'; domain: 'airline' | 'retail'; split: TauSplit; dir: string };

/** Every file a dataset is read from, for provenance and for telling whether it is there. */
export function datasetFiles(dataset: DatasetSource): string[] {
  if (dataset.kind === 'jsonl') return [dataset.path];
  if (dataset.kind === 'trec') return [dataset.topics, dataset.qrels];
  if (dataset.kind === 'tau') {
    const domain = join(dataset.dir, dataset.domain);
    return [taskFile(dataset.domain, dataset.split, dataset.dir), join(domain, 'wiki.md'), join(domain, 'tools.json')];
  }
  return dataset.sets.flatMap((set) => [set.questions, ...(set.answers ? [set.answers] : [])]);
}

export interface KnowledgeSettings {
  corpus: CorpusSource;
  embedder: string;
  index?: string;
  chunk: { maxTokens: number; overlapTokens: number };
  search: z.infer<typeof SearchConfig>;
}

/** One configuration of a suite: the suite's settings with one matrix entry applied. */
export interface SuiteVariant {
  /** `default` without a matrix, else the matrix entry, e.g. `knowledge.search.mode=bm25`. */
  config: string;
  workspaceRoot: string;
  system?: string;
  tools?: string[];
  knowledge?: KnowledgeSettings;
  /** MCP servers whose tools join the registry (agent/mcp/); paths resolved against the suite. */
  mcp?: McpServerConfig[];
  /** The judge's target id; a scripted file's path resolved against the suite. */
  judge?: string;
  /** The suite's judge_floors: below them, the judge-based scores are advisory. */
  judgeFloors?: JudgeFloors;
  scorers: { name: string; options: Record<string, unknown> }[];
  temperature?: number;
  budget: { maxSteps?: number; maxTimeMs?: number; maxTokens?: number };
  /** The per-attempt timeout of each model call (timeout_ms, or --timeout); absent: the provider's. */
  timeoutMs?: number;
  /** The channel attempts go through; absent: the agent loop directly. */
  channel?: 'telegram' | 'episode';
  /** An environment's episodes: how tool calls are run, the step limit, who plays the user. */
  episode?: EpisodeSettings;
}

export interface EpisodeSettings {
  toolCalls: ToolCallMode;
  maxSteps: number;
  /** The suite's user; the target falls back to --user, then the attempt's own target (runners/attempt.ts). */
  user: { target?: string; strategy?: UserStrategy };
}

export interface Suite {
  name: string;
  file: string;
  description?: string;
  dataset: DatasetSource;
  /** The dataset's file (the topics file for TREC), for messages. */
  datasetPath: string;
  targets?: string[];
  /** The external agents the suite defines or names (`targets:` blocks, http:/module:/exec: ids), paths resolved against it. */
  externalTargets?: Map<string, ExternalTarget>;
  limits?: z.infer<typeof Limits>;
  /** The `gates:` section, its reference file resolved against the suite's folder. */
  gates?: { thresholds: string[]; reference?: { path: string; tolerance: number } };
  variants: SuiteVariant[];
}

export function loadSuite(file: string): Suite {
  const raw = readYaml(file);
  const base = parseShape(file, raw, '');
  const here = dirname(resolve(file));
  const entries = base.matrix ? expandMatrix(base.matrix) : [{ name: 'default', set: {} }];
  const variants = entries.map((entry, i) => {
    const applied = structuredClone(raw) as Record<string, unknown>;
    delete applied.matrix;
    for (const [path, value] of Object.entries(entry.set)) {
      try {
        setPath(applied, path, value);
      } catch (error) {
        throw new InputError(`${file}: matrix[${i}]: ${(error as Error).message}`);
      }
    }
    return toVariant(entry.name, parseShape(file, applied, `matrix[${i}] (${entry.name}): `), here, file);
  });
  const dataset = datasetSource(base, here, file);
  return {
    name: base.name ?? basename(file).replace(/\.ya?ml$/, ''),
    file,
    description: base.description,
    dataset,
    datasetPath: datasetFiles(dataset)[0]!,
    ...externalTargetsOf(base.targets, here, file),
    limits: base.limits,
    ...(base.gates ? { gates: { thresholds: base.gates.thresholds ?? [], ...(base.gates.reference ? { reference: { path: resolve(here, base.gates.reference.path), tolerance: base.gates.reference.tolerance } } : {}) } } : {}),
    variants,
  };
}

function datasetSource(suite: z.infer<typeof Suite>, here: string, file: string): DatasetSource {
  const { dataset, environment } = suite;
  if (environment) return { kind: 'tau', domain: environment.domain, split: environment.split, dir: tauDataDir(environment.data, here) };
  if (dataset === undefined) throw new Error('unreachable: the schema asks for a dataset or an environment');
  if (typeof dataset === 'string') return { kind: 'jsonl', path: suitePath(file, here, dataset) };
  if (dataset.format === 'trec') return { kind: 'trec', topics: suitePath(file, here, dataset.topics), qrels: suitePath(file, here, dataset.qrels) };
  return {
    kind: 'bfcl',
    sets: dataset.sets.map((set) => ({ ...set, questions: suitePath(file, here, set.questions), ...(set.answers ? { answers: suitePath(file, here, set.answers) } : {}) })),
    underscoreToDot: dataset.underscore_to_dot,
  };
}

/** A data file named in a suite: relative to the suite's folder, or `data:<set>/<file>` from the reference data. */
function suitePath(file: string, here: string, path: string): string {
  if (!path.startsWith(DATA_PREFIX)) return resolve(here, path);
  try {
    return referenceFilePath(path);
  } catch (error) {
    throw error instanceof InputError ? new InputError(`${file}: ${error.message}`) : error;
  }
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read suite (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return parseYaml(text);
  } catch (error) {
    const line = error instanceof YAMLParseError ? (error.linePos?.[0]?.line ?? '?') : '?';
    throw new InputError(`${file}:${line}: (yaml): ${(error as Error).message.split('\n')[0]}`);
  }
}

function parseShape(file: string, raw: unknown, context: string): z.infer<typeof Suite> {
  const parsed = Suite.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new InputError(`${file}: ${context}${issue.path.join('.') || '(suite)'}: ${issue.message}`);
}

function toVariant(config: string, s: z.infer<typeof Suite>, here: string, file: string): SuiteVariant {
  return {
    config,
    workspaceRoot: resolve(here, s.workspace ?? '.'),
    system: s.system,
    tools: s.tools,
    knowledge: s.knowledge && {
      corpus:
        typeof s.knowledge.corpus === 'string'
          ? { kind: 'folder', path: resolve(here, s.knowledge.corpus) }
          : { kind: 'trec', path: suitePath(file, here, s.knowledge.corpus.documents) },
      embedder: s.knowledge.embedder,
      index: s.knowledge.index && resolve(here, s.knowledge.index),
      chunk: { maxTokens: s.knowledge.chunk.max_tokens, overlapTokens: s.knowledge.chunk.overlap_tokens },
      search: s.knowledge.search,
    },
    mcp: s.mcp === undefined ? undefined : resolveMcpServers(s.mcp, here, file),
    judge: s.judge && judgeId(s.judge, here),
    judgeFloors: s.judge_floors,
    scorers: s.scorers.map((entry) =>
      typeof entry === 'string' ? { name: entry, options: {} } : { name: Object.keys(entry)[0]!, options: Object.values(entry)[0]! },
    ),
    temperature: s.temperature,
    budget: { maxSteps: s.budget?.max_steps, maxTimeMs: s.budget?.max_time_ms, maxTokens: s.budget?.max_tokens },
    ...(s.timeout_ms !== undefined ? { timeoutMs: s.timeout_ms } : {}),
    ...(s.channel ? { channel: s.channel } : {}),
    ...(s.environment
      ? {
          channel: 'episode' as const,
          episode: {
            toolCalls: s.tool_calls ?? 'all',
            maxSteps: s.max_steps ?? DEFAULT_MAX_STEPS,
            user: { ...(s.user?.target ? { target: userTargetId(s.user.target, here) } : {}), ...(s.user?.strategy ? { strategy: s.user.strategy } : {}) },
          },
        }
      : {}),
  };
}

/** The suite with every configuration's per-call timeout set to `ms` (`lunar bench --timeout`). */
export function withCallTimeout(suite: Suite, ms: number): Suite {
  return { ...suite, variants: suite.variants.map((variant) => ({ ...variant, timeoutMs: ms })) };
}

const userTargetId = (id: string, here: string) => judgeId(id, here);

/** `scripted:FILE` names a file relative to the suite, as every path in a suite does. */
function judgeId(id: string, here: string): string {
  return id.startsWith('scripted:') && id.length > 'scripted:'.length ? `scripted:${resolve(here, id.slice('scripted:'.length))}` : id;
}

/** Every suite file in a folder, in name order. */
export function suiteFiles(folder: string): string[] {
  try {
    return readdirSync(folder)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => join(folder, f));
  } catch {
    throw new InputError(`${folder}: no suites folder here; name a suite file, e.g. lunar bench suites/tools.yaml`);
  }
}
