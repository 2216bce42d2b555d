// The conversation a model-call span carries, in the three shapes exporters write it: the GenAI
// semantic conventions' `gen_ai.input.messages` / `gen_ai.output.messages` (role + typed parts),
// the Vercel AI SDK's `ai.prompt.messages` (its language-model prompt) with `ai.response.text` and
// `ai.response.toolCalls`, and the older flattened `gen_ai.prompt.N.*` / `gen_ai.completion.N.*`
// that OpenLLMetry-style instrumentations write. Anything unreadable is left out, never guessed.

import type { Message, ToolCall } from '../providers/types.ts';
import type { AttributeValue } from './span.ts';

type Attributes = Record<string, AttributeValue>;
type Json = unknown;

/** A JSON value sent as a string attribute (what most exporters do with structured values). */
export function jsonOf(value: AttributeValue | undefined): Json {
  if (typeof value !== 'string') return value ?? undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

const isRecord = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const asString = (v: Json): string | undefined => (typeof v === 'string' ? v : undefined);
const textOf = (v: Json): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

/** Tool-call arguments as an object: parsed from JSON text where they are text; {} when not an object. */
export function argumentsOf(value: Json): Record<string, unknown> {
  const parsed = typeof value === 'string' ? safeParse(value) : value;
  return isRecord(parsed) ? parsed : {};
}

function safeParse(s: string): Json {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** What one model call was sent and what it answered, as far as its span says. */
export interface SpanConversation {
  input?: Message[];
  output?: { text: string; toolCalls: ToolCall[]; finishReason?: string };
}

export function conversationOf(attributes: Attributes): SpanConversation {
  const input = semconvInput(attributes) ?? aiSdkInput(attributes) ?? indexedInput(attributes);
  return {
    ...optional('input', input && namedToolResults(input)),
    ...optional('output', semconvOutput(attributes) ?? aiSdkOutput(attributes) ?? indexedOutput(attributes)),
  };
}

/** Tool results named after the call they answer, where the span left the name out (semconv does). */
function namedToolResults(messages: Message[]): Message[] {
  const names = new Map<string, string>();
  return messages.map((m) => {
    if (m.role === 'assistant') for (const c of m.toolCalls ?? []) names.set(c.id, c.name);
    return m.role === 'tool' && !m.name && names.has(m.toolCallId) ? { ...m, name: names.get(m.toolCallId)! } : m;
  });
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

// --- GenAI semantic conventions: [{ role, parts: [{ type: text | tool_call | tool_call_response, ... }] }]

function semconvInput(attributes: Attributes): Message[] | undefined {
  const list = jsonOf(attributes['gen_ai.input.messages']);
  if (!Array.isArray(list)) return undefined;
  const messages: Message[] = [];
  const system = jsonOf(attributes['gen_ai.system_instructions']);
  if (Array.isArray(system)) {
    const content = system.map((p) => (isRecord(p) ? textOf(p.content) : textOf(p))).join('');
    if (content) messages.push({ role: 'system', content });
  }
  for (const m of list) if (isRecord(m)) messages.push(...semconvMessage(m));
  return messages;
}

function semconvMessage(m: Record<string, Json>): Message[] {
  const parts = Array.isArray(m.parts) ? m.parts.filter(isRecord) : [];
  const text = parts.filter((p) => p.type === 'text').map((p) => textOf(p.content)).join('');
  const role = asString(m.role);
  if (role === 'system' || role === 'user') return [{ role, content: text }];
  if (role === 'assistant') {
    const toolCalls = parts.filter((p) => p.type === 'tool_call').map((p) => ({ id: textOf(p.id), name: textOf(p.name), arguments: argumentsOf(p.arguments) }));
    return [{ role: 'assistant', content: text, ...(toolCalls.length ? { toolCalls } : {}) }];
  }
  if (role === 'tool') {
    return parts.filter((p) => p.type === 'tool_call_response').map((p) => ({ role: 'tool' as const, toolCallId: textOf(p.id), name: textOf(p.name), content: textOf(p.response ?? p.result) }));
  }
  return [];
}

function semconvOutput(attributes: Attributes): SpanConversation['output'] {
  const list = jsonOf(attributes['gen_ai.output.messages']);
  if (!Array.isArray(list)) return undefined;
  const first = list.find(isRecord);
  if (!first) return undefined;
  const [message] = semconvMessage({ ...first, role: 'assistant' });
  if (message?.role !== 'assistant') return undefined;
  const finishReason = asString(first.finish_reason);
  return { text: message.content, toolCalls: message.toolCalls ?? [], ...(finishReason ? { finishReason } : {}) };
}

// --- The Vercel AI SDK: its language-model prompt, and the response attributes of a do* span.

function aiSdkInput(attributes: Attributes): Message[] | undefined {
  const list = jsonOf(attributes['ai.prompt.messages']);
  if (!Array.isArray(list)) return undefined;
  const messages: Message[] = [];
  for (const m of list.filter(isRecord)) {
    const parts = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : Array.isArray(m.content) ? m.content.filter(isRecord) : [];
    const text = parts.filter((p) => p.type === 'text').map((p) => textOf(p.text)).join('');
    if (m.role === 'system' || m.role === 'user') messages.push({ role: m.role, content: text });
    else if (m.role === 'assistant') {
      const toolCalls = parts.filter((p) => p.type === 'tool-call').map((p) => ({ id: textOf(p.toolCallId), name: textOf(p.toolName), arguments: argumentsOf(p.input ?? p.args) }));
      messages.push({ role: 'assistant', content: text, ...(toolCalls.length ? { toolCalls } : {}) });
    } else if (m.role === 'tool') {
      for (const p of parts.filter((p) => p.type === 'tool-result')) {
        const output = isRecord(p.output) ? p.output : undefined;
        const isError = typeof output?.type === 'string' && output.type.startsWith('error');
        messages.push({ role: 'tool', toolCallId: textOf(p.toolCallId), name: textOf(p.toolName), content: textOf(output ? output.value : p.result), ...(isError ? { isError } : {}) });
      }
    }
  }
  return messages;
}

function aiSdkOutput(attributes: Attributes): SpanConversation['output'] {
  const text = asString(attributes['ai.response.text']);
  const calls = jsonOf(attributes['ai.response.toolCalls']);
  const finishReason = asString(attributes['ai.response.finishReason']);
  if (text === undefined && calls === undefined && finishReason === undefined) return undefined;
  const toolCalls = (Array.isArray(calls) ? calls.filter(isRecord) : []).map((c) => ({
    id: textOf(c.toolCallId),
    name: textOf(c.toolName),
    // v5 and later: `input` (JSON text from the provider); v4: `args`.
    arguments: argumentsOf(c.input ?? c.args),
  }));
  return { text: text ?? '', toolCalls, ...(finishReason ? { finishReason } : {}) };
}

// --- Flattened: gen_ai.prompt.0.role, gen_ai.prompt.0.content, gen_ai.completion.0.tool_calls.0.name, ...

function indexed(attributes: Attributes, prefix: string): Record<string, AttributeValue>[] {
  const out: Record<string, AttributeValue>[] = [];
  const pattern = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)\\.(.+)$`);
  for (const [key, value] of Object.entries(attributes)) {
    const match = pattern.exec(key);
    if (!match) continue;
    (out[Number(match[1])] ??= {})[match[2]!] = value;
  }
  return out.filter(Boolean);
}

function indexedToolCalls(entry: Record<string, AttributeValue>): ToolCall[] {
  return indexed(entry, 'tool_calls').map((c) => ({ id: textOf(c.id), name: textOf(c.name), arguments: argumentsOf(c.arguments) }));
}

function indexedInput(attributes: Attributes): Message[] | undefined {
  const entries = indexed(attributes, 'gen_ai.prompt');
  if (!entries.length) return undefined;
  return entries.flatMap((e): Message[] => {
    const content = textOf(e.content);
    if (e.role === 'system' || e.role === 'user') return [{ role: e.role, content }];
    if (e.role === 'assistant') {
      const toolCalls = indexedToolCalls(e);
      return [{ role: 'assistant', content, ...(toolCalls.length ? { toolCalls } : {}) }];
    }
    if (e.role === 'tool') return [{ role: 'tool', toolCallId: textOf(e.tool_call_id), name: textOf(e.name), content }];
    return [];
  });
}

function indexedOutput(attributes: Attributes): SpanConversation['output'] {
  const [first] = indexed(attributes, 'gen_ai.completion');
  if (!first) return undefined;
  const finishReason = asString(first.finish_reason);
  return { text: textOf(first.content), toolCalls: indexedToolCalls(first), ...(finishReason ? { finishReason } : {}) };
}
