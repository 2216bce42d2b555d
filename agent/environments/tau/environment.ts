// τ-bench's airline or retail domain as an Environment: tools from tools.json with the ported
// bodies, the wiki as policy, transfer_to_human_agents as the terminate tool, episodes on their own
// copy-on-write database, scored by τ-bench's reward.

import type { Environment, EnvironmentTool, Episode, StepResult, ToolArguments } from '../environment.ts';
import { JsonSyntaxError, parsePyJson } from '../python/json.ts';
import { fromJs, typeName, type PyDict, type PyValue } from '../python/value.ts';
import { freshState, loadTauDomain, type TauDomainData } from './load.ts';
import { scoreEpisode, type TauReward, type TauStep } from './reward.ts';
import { invokeAction } from './step.ts';
import { RESPOND_ACTION_NAME, type TauTask } from './task.ts';
import type { TauDomainName } from './tool.ts';

/** What the simulated user says to end the conversation (τ-bench's user.py). */
export const STOP_TOKEN = '###STOP###';
/** The simulated user's first line is its answer to this (τ-bench's user.py). */
export const USER_OPENING = 'Hi! How can I help you today?';

export interface TauEnvironment extends Environment<PyDict, TauTask, TauReward> {
  readonly domain: TauDomainName;
  readonly data: TauDomainData;
  startEpisode(task: TauTask): TauEpisode;
}

export function tauEnvironment(domain: TauDomainName, dataDir: string): TauEnvironment {
  const data = loadTauDomain(domain, dataDir);
  const tools: EnvironmentTool<PyDict>[] = data.tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    parameters: tool.parameters,
    args: tool.args,
    invoke(state, args) {
      const kwargs = toKwargs(data, tool.name, args);
      if (typeof kwargs === 'string') return kwargs;
      return invokeAction(data, state, { name: tool.name, kwargs }) ?? 'None';
    },
  }));
  return {
    name: `tau-${domain}`,
    domain,
    data,
    policy: data.policy,
    tools,
    terminateTools: data.terminateTools,
    newState: () => freshState(data),
    startEpisode: (task) => new TauEpisode(data, task),
  };
}

/**
 * Arguments as Python keyword arguments, or the observation to return instead. Text is parsed as
 * json.loads would (keeping 1.0 a float); a plain object can only be taken at face value.
 */
function toKwargs(data: TauDomainData, name: string, args: ToolArguments): PyDict | string {
  let value: PyValue;
  if (typeof args === 'string') {
    try {
      value = parsePyJson(args);
    } catch (error) {
      // τ-bench itself would crash here (json.loads in its agent); a live loop gets a readable error.
      if (error instanceof JsonSyntaxError) return `Error: the arguments are not valid JSON: ${error.message}`;
      throw error;
    }
  } else {
    value = fromJs(args);
  }
  if (value instanceof Map) return value;
  const tool = data.toolsByName.get(name);
  const fn = tool ? `tau_bench.envs.${data.domain}.tools.${tool.name}.${tool.pyClass}.invoke()` : 'invoke()';
  return `Error: ${fn} argument after ** must be a mapping, not ${typeName(value)}`;
}

/** One conversation: the agent's tool calls and replies, on the episode's own database. */
export class TauEpisode implements Episode<TauReward> {
  readonly state: PyDict;
  readonly steps: TauStep[] = [];
  private finished = false;

  constructor(
    readonly data: TauDomainData,
    readonly task: TauTask,
  ) {
    this.state = freshState(data);
  }

  get done(): boolean {
    return this.finished;
  }

  callTool(name: string, args: ToolArguments): StepResult {
    const kwargs = toKwargs(this.data, name, args);
    if (typeof kwargs === 'string') return { observation: kwargs, done: false };
    const action = { name, kwargs };
    const observation = invokeAction(this.data, this.state, action);
    this.steps.push({ action, observation });
    if (this.data.terminateTools.includes(name)) this.finished = true;
    // A tool returning None (a fourth send_certificate) crashes τ-bench; the model is shown "None".
    return { observation: observation ?? 'None', done: this.finished };
  }

  respond(content: string): void {
    this.steps.push({ action: { name: RESPOND_ACTION_NAME, kwargs: new Map([['content', content]]) }, observation: null });
  }

  userReplied(text: string): StepResult {
    if (text.includes(STOP_TOKEN)) this.finished = true;
    return { observation: text, done: this.finished };
  }

  score(options: { ended?: boolean; hash?: boolean } = {}): TauReward {
    return scoreEpisode(this.data, this.task, this.state, this.steps, { ended: options.ended ?? this.finished, hash: options.hash });
  }
}

/** The simulated user's system prompt (τ-bench's LLMUserSimulationEnv.build_system_prompt). */
export function userSystemPrompt(instruction?: string): string {
  const shown = instruction !== undefined ? `\n\nInstruction: ${instruction}\n` : '';
  return `You are a user interacting with an agent.${shown}
Rules:
- Just generate one line at a time to simulate the user's message.
- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.
- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.
- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.
- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.
- Try to make the conversation as natural as possible, and stick to the personalities in the instruction.`;
}
