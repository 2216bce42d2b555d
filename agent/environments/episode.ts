// An episode (τ-bench's tool-calling agent, reference/tool_calling_agent.py, against Env.step in
// base.py): the environment's policy is the system prompt; the simulated user, told the task's
// instruction, opens; then each step is one agent model call. A reply with tool calls runs them on
// the episode's own state (`first`: only the first call is run and kept, as τ-bench's agent does;
// `all`: every call, in order); a reply without one goes to the user, whose answer is the next user
// message. The episode ends when the user says ###STOP### (or ###TRANSFER### / ###OUT-OF-SCOPE###,
// τ²-bench's endings), when a terminate tool is called, or when the step limit runs out: then it
// never ended and scores 0. Whatever happens the caller gets a Trace, its `episode` saying why.

import { answeredCall, failedCall } from '../model-call-record.ts';
import { isPriced } from '../providers/pricing.ts';
import type { ChatModel, Message, ToolCall, ToolSpec } from '../providers/types.ts';
import type { EpisodeRecord, ModelCallRecord, StopReason, ToolCallRecord, Trace } from '../trace.ts';
import type { TauEnvironment, TauEpisode } from './tau/environment.ts';
import type { TauTask } from './tau/task.ts';
import { STOP_TOKEN } from './tau/environment.ts';
import type { UserSimulator } from './user/simulator.ts';

/** τ-bench's max_num_steps. */
export const DEFAULT_MAX_STEPS = 30;
/** τ²-bench's other endings: the user was handed to a human, or asked for something out of scope. */
export const TRANSFER_TOKEN = '###TRANSFER###';
export const OUT_OF_SCOPE_TOKEN = '###OUT-OF-SCOPE###';

export type ToolCallMode = 'first' | 'all';

/**
 * Whether the user's answer ends the episode, and how: ###STOP### (told to the episode, which the
 * reward reads), τ²-bench's ###TRANSFER### and ###OUT-OF-SCOPE###; undefined when it goes on.
 */
export function userEnding(episode: Pick<TauEpisode, 'userReplied'>, answer: string): 'stop' | 'transfer' | 'out_of_scope' | undefined {
  if (episode.userReplied(answer).done) return 'stop';
  if (answer.includes(TRANSFER_TOKEN)) return 'transfer';
  if (answer.includes(OUT_OF_SCOPE_TOKEN)) return 'out_of_scope';
  return undefined;
}

export interface EpisodeOptions {
  environment: TauEnvironment;
  task: TauTask;
  /** How the task is named in the record, e.g. `retail test 3`. */
  taskName: string;
  model: ChatModel;
  user: UserSimulator;
  toolCalls?: ToolCallMode;
  maxSteps?: number;
  temperature?: number;
  seed?: number;
  maxOutputTokens?: number;
  signal?: AbortSignal;
}

export async function runEpisode(options: EpisodeOptions): Promise<Trace> {
  const started = performance.now();
  const mode = options.toolCalls ?? 'all';
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const episode = options.environment.startEpisode(options.task);
  const tools: ToolSpec[] = options.environment.tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters }));
  const messages: Message[] = [{ role: 'system', content: options.environment.policy }];
  const modelCalls: ModelCallRecord[] = [];
  const toolCalls: ToolCallRecord[] = [];
  let endedBy: EpisodeRecord['endedBy'] = 'step_limit';
  let stopReason: StopReason = 'max_steps';
  let error: string | undefined;
  let finalAnswer: string | null = null;
  let steps = 0;

  try {
    messages.push({ role: 'user', content: await options.user.start(options.task.instruction, options.signal) });
    for (let step = 1; step <= maxSteps; step++) {
      steps = step;
      const call = await callModel(options, messages, tools, step);
      modelCalls.push(call.record);
      if (!call.result) {
        stopReason = options.signal?.aborted ? 'aborted' : 'error';
        error = call.record.error;
        break;
      }
      const asked = call.result.toolCalls;
      if (asked.length > 0) {
        const kept = mode === 'first' ? asked.slice(0, 1) : asked;
        messages.push({ role: 'assistant', content: call.result.text, toolCalls: kept });
        for (const toolCall of kept) {
          if (episode.done) {
            // A terminate tool ended the episode mid-reply: the rest are answered, never run.
            toolCalls.push(notRun(toolCall, step));
          } else {
            toolCalls.push(runTool(episode, toolCall, step));
            if (episode.done) endedBy = 'terminate_tool';
          }
          messages.push(toolMessage(toolCalls.at(-1)!));
        }
      } else {
        finalAnswer = call.result.text;
        messages.push({ role: 'assistant', content: call.result.text });
        episode.respond(call.result.text);
        const answer = await options.user.reply(call.result.text, options.signal);
        messages.push({ role: 'user', content: answer });
        endedBy = userEnding(episode, answer) ?? endedBy;
      }
      if (endedBy !== 'step_limit') {
        stopReason = 'final';
        break;
      }
    }
  } catch (caught) {
    // The user's model failed, or a bug: still a Trace, with what went wrong.
    stopReason = options.signal?.aborted ? 'aborted' : 'error';
    error = `the episode failed: ${caught instanceof Error ? caught.message : String(caught)}`;
  }

  const record = episodeRecord({ ...options, toolCalls: mode, maxSteps }, episode, endedBy, steps);
  return episodeTrace({ target: options.model.id, messages, modelCalls, toolCalls, finalAnswer, stopReason, error, startedAt: started, episode: record });
}

