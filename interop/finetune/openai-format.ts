// OpenAI's chat fine-tuning format, one example a line: `messages` (system, user, assistant with
// optional `tool_calls` and `weight`, tool with `tool_call_id`), optional `tools` (function
// definitions) and `parallel_tool_calls`. The zod schema holds the shape; checkOpenAiExample adds
// the rules across messages. Rules checked (each example, before anything is written):
//  1. only the keys OpenAI documents, per role (a stray key is refused by the upload);
//  2. roles are system, user, assistant or tool; system and user content is non-empty text;
//  3. an assistant message has text, tool calls, or both; weight, when given, is 0 or 1;
//  4. at least one assistant message is trained on (weight 1, or no weight);
//  5. tool call ids are unique in the example; each tool message answers a call made earlier and
//     not yet answered, and every call is answered before the conversation goes on;
//  6. tool call arguments are a JSON object serialised as a string;
//  7. every function called is defined in `tools`; tool names are unique and match
//     ^[a-zA-Z0-9_-]{1,64}$, as the API requires;
//  8. the last message is the assistant's (a trailing message would train nothing: Lunar's rule).

import { z } from 'zod';

const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export const OpenAiToolCall = z
  .object({
    id: z.string().min(1),
    type: z.literal('function'),
    function: z.object({ name: z.string().regex(FUNCTION_NAME), arguments: z.string() }).strict(),
  })
  .strict();

export const OpenAiMessage = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: z.string().min(1), name: z.string().optional() }).strict(),
  z.object({ role: z.literal('user'), content: z.string().min(1), name: z.string().optional() }).strict(),
  z
    .object({
      role: z.literal('assistant'),
      content: z.string().min(1).nullable().optional(),
      tool_calls: z.array(OpenAiToolCall).min(1).optional(),
      weight: z.union([z.literal(0), z.literal(1)]).optional(),
      name: z.string().optional(),
    })
    .strict()
    .refine((m) => (m.content ?? undefined) !== undefined || m.tool_calls !== undefined, 'an assistant message needs content or tool_calls'),
  z.object({ role: z.literal('tool'), tool_call_id: z.string().min(1), content: z.string() }).strict(),
]);
export type OpenAiMessage = z.infer<typeof OpenAiMessage>;

export const OpenAiTool = z
  .object({
    type: z.literal('function'),
    function: z
      .object({ name: z.string().regex(FUNCTION_NAME), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()).optional() })
      .strict(),
  })
  .strict();
export type OpenAiTool = z.infer<typeof OpenAiTool>;

export const OpenAiExample = z
  .object({
    messages: z.array(OpenAiMessage).min(1),
    tools: z.array(OpenAiTool).optional(),
    parallel_tool_calls: z.boolean().optional(),
  })
  .strict();
export type OpenAiExample = z.infer<typeof OpenAiExample>;

/** Every rule the example breaks (empty when it is fit to upload). */
export function checkOpenAiExample(raw: unknown): string[] {
  const parsed = OpenAiExample.safeParse(raw);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.') || '(example)'}: ${i.message}`);
  const { messages, tools } = parsed.data;
  const problems: string[] = [];
  if (!messages.some((m) => m.role === 'assistant' && m.weight !== 0)) problems.push('no assistant message is trained on (every one has weight 0)');
  if (messages.at(-1)!.role !== 'assistant') problems.push(`the last message is the ${messages.at(-1)!.role}'s, not the assistant's`);

  const defined = new Set<string>();
  for (const tool of tools ?? []) {
    if (defined.has(tool.function.name)) problems.push(`tools: ${tool.function.name} is defined twice`);
    defined.add(tool.function.name);
  }
  const seen = new Set<string>();
  let open = new Set<string>();
  messages.forEach((m, i) => {
    if (m.role === 'tool') {
      if (!open.has(m.tool_call_id)) problems.push(`messages.${i}: tool_call_id ${m.tool_call_id} answers no open tool call`);
      open.delete(m.tool_call_id);
      return;
    }
    if (open.size) problems.push(`messages.${i}: tool call(s) ${[...open].join(', ')} not answered before the ${m.role} message`);
    open = new Set();
    if (m.role !== 'assistant') return;
    for (const call of m.tool_calls ?? []) {
      if (seen.has(call.id)) problems.push(`messages.${i}: tool call id ${call.id} is used twice`);
      seen.add(call.id);
      open.add(call.id);
      if (!defined.has(call.function.name)) problems.push(`messages.${i}: ${call.function.name} is called but not defined in tools`);
      if (!isJsonObject(call.function.arguments)) problems.push(`messages.${i}: the arguments of ${call.function.name} are not a JSON object`);
    }
  });
  if (open.size) problems.push(`tool call(s) ${[...open].join(', ')} never answered`);
  return problems;
}

function isJsonObject(text: string): boolean {
  try {
    const value = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
