import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Trace } from '../agent/trace.ts';
import { compareAttempts, ResultsStore, SCHEMA_VERSION } from './store.ts';

const trace: Trace = {
  target: 'baseline',
  messages: [{ role: 'user', content: 'hi' }],
  modelCalls: [],
  toolCalls: [],
  retrieved: [],
  citations: [],
  finalAnswer: 'hello',
  stopReason: 'final',
  usage: { inputTokens: 3, outputTokens: 4 },
  latencyMs: 12.5,
  costUsd: 0.001,
};

describe('ResultsStore', () => {
  it('stores attempts with scores and traces and reads them back', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lunar-store-')), 'results.db');
    const store = new ResultsStore(path);
    store.startRun('r1', { targets: ['baseline'] });
    store.add({ runId: 'r1', suite: 's', config: 'default', caseId: 'c1', category: 'k', target: 'baseline', repeat: 0, status: 'ok', trace, scores: [{ scorer: 'answer_contains', value: 1, pass: true, status: 'scored', reason: 'ok' }] });
    store.add({ runId: 'r1', suite: 's', config: 'default', caseId: 'c2', category: 'k', target: 'baseline', repeat: 0, status: 'error', error: 'boom', trace: { ...trace, stopReason: 'error', finalAnswer: null }, scores: [] });
    store.finishRun('r1', 'completed');
    store.close();

    const reopened = new ResultsStore(path);
    const attempts = reopened.attempts('r1');
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatchObject({ caseId: 'c1', status: 'ok', finalAnswer: 'hello', inputTokens: 3, outputTokens: 4, costUsd: 0.001, scores: [{ scorer: 'answer_contains', pass: true }] });
    expect(attempts[1]).toMatchObject({ caseId: 'c2', status: 'error', error: 'boom', scores: [] });
    expect(reopened.trace({ runId: 'r1', suite: 's', caseId: 'c1', target: 'baseline' })).toEqual(trace);
    expect(reopened.run('r1')).toMatchObject({ status: 'completed', config: { targets: ['baseline'] } });
    reopened.close();
  });

  it('keeps what it wrote, without traces, exactly as a read-back would give it', () => {
    const store = new ResultsStore(':memory:');
    store.startRun('r1', {});
    const scores = [
      { scorer: 'tool_name_match', value: 0.5, pass: false, status: 'scored' as const, reason: 'missing x', details: { missing: ['x'] } },
      { scorer: 'answer_contains', value: null, pass: null, status: 'error' as const, reason: 'threw' },
    ];
    const base = { runId: 'r1', suite: 's', config: 'default', category: 'k', target: 'baseline', status: 'ok' as const, trace, scores };
    store.add({ ...base, caseId: 'é-2', repeat: 1 });
    store.add({ ...base, caseId: 'b', repeat: 0, status: 'error', error: 'boom' });
    store.add({ ...base, caseId: 'é-2', repeat: 0, trace: { ...trace, modelCalls: [{ step: 0, request: { messageCount: 1, tools: [] }, usage: { inputTokens: 1, outputTokens: 1, estimated: true }, latencyMs: 1, costUsd: 0, attempts: 1, priced: false }] } });
    store.flush();
    const kept = [...store.writtenAttempts()].sort(compareAttempts);
    expect(kept).toEqual(store.attempts('r1'));
    expect(kept.map((a) => `${a.caseId}/${a.repeat}`)).toEqual(['b/0', 'é-2/0', 'é-2/1']);
    expect(kept[1]).toMatchObject({ unpricedCalls: 1, estimatedUsage: 1 });
    expect(kept[0]!.scores.map((s) => s.scorer)).toEqual(['answer_contains', 'tool_name_match']);
    store.close();
  });

  it('uses WAL and records its schema version; refuses a file from a newer Lunar', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lunar-store-')), 'results.db');
    new ResultsStore(path).close();
    const db = new Database(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => new ResultsStore(path)).toThrow(`written by a newer Lunar (schema ${SCHEMA_VERSION + 1}; this one knows ${SCHEMA_VERSION}); upgrade Lunar`);
  });

  it('refuses to store the same attempt twice', () => {
    const store = new ResultsStore(':memory:');
    store.startRun('r', {});
    const row = { runId: 'r', suite: 's', config: 'default', caseId: 'c', category: 'k', target: 't', repeat: 0, status: 'ok' as const, trace, scores: [] };
    store.add(row);
    store.add(row);
    expect(() => store.flush()).toThrow(/UNIQUE/);
  });

  it('keeps every row it can write when one row of a batch fails, and rethrows that failure', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lunar-store-')), 'results.db');
    new ResultsStore(path).close();
    const db = new Database(path);
    db.exec(`CREATE TRIGGER refuse_c2 BEFORE INSERT ON attempts WHEN NEW.case_id = 'c2' BEGIN SELECT RAISE(ABORT, 'disk says no'); END;`);
    db.close();
    const store = new ResultsStore(path);
    store.startRun('r', {});
    for (const caseId of ['c1', 'c2', 'c3']) store.add({ runId: 'r', suite: 's', config: 'default', caseId, category: 'k', target: 't', repeat: 0, status: 'ok', trace, scores: [] });
    expect(() => store.flush()).toThrow(/disk says no/);
    expect(store.pendingCount).toBe(0);
    expect(store.attempts('r').map((a) => a.caseId)).toEqual(['c1', 'c3']);
    store.close();
  });

  it('marks the run failed when its last attempts cannot be written, and closes the file even then', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lunar-store-')), 'results.db');
    const store = new ResultsStore(path);
    store.startRun('r', {});
    const row = { runId: 'r', suite: 's', config: 'default', caseId: 'c', category: 'k', target: 't', repeat: 0, status: 'ok' as const, trace, scores: [] };
    store.add(row);
    store.add(row);
    expect(() => store.finishRun('r', 'completed')).toThrow(/UNIQUE/);
    expect(store.run('r')).toMatchObject({ status: 'failed' });
    store.add(row);
    expect(() => store.close()).toThrow(/UNIQUE/);
    expect(store.open).toBe(false);
    expect(() => store.close()).not.toThrow();
  });

  it('claims a run for one live process at a time, and takes over the claim of a dead one', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lunar-store-')), 'results.db');
    const store = new ResultsStore(path);
    store.startRun('r', {});
    const plant = (pid: number, host = hostname()) => {
      const db = new Database(path);
      db.prepare('INSERT OR REPLACE INTO run_claims (run_id, pid, host, claimed_at) VALUES (?, ?, ?, ?)').run('r', pid, host, '2026-01-01T00:00:00.000Z');
      db.close();
    };
    // The parent of this test process is alive, and is not this process.
    plant(process.ppid);
    expect(store.claimRun('r')).toEqual({ pid: process.ppid, host: hostname(), claimedAt: '2026-01-01T00:00:00.000Z' });
    plant(4242, 'another-machine');
    expect(store.claimRun('r')).toMatchObject({ pid: 4242, host: 'another-machine' });
    // A process that has exited: its claim is stale.
    const gone = spawnSync('true').pid!;
    plant(gone);
    expect(store.claimRun('r')).toBeUndefined();
    expect(store.claimRun('r')).toBeUndefined();
    store.finishRun('r', 'completed');
    store.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM run_claims').get()).toEqual({ n: 0 });
    db.close();
  });
});
