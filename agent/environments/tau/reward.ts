// τ-bench's reward (envs/base.py calculate_reward), with the reasons. The reward is 1 when the
// episode ended, the final database equals the one the task's ground-truth actions produce (as
// τ-bench's hash compares them: key order ignored, 1 and 1.0 different), and every required output
// appears in some reply to the user (lowercased, commas removed from the reply). Otherwise 0, and
// the result says which of these failed: the differing values, the missing outputs, and which
// ground-truth writes the agent did not make (with its nearest call of the same tool).

import { consistentHash, strictEquals } from '../python/hash.ts';
import { pyJsonDumps } from '../python/json.ts';
import type { PyDict } from '../python/value.ts';
import type { TauDomainData } from './load.ts';
import { runGroundTruth } from './replay.ts';
import { stateDifferences, type StateDifference } from './state-diff.ts';
import { isRespond } from './step.ts';
import type { TauAction, TauTask } from './task.ts';

/** An action the agent took, with what it saw (null: a reply to the user, or a tool returning None). */
export interface TauStep {
  action: TauAction;
  observation: string | null;
}

/** An action as a report shows it: the tool and its arguments as Python's json.dumps writes them. */
export interface ActionView {
  name: string;
  arguments: string;
}

export interface WriteCheck {
  /** A ground-truth action that changes the database. */
  expected: ActionView;
  /** The agent made this exact call (same tool, arguments equal as the reward compares them). */
  matched: boolean;
  /** When not matched: the agent's call of the same tool with the fewest differing arguments. */
  closest?: ActionView & { differingArguments: string[]; observation: string | null };
}

export interface TauReward {
  reward: 0 | 1;
  ended: boolean;
  /** The final database equals the ground truth's. */
  stateMatches: boolean;
  /** Where it does not: expected is the ground truth, actual the agent's (at most 50). */
  differences: StateDifference[];
  outputs: { output: string; found: boolean }[];
  writes: WriteCheck[];
  /** Agent calls of writing tools that match no ground-truth action, with what they returned. */
  unexpectedWrites: (ActionView & { observation: string | null })[];
  /** τ-bench's RewardResult.info, as it would record it. */
  info: { r_actions: number; gt_data_hash?: string } | { r_outputs: number; outputs: Record<string, boolean> };
  /** One line saying why. */
  summary: string;
}

export interface ScoreOptions {
  /** False when the episode was cut short (τ-bench's step limit): the reward is then 0. */
  ended: boolean;
  /** Compute gt_data_hash for `info` as τ-bench does (a few milliseconds). */
  hash?: boolean;
}

export function scoreEpisode(data: TauDomainData, task: TauTask, state: PyDict, steps: readonly TauStep[], options: ScoreOptions): TauReward {
  const truth = runGroundTruth(data, task.actions);
  const stateMatches = statesEqual(truth.state, state, data.tables);
  const differences = stateMatches ? [] : stateDifferences(truth.state, state, data.tables);

  // τ-bench searches every action it recorded, its ground-truth replay's included.
  const replies = [...steps.map((s) => s.action), ...task.actions].filter(isRespond).map((a) => replyText(a));
  const outputs = task.outputs.map((output) => ({
    output,
    found: replies.some((reply) => reply.toLowerCase().replaceAll(',', '').includes(output.toLowerCase())),
  }));

  const writing = (name: string) => data.toolsByName.get(name)?.writes === true;
  const agentWrites = steps.filter((s) => writing(s.action.name));
  const writes = task.actions.filter((a) => writing(a.name)).map((expected) => checkWrite(expected, agentWrites));
  const unexpectedWrites = agentWrites
    .filter((s) => !task.actions.some((a) => sameCall(a, s.action)))
    .map((s) => ({ ...view(s.action), observation: s.observation }));

  const reward = options.ended && stateMatches && outputs.every((o) => o.found) ? 1 : 0;
  const info: TauReward['info'] =
    task.outputs.length > 0
      ? { r_outputs: outputs.every((o) => o.found) ? 1 : 0, outputs: Object.fromEntries(outputs.map((o) => [o.output, o.found])) }
      : { r_actions: stateMatches ? 1 : 0, ...(options.hash ? { gt_data_hash: consistentHash(truth.state, data.hashCache) } : {}) };
  const result = { reward, ended: options.ended, stateMatches, differences, outputs, writes, unexpectedWrites, info } as const;
  return { ...result, summary: summarize(result) };
}

/** Equal as τ-bench's hash sees them; records still shared with the initial data are equal without a look. */
export function statesEqual(a: PyDict, b: PyDict, tables: readonly string[]): boolean {
  for (const table of tables) {
    const x = a.get(table) as PyDict;
    const y = b.get(table) as PyDict;
    if (x.size !== y.size) return false;
    for (const [key, record] of x) {
      const other = y.get(key);
      if (other === undefined || (other !== record && !strictEquals(record, other))) return false;
    }
  }
  return true;
}

const replyText = (a: TauAction) => {
  const content = a.kwargs.get('content');
  return typeof content === 'string' ? content : '';
};

const sameCall = (a: TauAction, b: TauAction) => a.name === b.name && strictEquals(a.kwargs, b.kwargs);

const view = (a: TauAction): ActionView => ({ name: a.name, arguments: pyJsonDumps(a.kwargs) });

function checkWrite(expected: TauAction, agentWrites: readonly TauStep[]): WriteCheck {
  if (agentWrites.some((s) => sameCall(expected, s.action))) return { expected: view(expected), matched: true };
  let closest: WriteCheck['closest'];
  for (const step of agentWrites) {
    if (step.action.name !== expected.name) continue;
    const keys = new Set([...expected.kwargs.keys(), ...step.action.kwargs.keys()]);
    const differing = [...keys].filter((k) => {
      const x = expected.kwargs.get(k);
      const y = step.action.kwargs.get(k);
      return x === undefined || y === undefined || !strictEquals(x, y);
    });
    if (!closest || differing.length < closest.differingArguments.length) {
      closest = { ...view(step.action), differingArguments: differing, observation: step.observation };
    }
  }
  return { expected: view(expected), matched: false, ...(closest ? { closest } : {}) };
}

function summarize(r: Omit<TauReward, 'summary'>): string {
  if (r.reward === 1) return 'reward 1: the database matches the ground truth and every required output was said';
  const reasons: string[] = [];
  if (!r.ended) reasons.push('the episode did not end (step limit)');
  if (!r.stateMatches) {
    const d = r.differences[0];
    const where = d ? `${d.table}/${d.key}${d.path ? ` ${d.path}` : ''}: expected ${d.expected ?? '(absent)'}, got ${d.actual ?? '(absent)'}` : '';
    reasons.push(`the database differs from the ground truth (${r.differences.length === 50 ? '50+' : r.differences.length} value(s); first ${where})`);
  }
  const missing = r.outputs.filter((o) => !o.found).map((o) => JSON.stringify(o.output));
  if (missing.length) reasons.push(`output(s) never said: ${missing.join(', ')}`);
  for (const w of r.writes.filter((w) => !w.matched)) {
    const near = w.closest ? `; nearest agent call differs in ${w.closest.differingArguments.join(', ')}` : '; no agent call of that tool';
    reasons.push(`expected write not made: ${w.expected.name}(${w.expected.arguments})${near}`);
  }
  for (const u of r.unexpectedWrites) reasons.push(`write not in the ground truth: ${u.name}(${u.arguments})`);
  return `reward 0: ${reasons.join('; ')}`;
}
