// τ-bench's simulated-user prompts (reference/user.py @ 59a200c, MIT), word for word: the llm
// strategy's is userSystemPrompt in tau/environment.ts; the ReAct variant's is here. Their hashes
// go into a run's lock, since a changed prompt changes every number the user takes part in.

import { createHash } from 'node:crypto';
import { userSystemPrompt } from '../tau/environment.ts';

export const USER_STRATEGIES = ['llm', 'react', 'scripted', 'human'] as const;
export type UserStrategy = (typeof USER_STRATEGIES)[number];

/** ReactUserSimulationEnv.build_system_prompt. */
export function reactUserSystemPrompt(instruction?: string): string {
  const shown = instruction !== undefined ? `\n\nInstruction: ${instruction}\n` : '';
  return `You are a user interacting with an agent.${shown}
Rules:
- First, generate a Thought about what to do next (this message will not be sent to the agent).
- Then, generate a one line User Response to simulate the user's message (this message will be sent to the agent).
- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.
- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.
- If the instruction goal is satisified, generate '###STOP###' as the User Response without anything else to end the conversation.
- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.
- Try to make the conversation as natural as possible, and stick to the personalities in the instruction.

Format:

Thought:
<the thought>

User Response:
<the user response (this will be parsed and sent to the agent)>`;
}

/** The system prompt a model-played user gets for an instruction. */
export function userPromptFor(strategy: 'llm' | 'react', instruction: string): string {
  return strategy === 'react' ? reactUserSystemPrompt(instruction) : userSystemPrompt(instruction);
}

/**
 * sha256 of a strategy's prompt with the instruction left as `{instruction}`; the strategies
 * without a prompt hash their name, so the lock still tells them apart.
 */
export function userPromptHash(strategy: UserStrategy): string {
  const text = strategy === 'llm' || strategy === 'react' ? userPromptFor(strategy, '{instruction}') : `(${strategy}: no prompt)`;
  return createHash('sha256').update(text).digest('hex');
}