/** What an episode left, as a Trace: the usage and cost are the agent's calls' alone (the user's are in `episode.user`). */
export function episodeTrace(parts: {
  target: string;
  messages: Message[];
  modelCalls: ModelCallRecord[];
  toolCalls: ToolCallRecord[];
  finalAnswer: string | null;
  stopReason: StopReason;
  error?: string;
  /** performance.now() when the episode began. */
  startedAt: number;
  episode: EpisodeRecord;
}): Trace {
  const { modelCalls, error } = parts;
  return {
    target: parts.target,
    messages: parts.messages,
    modelCalls,
    toolCalls: parts.toolCalls,
    retrieved: [],
    finalAnswer: parts.finalAnswer,
    citations: [],
    stopReason: parts.stopReason,
    ...(error === undefined ? {} : { error }),
    usage: { inputTokens: sum(modelCalls, (c) => c.usage.inputTokens), outputTokens: sum(modelCalls, (c) => c.usage.outputTokens) },
    latencyMs: performance.now() - parts.startedAt,
    costUsd: sum(modelCalls, (c) => c.costUsd),
    episode: parts.episode,
  };
}

/** What an episode's Trace records of it: how it ended, its reward and why, its user's calls. */
export function episodeRecord(
  options: Pick<EpisodeOptions, 'environment' | 'taskName' | 'user'> & { toolCalls: ToolCallMode; maxSteps: number },
  episode: TauEpisode,
  endedBy: EpisodeRecord['endedBy'],
  steps: number,
): EpisodeRecord {
  const ended = endedBy !== 'step_limit';
  const reward = episode.score({ ended });
  const user = options.user;
  return {
    environment: options.environment.name,
    task: options.taskName,
    reward: reward.reward,
    ended,
    endedBy,
    steps,
    maxSteps: options.maxSteps,
    toolCalls: options.toolCalls,
    stateMatches: reward.stateMatches,
    differences: reward.differences,
    outputs: reward.outputs,
    writes: reward.writes,
    unexpectedWrites: reward.unexpectedWrites,
    summary: reward.summary,
    user: {
      target: user.target,
      strategy: user.strategy,
      calls: user.usage.calls,
      costUsd: user.usage.costUsd,
      usage: { inputTokens: user.usage.inputTokens, outputTokens: user.usage.outputTokens },
    },
  };
}

async function callModel(options: EpisodeOptions, messages: Message[], tools: ToolSpec[], step: number) {
  const started = performance.now();
  const { model } = options;
  const base = { step, request: { messageCount: messages.length, tools: tools.map((t) => t.name), temperature: options.temperature, maxTokens: options.maxOutputTokens } };
  const priced = isPriced(model.provider, model.model);
  try {
    const result = await model.chat({ messages: [...messages], tools, temperature: options.temperature, seed: options.seed, maxTokens: options.maxOutputTokens, signal: options.signal });
    return { result, record: answeredCall(base, result, priced) };
  } catch (caught) {
    return { record: failedCall(base, caught, started, priced) };
  }
}

/** Runs one call on the episode: the model's raw argument text when it was kept (250.0 is not 250). */
function runTool(episode: TauEpisode, call: ToolCall, step: number): ToolCallRecord {
  const started = performance.now();
  const base = { step, id: call.id, name: call.name, arguments: call.arguments };
  const args = call.invalidArguments ?? call.rawArguments ?? call.arguments;
  if (!episode.data.toolsByName.has(call.name)) {
    // τ-bench's Env.step: an unknown action is an observation, not a failure.
    return { ...base, result: `Unknown action ${call.name}`, errorKind: 'unknown_tool', latencyMs: performance.now() - started };
  }
  const { observation } = episode.callTool(call.name, args);
  return { ...base, result: observation, latencyMs: performance.now() - started };
}

function notRun(call: ToolCall, step: number): ToolCallRecord {
  return { step, id: call.id, name: call.name, arguments: call.arguments, error: `call to ${call.name} was not run: the episode had ended`, errorKind: 'not_run', latencyMs: 0 };
}

function toolMessage(record: ToolCallRecord): Message {
  return { role: 'tool', toolCallId: record.id, name: record.name, content: record.error ?? record.result ?? '', ...(record.error ? { isError: true } : {}) };
}

function sum<T>(items: readonly T[], pick: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += pick(item);
  return total;
}

export { STOP_TOKEN };
