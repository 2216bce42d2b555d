// `lunar merge`: join the result files of shard runs (`lunar bench --shard i/n` on several
// machines) into one run. The shards must come from the same plan (same suites, datasets and
// corpora by content hash, same targets and options apart from the shard), cover every shard
// once, and hold no attempt twice; the merged run records which runs it was made from.

import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { traceReader, writeRunFiles, type Reporter } from './reporter.ts';
import { InputError } from '../core/errors.ts';
import { attemptKey } from './plan.ts';
import { Lock, lockDifferences } from './provenance.ts';
import { ResultsStore, type AttemptRow, type RunStatus, type StoredAttempt } from './store.ts';
import { aggregate, type Aggregate } from './aggregate.ts';

interface ShardRun {
  file: string;
  runId: string;
  status: string;
  config: { invocation?: Record<string, unknown> & { shard?: { index: number; count: number } }; lock?: unknown };
  rows: AttemptRow[];
}

export interface MergeResult {
  runId: string;
  outDir: string;
  status: RunStatus;
  attempts: StoredAttempt[];
  aggregates: Aggregate[];
  shards: number;
}

/** `inputs` are results.db files, or folders holding one (a shard job's `--home`). */
export function mergeRuns(inputs: readonly string[], home: string, reporters: readonly Reporter[], outDir?: string): MergeResult {
  if (inputs.length === 0) throw new InputError('merge: name the result files of the shards (results.db, or the --home folders of the shard runs)');
  const shards = inputs.map(readShard);
  checkSamePlan(shards);
  const rows = collectRows(shards);

  const first = shards[0]!;
  const runId = `${first.runId}-merged`;
  const store = new ResultsStore(join(home, 'results.db'));
  try {
    if (store.run(runId)) throw new InputError(`merge: run ${runId} already exists in ${join(home, 'results.db')}`);
    const { shard: _shard, ...invocation } = first.config.invocation ?? {};
    store.startRun(runId, {
      invocation,
      lock: first.config.lock,
      mergedFrom: shards.map((s) => ({ file: s.file, run: s.runId, shard: s.config.invocation?.shard ?? null, status: s.status })),
    });
    for (const row of rows) store.add({ ...row, runId });
    const status: RunStatus = shards.every((s) => s.status === 'completed') ? 'completed' : shards.some((s) => s.status === 'failed') ? 'failed' : 'partial';
    store.finishRun(runId, status);
    const attempts = store.attempts(runId);
    const aggregates = aggregate(attempts);
    const dir = outDir ?? join(home, 'runs', runId);
    const run = store.run(runId)!;
    writeRunFiles(dir, { run, aggregates, attempts, trace: traceReader(store, runId) }, reporters);
    return { runId, outDir: dir, status, attempts, aggregates, shards: shards.length };
  } finally {
    store.close();
  }
}

function readShard(input: string): ShardRun {
  const path = resolve(input);
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'results.db') : path;
  if (!existsSync(file)) throw new InputError(`merge: ${file}: no results file here`);
  let store: ResultsStore;
  try {
    store = new ResultsStore(file);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(`merge: ${file}: not a results store (give each shard run's results.db, or its --home folder)`);
  }
  try {
    const runs = store.runs();
    if (runs.length !== 1) throw new InputError(`merge: ${file}: holds ${runs.length} runs; give each shard job its own --home so its file holds its one run`);
    const run = runs[0]!;
    return { file, runId: run.id, status: run.status, config: run.config as ShardRun['config'], rows: store.rows(run.id) };
  } finally {
    store.close();
  }
}

function checkSamePlan(shards: ShardRun[]): void {
  const [first, ...rest] = shards;
  const firstLock = Lock.safeParse(first!.config.lock);
  if (!firstLock.success) throw new InputError(`merge: ${first!.file}: the run has no lock (made by an older Lunar)`);
  const count = first!.config.invocation?.shard?.count;
  const plan = (s: ShardRun) => JSON.stringify({ ...s.config.invocation, shard: undefined, budget: undefined });
  for (const shard of rest) {
    const lock = Lock.safeParse(shard.config.lock);
    if (!lock.success) throw new InputError(`merge: ${shard.file}: the run has no lock (made by an older Lunar)`);
    const changes = lockDifferences(firstLock.data, lock.data);
    if (changes.length) throw new InputError(`merge: ${shard.file} ran a different plan than ${first!.file}: ${changes.join('; ')}`);
    if (plan(shard) !== plan(first!)) throw new InputError(`merge: ${shard.file} was started with other options than ${first!.file} (targets, filter, limit or repeat)`);
    if (shard.config.invocation?.shard?.count !== count) throw new InputError(`merge: ${shard.file} is one of ${shard.config.invocation?.shard?.count ?? 1} shards, ${first!.file} one of ${count ?? 1}`);
  }
  if (count !== undefined) {
    const seen = shards.map((s) => s.config.invocation!.shard!.index).sort((a, b) => a - b);
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.includes(i));
    const twice = seen.filter((i, at) => seen.indexOf(i) !== at);
    if (twice.length) throw new InputError(`merge: shard ${twice.join(', ')} of ${count} given twice`);
    if (missing.length) throw new InputError(`merge: shard ${missing.join(', ')} of ${count} missing; the merged run would not cover the plan`);
  }
}

function collectRows(shards: ShardRun[]): AttemptRow[] {
  const owner = new Map<string, string>();
  const rows: AttemptRow[] = [];
  for (const shard of shards) {
    for (const row of shard.rows) {
      const key = attemptKey(row);
      const other = owner.get(key);
      if (other) throw new InputError(`merge: attempt ${row.suite}/${row.config}/${row.caseId}/${row.target}#${row.repeat} is in both ${other} and ${shard.file}`);
      owner.set(key, shard.file);
      rows.push(row);
    }
  }
  return rows;
}
