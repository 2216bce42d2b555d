// The lock of a run: what produced its numbers — content hashes of every dataset, suite file and
// knowledge corpus, the targets and their parameters, Lunar's version, the git commit, the seed
// and the run options — stored with the run and shown in every report, so any number can be
// traced and reproduced. A resume checks it: a suite or dataset that changed since is refused.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { withoutCredentials } from '../agent/providers/errors.ts';
import { lunarVersion, PACKAGE_ROOT } from '../core/package.ts';
import type { PreparedSuite } from './plan.ts';
import { datasetFiles, type Suite } from './suite.ts';
import { bfclCategoryOf } from '../datasets/bfcl/cases.ts';
import type { Case } from '../datasets/case.ts';
import { parseTargetId } from '../agent/providers/registry.ts';
import { judgePromptHashes } from '../judges/prompts/index.ts';
import { needsJudge } from '../judges/registry.ts';

export const Lock = z.object({
  lunar: z.string(),
  node: z.string(),
  git: z.object({ commit: z.string(), dirty: z.boolean() }).nullable(),
  seed: z.number(),
  suites: z.array(z.object({ name: z.string(), file: z.string(), sha256: z.string() })),
  datasets: z.array(z.object({ path: z.string(), sha256: z.string(), cases: z.number() })),
  corpora: z.array(z.object({ path: z.string(), sha256: z.string(), files: z.number() })),
  /** Judge prompt hashes; none until judges exist. */
  judgePrompts: z.array(z.object({ name: z.string(), sha256: z.string() })),
  targets: z.array(z.object({ id: z.string(), provider: z.string(), model: z.string(), address: z.string().optional() })),
  /** Who played the simulated user of episodes: its model (or scripted), strategy and prompt's hash. */
  users: z.array(z.object({ target: z.string(), strategy: z.string(), promptSha256: z.string() })).optional(),
  options: z.record(z.string(), z.unknown()),
});
export type Lock = z.infer<typeof Lock>;

export function buildLock(input: {
  prepared: readonly PreparedSuite[];
  targets: readonly { id: string; provider: string; model: string }[];
  seed: number;
  options: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  users?: Lock['users'];
}): Lock {
  const suites = unique(input.prepared.map((p) => p.suite), (s) => s.file);
  const corpora = unique(input.prepared.flatMap((p) => (p.variant.knowledge ? [p.variant.knowledge.corpus] : [])), (c) => c.path);
  const env = input.env ?? process.env;
  const judged = input.prepared.filter((p) => needsJudge(p.scorers));
  const judges = judged.flatMap((p) => (p.judge.id && p.judge.available ? [{ id: p.judge.id, ...parseTargetId(p.judge.id) }] : []));
  // A model playing the user decides the numbers as much as the target does: it is a target of the lock too.
  const userModels = (input.users ?? []).flatMap((u) => (u.strategy === 'llm' || u.strategy === 'react' ? [{ id: u.target, ...parseTargetId(u.target) }] : []));
  return {
    lunar: lunarVersion(),
    node: process.version,
    git: gitState(),
    seed: input.seed,
    suites: suites.map((s) => ({ name: s.name, file: s.file, sha256: hashFile(s.file) })),
    datasets: datasetCases(suites.map((s) => ({ dataset: s.dataset, cases: input.prepared.find((p) => p.suite.name === s.name)?.cases ?? [] }))).map((d) => ({ path: d.path, sha256: hashFile(d.path), cases: d.cases })),
    corpora: corpora.map((c) => ({ path: c.path, ...hashCorpus(c.path) })),
    // Judge prompts and judge models only where a judge scores: they decide those numbers.
    judgePrompts: judged.length ? judgePromptHashes() : [],
    targets: unique([...input.targets, ...judges, ...userModels], (t) => t.id).map((t) => ({ ...t, ...addressOf(t.provider, env) })),
    ...(input.users?.length ? { users: input.users } : {}),
    options: input.options,
  };
}

