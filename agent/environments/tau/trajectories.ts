// Re-scoring τ-bench's historical trajectories (historical_trajectories/<model>-<domain>.json: a JSON
// array of {task_id, trial, reward, info, traj}, traj being the OpenAI-format conversation). As
// τ-bench's tool-calling agent did: each assistant message is one action, its first tool call if it
// has any, otherwise a reply to the user with its content; the actions are replayed on fresh data
// and scored by τ-bench's reward. An episode ended if the user said ###STOP### or a terminate tool
// was called; one that did not (the 30-step limit) scores 0.

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parsePyJson } from '../python/json.ts';
import { toJs, type PyDict, type PyValue } from '../python/value.ts';
import { STOP_TOKEN } from './environment.ts';
import { issueMessage, TauInputError } from './input-error.ts';
import { parseJsonArrayFile } from './json-array-file.ts';
import { freshState, loadTauDomain, type TauDomainData } from './load.ts';
import { scoreEpisode, type TauReward, type TauStep } from './reward.ts';
import { invokeAction } from './step.ts';
import { RESPOND_ACTION_NAME, taskFromPy, type TauAction, type TauTask } from './task.ts';
import type { TauDomainName } from './tool.ts';

const ToolCall = z.object({ function: z.object({ name: z.string(), arguments: z.string() }).nullable() }).loose();

const Message = z
  .object({
    role: z.enum(['system', 'user', 'assistant', 'tool']),
    content: z.string().nullable().optional(),
    tool_calls: z.array(ToolCall).nullable().optional(),
  })
  .loose();

const Entry = z.object({
  task_id: z.number().int().nonnegative(),
  trial: z.number().int().nonnegative(),
  reward: z.number(),
  info: z.object({ task: z.unknown().optional() }).loose(),
  traj: z.array(Message),
});

export type TrajectoryMessage = z.infer<typeof Message>;

export interface TauTrajectory {
  task_id: number;
  trial: number;
  /** The reward τ-bench recorded. */
  reward: number;
  /** The task as τ-bench ran it (info.task), when the file has it. */
  task?: TauTask;
  /** The agent's actions, in order. */
  actions: TauAction[];
  /** For each action, the message that answered it: the tool result or the user's reply. */
  answers: (string | null)[];
  /** Where the entry starts, for messages. */
  where: string;
}

export function readTrajectoryFile(file: string): TauTrajectory[] {
  return parseTrajectories(readFileSync(file, 'utf8'), file);
}

export function parseTrajectories(text: string, file: string): TauTrajectory[] {
  return parseJsonArrayFile(text, file, 'trajectories').map(({ value, where }) => trajectoryFromPy(value, where));
}

function trajectoryFromPy(entry: PyValue, where: string): TauTrajectory {
  const parsed = Entry.safeParse(toJs(entry));
  if (!parsed.success) throw new TauInputError(issueMessage(where, parsed.error.issues));
  const rawTask = ((entry as PyDict).get('info') as PyDict).get('task');
  const task = rawTask === undefined || rawTask === null ? undefined : taskFromPy(rawTask, `${where}: info.task`);
  const { actions, answers } = messagesToActions(parsed.data.traj, where);
  return { task_id: parsed.data.task_id, trial: parsed.data.trial, reward: parsed.data.reward, task, actions, answers, where };
}

/** τ-bench's message_to_action over the conversation, with what answered each action. */
export function messagesToActions(messages: readonly TrajectoryMessage[], where = 'trajectory'): { actions: TauAction[]; answers: (string | null)[] } {
  const actions: TauAction[] = [];
  const answers: (string | null)[] = [];
  messages.forEach((message, i) => {
    if (message.role !== 'assistant') return;
    const call = message.tool_calls?.[0]?.function;
    if (call) {
      let kwargs: PyValue;
      try {
        kwargs = parsePyJson(call.arguments);
      } catch (error) {
        throw new TauInputError(`${where}: traj.${i}.tool_calls.0.function.arguments: ${(error as Error).message}`);
      }
      if (!(kwargs instanceof Map)) throw new TauInputError(`${where}: traj.${i}.tool_calls.0.function.arguments: not a JSON object`);
      actions.push({ name: call.name, kwargs });
    } else {
      actions.push({ name: RESPOND_ACTION_NAME, kwargs: new Map([['content', message.content ?? '']]) });
    }
    answers.push(messages[i + 1]?.content ?? null);
  });
  return { actions, answers };
}

export interface RescoreResult {
  task_id: number;
  trial: number;
  reward: 0 | 1;
  ended: boolean;
  /** The reward τ-bench recorded, for comparison. */
  recorded_reward: number;
  details: TauReward;
}

export interface RescoreOptions {
  /** Tasks by task_id, for trajectories whose file does not carry info.task. */
  tasks?: readonly TauTask[];
}

export function rescoreTrajectories(
  domain: TauDomainName,
  trajectories: readonly TauTrajectory[],
  dataDir: string,
  options: RescoreOptions = {},
): RescoreResult[] {
  const data = loadTauDomain(domain, dataDir);
  return trajectories.map((t) => rescore(data, t, options));
}

function rescore(data: TauDomainData, trajectory: TauTrajectory, options: RescoreOptions): RescoreResult {
  const task = trajectory.task ?? options.tasks?.[trajectory.task_id];
  if (!task) throw new TauInputError(`${trajectory.where}: info.task: absent, and no task ${trajectory.task_id} was given`);
  const state = freshState(data);
  const steps: TauStep[] = [];
  let ended = false;
  for (let i = 0; i < trajectory.actions.length && !ended; i++) {
    const action = trajectory.actions[i]!;
    if (action.name === RESPOND_ACTION_NAME) {
      steps.push({ action, observation: null });
      ended = (trajectory.answers[i] ?? '').includes(STOP_TOKEN);
    } else {
      steps.push({ action, observation: invokeAction(data, state, action) });
      ended = data.terminateTools.includes(action.name);
    }
  }
  const details = scoreEpisode(data, task, state, steps, { ended });
  return { task_id: trajectory.task_id, trial: trajectory.trial, reward: details.reward, ended, recorded_reward: trajectory.reward, details };
}
