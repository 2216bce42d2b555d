// Replaying tasks' ground-truth actions on fresh data, in the format of the goldens
// (goldens/<domain>.replay.<split>.jsonl): the observations and how the final database differs from
// the initial one. This is what `lunar tau check` compares against τ-bench's own output.

import { consistentHash } from '../python/hash.ts';
import { pyJsonDumps } from '../python/json.ts';
import type { PyDict, PyValue } from '../python/value.ts';
import { freshState, loadTauDomain, type TauDomainData } from './load.ts';
import { tableDiff } from './state-diff.ts';
import { invokeAction, isRespond } from './step.ts';
import type { TauAction, TauTask } from './task.ts';
import type { TauDomainName } from './tool.ts';

export interface ReplayResult {
  task_index: number;
  /** Each action's observation; null for a terminate tool (not invoked) or a reply to the user. */
  observations: (string | null)[];
  /** Per table, every record that changed (whole) or was removed (null). */
  final_state_diff: PyDict;
  /** τ-bench's consistent_hash of the final database, when asked for. */
  state_hash?: string;
}

export interface ReplayOptions {
  /** Also compute τ-bench's state hash (a few milliseconds per task). */
  hash?: boolean;
  /** The task_index of tasks[0] (default 0). */
  firstIndex?: number;
}

export function replayTasks(
  domain: TauDomainName,
  tasks: readonly TauTask[],
  dataDir: string,
  options: ReplayOptions = {},
): ReplayResult[] {
  const data = loadTauDomain(domain, dataDir);
  return tasks.map((task, i) => replayTask(data, task, (options.firstIndex ?? 0) + i, options));
}

export function replayTask(data: TauDomainData, task: TauTask, taskIndex: number, options: ReplayOptions = {}): ReplayResult {
  const { state, observations } = runGroundTruth(data, task.actions);
  const result: ReplayResult = {
    task_index: taskIndex,
    observations,
    final_state_diff: tableDiff(data.initial, state, data.tables),
  };
  if (options.hash) result.state_hash = consistentHash(state, data.hashCache);
  return result;
}

/** The database after a task's actions, as calculate_reward builds it: terminate tools are skipped. */
export function runGroundTruth(data: TauDomainData, actions: readonly TauAction[]): { state: PyDict; observations: (string | null)[] } {
  const state = freshState(data);
  const observations = actions.map((action) =>
    data.terminateTools.includes(action.name) || isRespond(action) ? null : invokeAction(data, state, action),
  );
  return { state, observations };
}

/** One line of a replay file, byte for byte as the goldens write it (Python's json.dumps). */
export function formatReplayLine(result: ReplayResult): string {
  const line = new Map<string, PyValue>([
    ['task_index', result.task_index],
    ['observations', result.observations],
    ['final_state_diff', result.final_state_diff],
  ]);
  if (result.state_hash !== undefined) line.set('state_hash', result.state_hash);
  return pyJsonDumps(line);
}
