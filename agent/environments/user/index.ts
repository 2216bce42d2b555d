// The simulated user of a multi-turn episode (τ-bench's user.py): strategies, prompts, prompt hashes.

export { reactUserSystemPrompt, USER_STRATEGIES, userPromptFor, userPromptHash, type UserStrategy } from './prompts.ts';
export { parseReactResponse, userSimulator, type UserSettings, type UserSimulator, type UserUsage } from './simulator.ts';
