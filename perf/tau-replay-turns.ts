// One model playing both sides of τ-bench episodes, decided from a chat request's body alone and
// told apart by the system prompt: the simulated user's requests carry τ-bench's user prompt (with
// the instruction), the agent's the domain's policy. The user states its instruction, then says
// ###STOP###; the agent makes the task's ground-truth calls one per reply, in order (their argument
// text as the task file writes it), then replies once. With `wrongFor`, the agent's last write on
// those tasks names another payment. Used by the τ-bench perf figure's loopback server and by the
// tests' fake OpenAI server (test/fakes/tau-script.ts).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ReplayTurn {
  text?: string;
  toolCalls?: { name: string; arguments: string }[];
  usage: { input: number; output: number };
}

interface RawTask {
  instruction: string;
  actions: { name: string; kwargs: Record<string, unknown> }[];
  outputs: string[];
}

const USER_PROMPT_START = 'You are a user interacting with an agent.';

export interface TauReplay {
  /** The task count of the split. */
  tasks: number;
  /** The turn that answers `body`, and the index of the task its episode plays (-1: none found). */
  turn(body: any): { turn: ReplayTurn; task: number };
}

export function tauReplay(dataDir: string, domain: 'retail' | 'airline', split: string, options: { wrongFor?: number[] } = {}): TauReplay {
  // The raw text of the task file keeps 100.0 as written; JSON.parse here is for the names only.
  const tasks = JSON.parse(readFileSync(join(dataDir, domain, `tasks.${split}.json`), 'utf8')) as RawTask[];
  const byInstruction = new Map<string, number>();
  tasks.forEach((t, i) => byInstruction.has(t.instruction) || byInstruction.set(t.instruction, i));
  return {
    tasks: tasks.length,
    turn(body) {
      const messages = (body?.messages ?? []) as { role: string; content: string | null }[];
      const system = messages[0]?.content ?? '';
      if (system.startsWith(USER_PROMPT_START)) {
        const spoken = messages.filter((m) => m.role === 'assistant').length;
        const instruction = /\n\nInstruction: ([\s\S]*)\n\nRules:/.exec(system)?.[1] ?? '';
        return { turn: { text: spoken === 0 ? instruction : '###STOP###', usage: { input: 100, output: 10 } }, task: byInstruction.get(instruction) ?? -1 };
      }
      const index = byInstruction.get(messages[1]?.content ?? '') ?? -1;
      const task = tasks[index];
      if (!task) return { turn: { text: 'No task matches this conversation.', usage: { input: 1000, output: 20 } }, task: -1 };
      const done = messages.filter((m) => m.role === 'tool').length;
      const action = task.actions[done];
      if (!action) return { turn: { text: `All done. ${task.outputs.join(', ')}`.trim(), usage: { input: 1000, output: 20 } }, task: index };
      const kwargs = { ...action.kwargs };
      if (options.wrongFor?.includes(index) && done === task.actions.length - 1 && 'payment_method_id' in kwargs) kwargs.payment_method_id = 'gift_card_0000000';
      return { turn: { toolCalls: [{ name: action.name, arguments: JSON.stringify(kwargs) }], usage: { input: 1000, output: 20 } }, task: index };
    },
  };
}
