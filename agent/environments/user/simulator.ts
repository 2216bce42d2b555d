// The simulated user of an episode (τ-bench's reference/user.py): it is told the task's instruction,
// answers the agent's opening "Hi! How can I help you today?" with its first message, then answers
// each reply of the agent, until it says ###STOP###. Four strategies: `llm` (a model with τ-bench's
// prompt), `react` (a model that writes a Thought, then the User Response sent on), `scripted`
// (lines from the case: offline and deterministic) and `human` (a person at the terminal).

import { STOP_TOKEN, USER_OPENING } from '../tau/environment.ts';
import type { ChatModel, Message } from '../../providers/types.ts';
import { userPromptFor, type UserStrategy } from './prompts.ts';
import { HumanUser } from './human.ts';

export interface UserUsage {
  calls: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
}

export interface UserSimulator {
  readonly strategy: UserStrategy;
  /** The model playing the user (`provider:model`), or the strategy's name when none does. */
  readonly target: string;
  /** The user's first message, given what they are to do. */
  start(instruction: string, signal?: AbortSignal): Promise<string>;
  /** The user's answer to the agent's reply. */
  reply(agentMessage: string, signal?: AbortSignal): Promise<string>;
  /** What playing the user cost so far (kept apart from the agent's cost). */
  readonly usage: UserUsage;
}

export interface UserSettings {
  strategy: UserStrategy;
  /** The user's model (llm, react), on its own scheduler lane and cache. */
  model?: ChatModel;
  /** scripted: the lines to say, in order (then ###STOP###). */
  script?: readonly string[];
  /** Sampling for the user's model: τ-bench leaves the provider's defaults, so undefined does too. */
  temperature?: number;
  seed?: number;
  /** human: where the person types and reads (default the process's stdin and stdout). */
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

export function userSimulator(settings: UserSettings): UserSimulator {
  switch (settings.strategy) {
    case 'llm':
    case 'react':
      if (!settings.model) throw new Error(`the ${settings.strategy} user needs a model`);
      return new ModelUser(settings.strategy, settings.model, settings.temperature, settings.seed);
    case 'scripted':
      return new ScriptedUser(settings.script);
    case 'human':
      return new HumanUser(settings.input ?? process.stdin, settings.output ?? process.stdout);
  }
}

/** LLMUserSimulationEnv and ReactUserSimulationEnv: the agent's lines are the model's `user` turns. */
class ModelUser implements UserSimulator {
  readonly usage: UserUsage = { calls: 0, costUsd: 0, inputTokens: 0, outputTokens: 0 };
  private messages: Message[] = [];

  constructor(
    readonly strategy: 'llm' | 'react',
    private readonly model: ChatModel,
    private readonly temperature: number | undefined,
    private readonly seed: number | undefined,
  ) {}

  get target(): string {
    return this.model.id;
  }

  start(instruction: string, signal?: AbortSignal): Promise<string> {
    this.messages = [
      { role: 'system', content: userPromptFor(this.strategy, instruction) },
      { role: 'user', content: USER_OPENING },
    ];
    return this.next(signal);
  }

  reply(agentMessage: string, signal?: AbortSignal): Promise<string> {
    this.messages.push({ role: 'user', content: agentMessage });
    return this.next(signal);
  }

  private async next(signal?: AbortSignal): Promise<string> {
    const result = await this.model.chat({ messages: [...this.messages], temperature: this.temperature, seed: this.seed, signal });
    this.usage.calls++;
    // τ-bench keeps only the last call's cost (total_cost = ...); the sum is what was spent.
    this.usage.costUsd += result.costUsd;
    this.usage.inputTokens += result.usage.inputTokens;
    this.usage.outputTokens += result.usage.outputTokens;
    // The user's history keeps what the model wrote, its Thought included (as user.py does).
    this.messages.push({ role: 'assistant', content: result.text });
    return this.strategy === 'react' ? parseReactResponse(result.text) : result.text;
  }
}

/**
 * ReactUserSimulationEnv.parse_response, exactly: ###STOP### anywhere stops; otherwise what follows
 * "Thought:" (τ-bench's own quirk: the User Response heading comes with it) or "User Response:";
 * a reply with neither, or with the marker twice (Python's two-way unpacking fails), is an error.
 */
export function parseReactResponse(response: string): string {
  if (response.includes(STOP_TOKEN)) return STOP_TOKEN;
  for (const marker of ['Thought:', 'User Response:']) {
    if (!response.includes(marker)) continue;
    const parts = response.split(marker);
    if (parts.length !== 2) throw new Error(`the react user's reply has "${marker}" ${parts.length - 1} times: ${response.slice(0, 200)}`);
    return parts[1]!.trim();
  }
  throw new Error(`Invalid response format: ${response.slice(0, 200)}`);
}

/** The case's lines in order, then ###STOP###; without lines, the instruction itself, then ###STOP###. */
class ScriptedUser implements UserSimulator {
  readonly strategy = 'scripted';
  readonly target = 'scripted';
  readonly usage: UserUsage = { calls: 0, costUsd: 0, inputTokens: 0, outputTokens: 0 };
  private lines: string[] = [];

  constructor(private readonly script: readonly string[] | undefined) {}

  async start(instruction: string): Promise<string> {
    this.lines = this.script?.length ? [...this.script] : [instruction];
    return this.next();
  }

  async reply(): Promise<string> {
    return this.next();
  }

  private next(): string {
    return this.lines.shift() ?? STOP_TOKEN;
  }
}
