// One fake OpenAI model playing both sides of τ-bench episodes, told apart by the system prompt:
// the simulated user's requests carry τ-bench's user prompt (with the instruction), the agent's the
// domain's policy. The user states its instruction, then says ###STOP###; the agent makes the task's
// ground-truth calls one per reply, in order (their argument text as the task file writes it),
// then replies once. With `wrongFor`, the agent's last write on those tasks names another payment.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeTurn } from './http-fake.ts';

interface RawTask {
  instruction: string;
  actions: { name: string; kwargs: Record<string, unknown> }[];
  outputs: string[];
}

const USER_PROMPT_START = 'You are a user interacting with an agent.';

export function tauFakeScript(dataDir: string, domain: 'retail' | 'airline', split: string, options: { wrongFor?: number[] } = {}): (body: any) => FakeTurn {
  // The raw text of the task file keeps 100.0 as written; JSON.parse here is for the names only.
  const tasks = JSON.parse(readFileSync(join(dataDir, domain, `tasks.${split}.json`), 'utf8')) as RawTask[];
  return (body) => {
    const messages = body.messages as { role: string; content: string | null }[];
    const system = messages[0]?.content ?? '';
    if (system.startsWith(USER_PROMPT_START)) {
      const spoken = messages.filter((m) => m.role === 'assistant').length;
      const instruction = /\n\nInstruction: ([\s\S]*)\n\nRules:/.exec(system)?.[1] ?? '';
      return { text: spoken === 0 ? instruction : '###STOP###', usage: { input: 100, output: 10 } };
    }
    const index = tasks.findIndex((t) => t.instruction === messages[1]?.content);
    const task = tasks[index]!;
    const done = messages.filter((m) => m.role === 'tool').length;
    const action = task.actions[done];
    if (!action) return { text: `All done. ${task.outputs.join(', ')}`.trim(), usage: { input: 1000, output: 20 } };
    const kwargs = { ...action.kwargs };
    if (options.wrongFor?.includes(index) && done === task.actions.length - 1 && 'payment_method_id' in kwargs) kwargs.payment_method_id = 'gift_card_0000000';
    return { toolCalls: [{ name: action.name, arguments: JSON.stringify(kwargs) }], usage: { input: 1000, output: 20 } };
  };
}
