// The results store: one SQLite file (.lunar/results.db), WAL mode, attempts written as they
// finish in batched transactions. The schema is versioned through PRAGMA user_version; each
// migration moves it one version forward, so an older file opens in a newer Lunar.

import Database from 'better-sqlite3';
import { hostname } from 'node:os';
import type { Trace } from '../agent/trace.ts';
import { compareBytes } from '../core/compare-bytes.ts';
import { scrubDeep, scrubJson } from '../core/secrets.ts';
import { checkIsOurs, damaged, identify, openSqliteFile } from '../core/sqlite-file.ts';
import type { Score } from '../metrics/score.ts';

const MIGRATIONS: string[] = [
  `CREATE TABLE runs (
     id TEXT PRIMARY KEY,
     started_at TEXT NOT NULL,
     finished_at TEXT,
     status TEXT NOT NULL,            -- running | completed | partial | failed | interrupted
     config TEXT NOT NULL             -- JSON: suites, targets, options
   );
   CREATE TABLE attempts (
     id INTEGER PRIMARY KEY,
     run_id TEXT NOT NULL REFERENCES runs(id),
     suite TEXT NOT NULL,
     config TEXT NOT NULL,            -- the suite's matrix entry, 'default' without a matrix
     case_id TEXT NOT NULL,
     category TEXT NOT NULL,
     target TEXT NOT NULL,
     repeat INTEGER NOT NULL,
     status TEXT NOT NULL,            -- ok | error
     error TEXT,
     stop_reason TEXT NOT NULL,
     final_answer TEXT,
     latency_ms REAL NOT NULL,
     input_tokens INTEGER NOT NULL,
     output_tokens INTEGER NOT NULL,
     cost_usd REAL NOT NULL,
     unpriced_calls INTEGER NOT NULL, -- model calls the price table did not know (counted as $0)
     estimated_usage INTEGER NOT NULL, -- model calls whose token counts were estimated
     trace TEXT NOT NULL,             -- JSON Trace
     finished_at TEXT NOT NULL,
     UNIQUE (run_id, suite, config, case_id, target, repeat)
   );
   CREATE TABLE scores (
     attempt_id INTEGER NOT NULL REFERENCES attempts(id),
     scorer TEXT NOT NULL,
     value REAL,
     pass INTEGER,
     status TEXT NOT NULL,
     reason TEXT NOT NULL,
     details TEXT,
     PRIMARY KEY (attempt_id, scorer)
   );
   CREATE INDEX attempts_by_run ON attempts(run_id, suite, config, target);`,
  // Which process is running a run: two `--resume` of one run would both write its attempts.
  `CREATE TABLE run_claims (
     run_id TEXT PRIMARY KEY,
     pid INTEGER NOT NULL,
     host TEXT NOT NULL,
     claimed_at TEXT NOT NULL
   );`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export type RunStatus = 'completed' | 'partial' | 'failed' | 'interrupted';

export interface AttemptRow {
  runId: string;
  suite: string;
  config: string;
  caseId: string;
  category: string;
  target: string;
  repeat: number;
  status: 'ok' | 'error';
  error?: string;
  trace: Trace;
  scores: Score[];
}

/** The process running a run, as its claim records it. */
export interface RunClaim {
  pid: number;
  host: string;
  claimedAt: string;
}

export interface StoredAttempt extends Omit<AttemptRow, 'trace'> {
  stopReason: string;
  finalAnswer: string | null;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  unpricedCalls: number;
  estimatedUsage: number;
}

export class ResultsStore {
  private readonly db: Database.Database;
  private readonly pending: AttemptRow[] = [];
  /** What this store has written, without traces: a run's report needs no read-back. */
  private readonly written: StoredAttempt[] = [];
  private statements?: { attempt: Database.Statement; score: Database.Statement };
  /** Prepared once: a report reads hundreds of traces. */
  private traceLookup?: Database.Statement;
  /** Runs this process claimed, released when each finishes or the store closes. */
  private readonly claimed = new Set<string>();

  constructor(private readonly path: string) {
    this.db = openSqliteFile(path, 'results store', () => new Database(path), (db) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db, path);
    });
  }

  startRun(id: string, config: unknown, startedAt = new Date()): void {
    this.db
      .prepare('INSERT INTO runs (id, started_at, status, config) VALUES (?, ?, ?, ?)')
      .run(id, startedAt.toISOString(), 'running', JSON.stringify(scrubDeep(config)));
  }

  /**
   * Claims the run for this process, unless a live process holds it: then that process's claim is
   * returned and nothing changes. A claim whose process is gone (killed with -9, the machine
   * restarted) is taken over. A claim from another host is taken as live: its process cannot be
   * checked from here.
   */
  claimRun(id: string): RunClaim | undefined {
    const host = hostname();
    return this.db
      .transaction((): RunClaim | undefined => {
        const row = this.db.prepare('SELECT pid, host, claimed_at FROM run_claims WHERE run_id = ?').get(id) as { pid: number; host: string; claimed_at: string } | undefined;
        if (row && !(row.host === host && (row.pid === process.pid || !processAlive(row.pid)))) return { pid: row.pid, host: row.host, claimedAt: row.claimed_at };
        this.db.prepare('INSERT OR REPLACE INTO run_claims (run_id, pid, host, claimed_at) VALUES (?, ?, ?, ?)').run(id, process.pid, host, new Date().toISOString());
        this.claimed.add(id);
        return undefined;
      })
      .immediate();
  }

  private releaseRun(id: string): void {
    if (!this.claimed.delete(id)) return;
    this.db.prepare('DELETE FROM run_claims WHERE run_id = ? AND pid = ? AND host = ?').run(id, process.pid, hostname());
  }

  /** A resumed run is running again; its earlier attempts stay. */
  reopenRun(id: string): void {
    this.db.prepare("UPDATE runs SET status = 'running', finished_at = NULL WHERE id = ?").run(id);
  }

  /** Replaces a run's recorded configuration (a merge records its shards). */
  setRunConfig(id: string, config: unknown): void {
    this.db.prepare('UPDATE runs SET config = ? WHERE id = ?').run(JSON.stringify(scrubDeep(config)), id);
  }

  /** Writes what is queued, then the run's status; a run whose attempts could not be written is 'failed'. */
  finishRun(id: string, status: RunStatus, finishedAt = new Date()): void {
    const setStatus = (s: typeof status) =>
      this.db.prepare('UPDATE runs SET status = ?, finished_at = ? WHERE id = ?').run(s, finishedAt.toISOString(), id);
    try {
      this.flush();
    } catch (error) {
      setStatus('failed');
      this.releaseRun(id);
      throw error;
    }
    setStatus(status);
    this.releaseRun(id);
  }

  /**
   * Queues an attempt; written with the next flush: every `batchSize` attempts, whenever the
   * caller flushes (the bench does on a timer and on Ctrl-C), and when the run finishes.
   */
  add(row: AttemptRow, batchSize = 64): void {
    this.pending.push(row);
    if (this.pending.length >= batchSize) this.flush();
  }

  /** Attempts queued and not yet written. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * Writes the queued attempts in one transaction. If that fails, each is retried in its own, so
   * one bad row costs only itself; the first error is then rethrown (nothing is queued again).
   */
  flush(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending.splice(0);
    const finishedAt = new Date().toISOString();
    try {
      const summaries = this.db.transaction(() => rows.map((row) => this.insert(row, finishedAt)))();
      this.written.push(...summaries);
    } catch (batchError) {
      if (rows.length === 1) throw batchError;
      let first: unknown;
      for (const row of rows) {
        try {
          this.written.push(this.db.transaction(() => this.insert(row, finishedAt))());
        } catch (error) {
          first ??= error;
        }
      }
      if (first !== undefined) throw first;
    }
  }

  /** The attempts this store has written so far (any run), without traces, in the order written. */
  writtenAttempts(): readonly StoredAttempt[] {
    return this.written;
  }

  private insert(row: AttemptRow, finishedAt: string): StoredAttempt {
    this.statements ??= {
      attempt: this.db.prepare(
        `INSERT INTO attempts (run_id, suite, config, case_id, category, target, repeat, status, error, stop_reason, final_answer,
           latency_ms, input_tokens, output_tokens, cost_usd, unpriced_calls, estimated_usage, trace, finished_at)
         VALUES (@runId, @suite, @config, @caseId, @category, @target, @repeat, @status, @error, @stopReason, @finalAnswer,
           @latencyMs, @inputTokens, @outputTokens, @costUsd, @unpricedCalls, @estimatedUsage, @trace, @finishedAt)`,
      ),
      score: this.db.prepare('INSERT INTO scores (attempt_id, scorer, value, pass, status, reason, details) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    };
    // A model that echoes a key must not put it into the file, nor into the reports made from it
    // (they read this summary and the stored trace).
    const summary = scrubDeep(summariseAttempt(row));
    const { scores, ...columns } = summary;
    const { lastInsertRowid } = this.statements.attempt.run({ ...columns, error: summary.error ?? null, trace: scrubJson(JSON.stringify(row.trace)), finishedAt });
    for (const s of scores) {
      this.statements.score.run(lastInsertRowid, s.scorer, s.value, s.pass === null ? null : Number(s.pass), s.status, s.reason, s.details ? JSON.stringify(s.details) : null);
    }
    return summary;
  }

  /**
   * Writes new details over stored scores of a run, in one transaction (after the run, a judge
   * below its suite's judge_floors has its scores marked advisory); what this store wrote and
   * holds in memory is updated the same way.
   */
  updateScoreDetails(
    runId: string,
    updates: readonly { suite: string; config: string; caseId: string; target: string; repeat: number; scorer: string; details: Record<string, unknown> }[],
  ): void {
    if (updates.length === 0) return;
    this.flush();
    const update = this.db.prepare(
      `UPDATE scores SET details = ? WHERE scorer = ? AND attempt_id =
         (SELECT id FROM attempts WHERE run_id = ? AND suite = ? AND config = ? AND case_id = ? AND target = ? AND repeat = ?)`,
    );
    this.db.transaction(() => {
      for (const u of updates) update.run(JSON.stringify(scrubDeep(u.details)), u.scorer, runId, u.suite, u.config, u.caseId, u.target, u.repeat);
    })();
    const key = (a: { suite: string; config: string; caseId: string; target: string; repeat: number }, scorer: string) =>
      `${a.suite}\u0000${a.config}\u0000${a.caseId}\u0000${a.target}\u0000${a.repeat}\u0000${scorer}`;
    const details = new Map(updates.map((u) => [key(u, u.scorer), u.details]));
    for (const a of this.written) {
      if (a.runId !== runId) continue;
      a.scores = a.scores.map((s) => {
        const d = details.get(key(a, s.scorer));
        return d ? { ...s, details: d } : s;
      });
    }
  }

  attempts(runId: string): StoredAttempt[] {
    return this.read(runId, false).map(({ attempt }) => attempt);
  }

  /** Every stored attempt of a run with its Trace, for merging runs from several files. */
  rows(runId: string): AttemptRow[] {
    return this.read(runId, true).map(({ attempt, trace }) => ({
      runId,
      suite: attempt.suite,
      config: attempt.config,
      caseId: attempt.caseId,
      category: attempt.category,
      target: attempt.target,
      repeat: attempt.repeat,
      status: attempt.status,
      error: attempt.error,
      trace: JSON.parse(trace!) as Trace,
      scores: attempt.scores,
    }));
  }

  /** Runs a read; a file damaged past its first pages is found only here, and is bad input like one damaged at the start. */
  private reading<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      throw damaged(this.path, 'results store', error);
    }
  }

  private read(runId: string, withTraces: boolean): { attempt: StoredAttempt; trace?: string }[] {
    return this.reading(() => this.readRows(runId, withTraces));
  }

  private readRows(runId: string, withTraces: boolean): { attempt: StoredAttempt; trace?: string }[] {
    const rows = this.db
      .prepare(
        `SELECT id, suite, config, case_id, category, target, repeat, status, error, stop_reason, final_answer,
                latency_ms, input_tokens, output_tokens, cost_usd, unpriced_calls, estimated_usage${withTraces ? ', trace' : ''}
           FROM attempts WHERE run_id = ? ORDER BY suite, config, target, case_id, repeat`,
      )
      .all(runId) as Record<string, any>[];
    const scores = this.db
      .prepare('SELECT s.* FROM scores s JOIN attempts a ON a.id = s.attempt_id WHERE a.run_id = ? ORDER BY s.scorer')
      .all(runId) as Record<string, any>[];
    const byAttempt = new Map<number, Score[]>();
    for (const s of scores) {
      const list = byAttempt.get(s.attempt_id) ?? [];
      list.push({
        scorer: s.scorer,
        value: s.value,
        pass: s.pass === null ? null : s.pass === 1,
        status: s.status,
        reason: s.reason,
        details: s.details ? JSON.parse(s.details) : undefined,
      });
      byAttempt.set(s.attempt_id, list);
    }
    return rows.map((r) => ({
      trace: r.trace,
      attempt: {
        runId,
        suite: r.suite,
        config: r.config,
        caseId: r.case_id,
        category: r.category,
        target: r.target,
        repeat: r.repeat,
        status: r.status,
        error: r.error ?? undefined,
        stopReason: r.stop_reason,
        finalAnswer: r.final_answer,
        latencyMs: r.latency_ms,
        inputTokens: r.input_tokens,
        outputTokens: r.output_tokens,
        costUsd: r.cost_usd,
        unpricedCalls: r.unpriced_calls,
        estimatedUsage: r.estimated_usage,
        scores: byAttempt.get(r.id) ?? [],
      },
    }));
  }

  /** Runs in this file, newest first. */
  runs(): { id: string; startedAt: string; finishedAt: string | null; status: string; config: unknown }[] {
    return (this.reading(() => this.db.prepare('SELECT * FROM runs ORDER BY started_at DESC, id DESC').all()) as Record<string, any>[]).map((row) => ({
      id: row.id,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      status: row.status,
      config: JSON.parse(row.config),
    }));
  }

  trace(key: { runId: string; suite: string; config?: string; caseId: string; target: string; repeat?: number }): Trace | undefined {
    this.traceLookup ??= this.db.prepare('SELECT trace FROM attempts WHERE run_id = ? AND suite = ? AND config = ? AND case_id = ? AND target = ? AND repeat = ?');
    const lookup = this.traceLookup;
    const row = this.reading(() => lookup.get(key.runId, key.suite, key.config ?? 'default', key.caseId, key.target, key.repeat ?? 0)) as { trace: string } | undefined;
    return row ? (JSON.parse(row.trace) as Trace) : undefined;
  }

  run(id: string): { id: string; startedAt: string; finishedAt: string | null; status: string; config: unknown } | undefined {
    const row = this.reading(() => this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id)) as Record<string, any> | undefined;
    return row && { id: row.id, startedAt: row.started_at, finishedAt: row.finished_at, status: row.status, config: JSON.parse(row.config) };
  }

  /** Writes what is queued and closes the file; the file is closed even when the write fails. */
  close(): void {
    if (!this.db.open) return;
    try {
      this.flush();
    } finally {
      try {
        for (const id of [...this.claimed]) this.releaseRun(id);
      } finally {
        this.db.close();
      }
    }
  }

  get open(): boolean {
    return this.db.open;
  }
}

