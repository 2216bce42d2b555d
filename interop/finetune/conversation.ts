// A run's Trace as a training conversation: first in OpenAI's chat format (the full record: tool
// calls with ids, tool results, the tool definitions offered), then ShareGPT from that. Tool call
// ids are renumbered call_1, call_2, ... in order, so two runs that said and did the same are the
// same example whatever ids their providers made up.

import { builtinTools } from '../../agent/tools/builtin.ts';
import { searchKnowledgeTool, type Knowledge } from '../../agent/tools/search_knowledge.ts';
import { ToolRegistry } from '../../agent/tools/tool.ts';
import type { ToolSpec } from '../../agent/providers/types.ts';
import type { Trace } from '../../agent/trace.ts';
import type { OpenAiExample, OpenAiMessage, OpenAiTool } from './openai-format.ts';
import type { ShareGptExample, ShareGptTurn } from './sharegpt-format.ts';

/**
 * The definitions of the tools Lunar's agent can be offered: the built-in tools and
 * search_knowledge (only its declaration is read here, so it is given no knowledge base).
 */
export function knownToolSpecs(): Map<string, ToolSpec> {
  const registry = new ToolRegistry([...builtinTools(), searchKnowledgeTool(undefined as unknown as Knowledge)]);
  return new Map(registry.specs().map((spec) => [spec.name, spec]));
}

export type Converted = { ok: true; example: OpenAiExample } | { ok: false; reason: string; unknownTools?: string[] };

/** Why an example is left out when a tool it was offered has no definition to give. */
export const UNKNOWN_DEFINITIONS = 'tool definitions unknown';

/**
 * The Trace as an OpenAI chat example, or why it cannot be one. Tool definitions come from the
 * trace itself (what the run was offered, MCP tools included), else — a trace recorded before
 * traces kept them — from `specs` (Lunar's own tools); a tool found in neither is named in
 * `unknownTools`.
 */
export function openAiExample(trace: Trace, specs: ReadonlyMap<string, ToolSpec>): Converted {
  const offered = [...new Set(trace.modelCalls.flatMap((call) => call.request.tools))];
  const recorded = new Map((trace.offeredTools ?? []).map((t) => [t.name, t]));
  const definitionOf = (name: string): ToolSpec | undefined => recorded.get(name) ?? specs.get(name);
  const unknown = offered.filter((name) => !definitionOf(name));
  if (unknown.length) return { ok: false, reason: UNKNOWN_DEFINITIONS, unknownTools: unknown };
  const ids = new Map<string, string>();
  const messages: OpenAiMessage[] = [];
  // The agent adds no user message, so what it said comes after the last one; assistant turns
  // before it came with the case (a conversation so far) and are context, not trained on.
  const generatedFrom = trace.messages.map((m) => m.role).lastIndexOf('user') + 1;
  for (const [index, m] of trace.messages.entries()) {
    if (m.role === 'system' || m.role === 'user') messages.push({ role: m.role, content: m.content });
    else if (m.role === 'tool') messages.push({ role: 'tool', tool_call_id: ids.get(m.toolCallId) ?? m.toolCallId, content: m.content });
    else {
      const calls = (m.toolCalls ?? []).map((call) => {
        const id = `call_${ids.size + 1}`;
        ids.set(call.id, id);
        // Arguments that did not parse are kept as sent, so the format check refuses the example.
        return { id, type: 'function' as const, function: { name: call.name, arguments: call.invalidArguments ?? JSON.stringify(call.arguments) } };
      });
      messages.push({ role: 'assistant', ...(m.content ? { content: m.content } : {}), ...(calls.length ? { tool_calls: calls } : {}), weight: index >= generatedFrom ? 1 : 0 });
    }
  }
  const tools: OpenAiTool[] = offered.map((name) => {
    const spec = definitionOf(name)!;
    return { type: 'function', function: { name: spec.name, description: spec.description, parameters: spec.parameters } };
  });
  return { ok: true, example: { messages, ...(tools.length ? { tools } : {}) } };
}

export type ShareGptConverted = { ok: true; example: ShareGptExample; droppedText: number } | { ok: false; reason: string };

/**
 * The same conversation in ShareGPT. A function_call turn holds only the calls, so text the
 * assistant wrote beside its tool calls is left out (counted in droppedText).
 */
export function shareGptExample(example: OpenAiExample): ShareGptConverted {
  const turns: ShareGptTurn[] = [];
  let system: string | undefined;
  let droppedText = 0;
  const { messages } = example;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role === 'system') {
      if (turns.length) return { ok: false, reason: 'a system message in the middle of the conversation' };
      system = system === undefined ? m.content : `${system}\n\n${m.content}`;
    } else if (m.role === 'user') turns.push({ from: 'human', value: m.content });
    else if (m.role === 'assistant' && m.tool_calls) {
      if (m.content) droppedText++;
      const calls = m.tool_calls.map((c) => ({ name: c.function.name, arguments: parseArguments(c.function.arguments) }));
      turns.push({ from: 'function_call', value: JSON.stringify(calls.length === 1 ? calls[0] : calls) });
      const results: string[] = [];
      while (messages[i + 1]?.role === 'tool') results.push((messages[++i] as { content: string }).content);
      turns.push({ from: 'observation', value: results.length === 1 ? results[0]! : JSON.stringify(results) });
    } else if (m.role === 'assistant') turns.push({ from: 'gpt', value: m.content ?? '' });
    else return { ok: false, reason: 'a tool result with no tool call before it' };
  }
  const tools = example.tools?.map((t) => ({ name: t.function.name, description: t.function.description, parameters: t.function.parameters }));
  return { ok: true, droppedText, example: { conversations: turns, ...(system !== undefined ? { system } : {}), ...(tools?.length ? { tools: JSON.stringify(tools) } : {}) } };
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
