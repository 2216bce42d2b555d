// ShareGPT, as LLaMA-Factory writes tool use and Axolotl and Unsloth read conversations:
// `conversations` of { from, value } turns — human, gpt, and for tools function_call (the call as
// JSON: { name, arguments }, or a list of them for parallel calls) and observation (the result;
// a JSON list of results for parallel calls) — with the system prompt in `system` and the tool
// definitions as a JSON string in `tools`. Rules checked, besides the shape:
//  1. turns alternate: human or observation, then gpt or function_call, starting with human;
//  2. an observation follows a function_call, and a function_call is followed by one;
//  3. the last turn is gpt (a trailing turn would train nothing);
//  4. function_call values are JSON { name, arguments: object } (or a non-empty list of them),
//     and each name is defined in `tools`, itself a JSON list of { name, description, parameters }.
// Axolotl reads it with `type: chat_template`, `field_messages: conversations`,
// `message_property_mappings: { role: from, content: value }` and roles mapping human → user,
// gpt and function_call → assistant, observation → tool; LLaMA-Factory with `formatting: sharegpt`
// and its default tags; Unsloth's standardize_sharegpt for conversations without tools.

import { z } from 'zod';

export const ShareGptTurn = z.object({ from: z.enum(['human', 'gpt', 'function_call', 'observation']), value: z.string() }).strict();
export type ShareGptTurn = z.infer<typeof ShareGptTurn>;

export const ShareGptExample = z
  .object({
    conversations: z.array(ShareGptTurn).min(2),
    system: z.string().min(1).optional(),
    tools: z.string().optional(),
  })
  .strict();
export type ShareGptExample = z.infer<typeof ShareGptExample>;

const Call = z.object({ name: z.string().min(1), arguments: z.record(z.string(), z.unknown()) }).strict();
const ToolDefinitions = z.array(z.object({ name: z.string().min(1), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()).optional() }).strict());

/** Every rule the example breaks (empty when LLaMA-Factory, Axolotl and Unsloth can read it). */
export function checkShareGptExample(raw: unknown): string[] {
  const parsed = ShareGptExample.safeParse(raw);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.') || '(example)'}: ${i.message}`);
  const { conversations, tools } = parsed.data;
  const problems: string[] = [];
  let defined = new Set<string>();
  if (tools !== undefined) {
    const list = ToolDefinitions.safeParse(parseJson(tools));
    if (list.success) defined = new Set(list.data.map((t) => t.name));
    else problems.push('tools: not a JSON list of { name, description, parameters }');
  }
  conversations.forEach((turn, i) => {
    const userSide = i % 2 === 0;
    if (userSide && turn.from !== 'human' && turn.from !== 'observation') problems.push(`conversations.${i}: ${turn.from} where a human or observation turn belongs`);
    if (!userSide && turn.from !== 'gpt' && turn.from !== 'function_call') problems.push(`conversations.${i}: ${turn.from} where a gpt or function_call turn belongs`);
    if (turn.from === 'observation' && conversations[i - 1]?.from !== 'function_call') problems.push(`conversations.${i}: an observation must follow a function_call`);
    if (turn.from === 'function_call') {
      if (conversations[i + 1]?.from !== 'observation') problems.push(`conversations.${i}: a function_call must be followed by an observation`);
      const value = parseJson(turn.value);
      const calls = z.union([Call, z.array(Call).min(1)]).safeParse(value);
      if (!calls.success) problems.push(`conversations.${i}: the function_call is not JSON { name, arguments } (or a list of them)`);
      else for (const call of Array.isArray(calls.data) ? calls.data : [calls.data]) if (!defined.has(call.name)) problems.push(`conversations.${i}: ${call.name} is called but not defined in tools`);
    }
  });
  if (conversations[0]!.from !== 'human') problems.push('the first turn is not human');
  if (conversations.at(-1)!.from !== 'gpt') problems.push(`the last turn is ${conversations.at(-1)!.from}, not gpt`);
  return problems;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
