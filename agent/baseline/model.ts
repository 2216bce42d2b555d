// The `baseline` target: a small deterministic policy with no language model. On a user message
// it picks the tool whose description is most like the message, provided it can fill the tool's
// required arguments from the message; once tool results are in, it answers with them. With no
// fitting tool it says it cannot answer. It is the floor every real model should beat.

import { streamFromChat } from '../providers/stream-from-chat.ts';
import { finishReasonOf } from '../providers/tool-calls.ts';
import type { ChatModel, ChatRequest, ChatResult, Message, StreamEvent, ToolCall, ToolSpec } from '../providers/types.ts';
import { fillArguments } from './arguments.ts';
import { cosine, terms } from './similarity.ts';

/** Below this score (similarity plus the argument bonus) no tool is called. */
const MIN_SCORE = 0.15;
const ARGUMENT_BONUS = 0.3;
const MAX_QUOTED_CHARS = 4_000;

export const NO_TOOL_ANSWER = 'I cannot answer that: no tool fits the question and no knowledge base was given to search.';

export class BaselineModel implements ChatModel {
  readonly id = 'baseline';
  readonly provider = 'baseline';
  readonly model = 'baseline';

  async chat(request: ChatRequest): Promise<ChatResult> {
    request.signal?.throwIfAborted();
    const started = performance.now();
    const turn = currentTurn(request.messages);
    const toolCalls = turn.toolResults.length || request.toolChoice === 'none' ? [] : chooseCalls(turn.question, request.tools ?? []);
    const text = toolCalls.length ? '' : answer(turn.toolResults);
    return {
      text,
      toolCalls,
      usage: { inputTokens: 0, outputTokens: 0 },
      finishReason: finishReasonOf(toolCalls, 'stop'),
      latencyMs: performance.now() - started,
      costUsd: 0,
      attempts: 1,
    };
  }

  stream(request: ChatRequest): AsyncIterable<StreamEvent> {
    return streamFromChat((r) => this.chat(r), request);
  }
}

interface Turn {
  question: string;
  toolResults: Extract<Message, { role: 'tool' }>[];
}

/** The latest user message and the tool results that followed it. */
function currentTurn(messages: readonly Message[]): Turn {
  const toolResults: Turn['toolResults'] = [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.role === 'tool') toolResults.unshift(message);
    if (message.role === 'user') return { question: message.content, toolResults };
  }
  return { question: '', toolResults };
}

export function chooseCalls(question: string, tools: readonly ToolSpec[]): ToolCall[] {
  const asked = terms(question);
  const ranked = tools
    .map((tool) => {
      const argumentSets = fillArguments(question, tool.parameters);
      // A value pulled from the message (a path, an expression, a city) is stronger evidence
      // than shared words: "1,234 times 56" shares "time" with current_time, not with calculator.
      const filledFromMessage = argumentSets !== undefined && Object.keys(argumentSets[0]!).length > 0;
      const score = cosine(asked, terms(describe(tool))) + (filledFromMessage ? ARGUMENT_BONUS : 0);
      return { tool, argumentSets, score };
    })
    .filter((r) => r.argumentSets && r.score >= MIN_SCORE)
    .sort((a, b) => b.score - a.score || a.tool.name.localeCompare(b.tool.name));
  const best = ranked[0];
  if (!best) return [];
  return best.argumentSets!.map((args, i) => ({ id: `call_${i + 1}`, name: best.tool.name, arguments: args }));
}

/** The words a tool is known by: its name, description and each parameter's name and description. */
function describe(tool: ToolSpec): string {
  const properties = (tool.parameters.properties ?? {}) as Record<string, { description?: string }>;
  const parts = [tool.name.replace(/_/g, ' '), tool.description];
  for (const [name, property] of Object.entries(properties)) parts.push(name.replace(/_/g, ' '), property.description ?? '');
  return parts.join(' ');
}

function answer(results: Turn['toolResults']): string {
  if (results.length === 0) return NO_TOOL_ANSWER;
  return results
    .map((r) => {
      const body = r.content.length > MAX_QUOTED_CHARS ? `${r.content.slice(0, MAX_QUOTED_CHARS)}…` : r.content;
      if (r.isError) return `The ${r.name} tool failed: ${body}`;
      return results.length === 1 ? `${r.name} says: ${body}` : `${r.name}: ${body}`;
    })
    .join('\n');
}