/** What changed between a recorded lock and now, one line each; empty when nothing did. */
export function lockDifferences(recorded: Lock, current: Lock): string[] {
  const changes: string[] = [];
  const compare = (kind: string, a: { path?: string; file?: string; sha256: string }[], b: { path?: string; file?: string; sha256: string }[]) => {
    const now = new Map(b.map((x) => [x.path ?? x.file, x.sha256]));
    for (const x of a) {
      const key = x.path ?? x.file;
      if (now.get(key) !== x.sha256) changes.push(`${kind} ${key} changed since the run started`);
    }
  };
  // Suites by name: a run started with a relative path resumes from the absolute one it recorded.
  const byName = (suites: Lock['suites']) => suites.map((x) => ({ path: x.name, sha256: x.sha256 }));
  compare('suite', byName(recorded.suites), byName(current.suites));
  compare('dataset', recorded.datasets, current.datasets);
  compare('corpus', recorded.corpora, current.corpora);
  return changes;
}

/** A one-line summary for terminals: the details are in results.json. */
export function describeLock(lock: Lock): string {
  const git = lock.git ? `git ${lock.git.commit.slice(0, 10)}${lock.git.dirty ? ' (uncommitted changes)' : ''}` : 'no git';
  return `lock: lunar ${lock.lunar}, node ${lock.node}, ${git}, seed ${lock.seed}, ${lock.suites.length} suite(s), ${lock.datasets.length} dataset file(s), ${lock.corpora.length} corpus folder(s), targets ${lock.targets.map((t) => t.id).join(', ')}`;
}

function gitState(): Lock['git'] {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    return { commit, dirty: status.trim() !== '' };
  } catch {
    return null;
  }
}

/** Where a provider is reached, when it is not its public default (never a key). */
function addressOf(provider: string, env: NodeJS.ProcessEnv): { address?: string } {
  const variable = { ollama: 'OLLAMA_HOST', openai: 'OPENAI_BASE_URL', gemini: 'GEMINI_BASE_URL', groq: 'GROQ_BASE_URL' }[provider];
  const value = variable ? env[variable] : undefined;
  return value ? { address: withoutCredentials(value) } : {};
}

export function hashFile(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** A folder's hash: every file's relative path and content hash, in name order. */
function hashCorpus(path: string): { sha256: string; files: number } {
  const hash = createHash('sha256');
  if (!existsSync(path)) return { sha256: '', files: 0 };
  if (statSync(path).isFile()) return { sha256: hashFile(path), files: 1 };
  const files = walk(path);
  for (const file of files) hash.update(`${relative(path, file)}\u0000${hashFile(file)}\n`);
  return { sha256: hash.digest('hex'), files: files.length };
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => (e.name.startsWith('.') ? [] : e.isDirectory() ? walk(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

/**
 * One row per dataset file, with the cases the run took from that file: a BFCL question file and
 * its possible answers count their own category's cases, not the whole suite's; τ-bench's wiki
 * and tools files hold no case (0); a file two suites read is one row (the larger count).
 */
export function datasetCases(suites: readonly { dataset: Suite['dataset']; cases: readonly Pick<Case, 'bfcl'>[] }[]): { path: string; cases: number }[] {
  const rows = new Map<string, number>();
  const add = (path: string, cases: number) => rows.set(path, Math.max(cases, rows.get(path) ?? 0));
  for (const { dataset, cases } of suites) {
    if (dataset.kind === 'bfcl') {
      for (const set of dataset.sets) {
        const category = set.category ?? bfclCategoryOf(set.questions);
        const own = cases.filter((c) => c.bfcl?.category === category).length;
        for (const path of [set.questions, ...(set.answers ? [set.answers] : [])]) add(path, own);
      }
    } else if (dataset.kind === 'tau') {
      const [tasks, ...rest] = datasetFiles(dataset);
      add(tasks!, cases.length);
      for (const path of rest) add(path, 0);
    } else {
      for (const path of datasetFiles(dataset)) add(path, cases.length);
    }
  }
  return [...rows].map(([path, cases]) => ({ path, cases }));
}

function unique<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}
