// What an episode loop needs from a stateful environment (τ-bench's airline and retail are the
// first): a policy for the system prompt, tools that act on a state, episodes that each own a fresh
// copy of that state, the tools that end an episode, and a reward that says why it is what it is.
// Nothing here knows about models or the simulated user; the loop brings those.

import type { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/**
 * Arguments of a tool call. Prefer the model's raw JSON text: parsed JavaScript cannot tell 250.0
 * from 250, and environments that compare states the way Python prints them (τ-bench) need to.
 */
export type ToolArguments = string | Record<string, unknown>;

export interface EnvironmentTool<State> {
  name: string;
  description: string;
  /** The JSON Schema offered to the model, exactly as the environment publishes it. */
  parameters: JsonSchema;
  /**
   * Checks plain JSON arguments. Advisory: the reference environment runs a tool on whatever it is
   * given and reports failures as observations, and invoke does the same.
   */
  args: z.ZodType;
  /** Runs the tool on a state (changing it) and returns the observation. Bad arguments give an "Error: ..." observation, not an exception. */
  invoke(state: State, args: ToolArguments): string;
}

export interface StepResult {
  observation: string;
  /** The episode is over (a terminate tool was called, or the user said they were done). */
  done: boolean;
}

export interface Episode<Reward> {
  /** Runs a tool call and records it. */
  callTool(name: string, args: ToolArguments): StepResult;
  /** Records the agent's reply to the user (the loop gets the user's answer from its simulator). */
  respond(content: string): void;
  /** Records what the user said back; done when it ends the conversation. */
  userReplied(text: string): StepResult;
  readonly done: boolean;
  /** The reward for the episode so far. `ended` defaults to `done`: an episode cut short scores 0. */
  score(options?: { ended?: boolean }): Reward;
}

export interface Environment<State, Task, Reward> {
  readonly name: string;
  /** The policy the agent is given as its system prompt. */
  readonly policy: string;
  readonly tools: readonly EnvironmentTool<State>[];
  /** Tool names that end the episode when called. */
  readonly terminateTools: readonly string[];
  /** A fresh state: no two calls share anything that can change. */
  newState(): State;
  /** An episode for a task, on its own fresh state. */
  startEpisode(task: Task): Episode<Reward>;
}