/** An attempt as the store reads it back: the trace's figures without the trace. */
export function summariseAttempt(row: AttemptRow): StoredAttempt {
  const { trace } = row;
  let unpricedCalls = 0;
  let estimatedUsage = 0;
  for (const call of trace.modelCalls) {
    if (call.priced === false) unpricedCalls++;
    if (call.usage.estimated) estimatedUsage++;
  }
  return {
    runId: row.runId,
    suite: row.suite,
    config: row.config,
    caseId: row.caseId,
    category: row.category,
    target: row.target,
    repeat: row.repeat,
    status: row.status,
    error: row.error,
    stopReason: trace.stopReason,
    finalAnswer: trace.finalAnswer,
    latencyMs: trace.latencyMs,
    inputTokens: trace.usage.inputTokens,
    outputTokens: trace.usage.outputTokens,
    costUsd: trace.costUsd,
    unpricedCalls,
    estimatedUsage,
    // As read back: the stored columns only, by scorer name.
    scores: row.scores
      .map(({ scorer, value, pass, status, reason, details }) => ({ scorer, value, pass, status, reason, details }))
      .sort((a, b) => compareBytes(a.scorer, b.scorer)),
  };
}

/** The order `attempts(runId)` reads in (SQLite's byte order): suite, config, target, case, repeat. */
export function compareAttempts(a: StoredAttempt, b: StoredAttempt): number {
  return (
    compareBytes(a.suite, b.suite) ||
    compareBytes(a.config, b.config) ||
    compareBytes(a.target, b.target) ||
    compareBytes(a.caseId, b.caseId) ||
    a.repeat - b.repeat
  );
}

/** Whether a process with this id runs on this machine (one we may not signal runs too). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function migrate(db: Database.Database, path: string): void {
  const identity = identify(db);
  checkIsOurs(path, 'results store', identity, SCHEMA_VERSION, 'runs');
  const { version } = identity;
  for (let v = version; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
