// Token usage when a provider does not report it: OpenAI-compatible servers that ignore
// stream_options.include_usage, Ollama when the prompt came from its cache (prompt_eval_count is
// then left out). The missing figure is estimated with cl100k_base (agent/rag/tokens.ts) over
// what was sent or received, and the result says it is an estimate, so no call silently counts
// as zero tokens.

import { countTokens } from '../rag/tokens.ts';
import type { ChatRequest, ToolCall, Usage } from './types.ts';

export interface UsageReading {
  usage: Usage;
  /** True when any figure was estimated rather than reported by the provider. */
  estimated: boolean;
}

/** What the model produced, for estimating output tokens. */
export interface ChatOutput {
  text: string;
  toolCalls: readonly Pick<ToolCall, 'name' | 'arguments' | 'invalidArguments'>[];
}

/**
 * The usage a provider reported, with each figure it left out (undefined) estimated. A provider
 * passes undefined for a figure it did not report; a reported 0 stands, and so does a missing
 * output count for an empty answer (servers that leave zeros out, Ollama's and Gemini's, do that).
 */
export function usageOrEstimate(
  reported: { inputTokens?: number; outputTokens?: number } | undefined,
  request: Pick<ChatRequest, 'messages' | 'tools'>,
  output: ChatOutput,
): UsageReading {
  const input = reported?.inputTokens;
  const nothingOut = !output.text && output.toolCalls.length === 0;
  const outputTokens = reported?.outputTokens ?? (nothingOut ? 0 : undefined);
  const estimated = input === undefined || outputTokens === undefined;
  return {
    usage: {
      inputTokens: input ?? estimateInputTokens(request),
      outputTokens: outputTokens ?? estimateOutputTokens(output),
      ...(estimated ? { estimated: true } : {}),
    },
    estimated,
  };
}

/** Tokens in the request: every message's content and tool calls, and the tool specs as JSON. */
export function estimateInputTokens(request: Pick<ChatRequest, 'messages' | 'tools'>): number {
  let total = 0;
  for (const message of request.messages) {
    total += countTokens(message.content);
    if (message.role === 'assistant' && message.toolCalls?.length) total += countTokens(JSON.stringify(message.toolCalls.map(callJson)));
  }
  if (request.tools?.length) total += countTokens(JSON.stringify(request.tools));
  return total;
}

/** Tokens in the answer: its text and its tool calls as JSON. */
export function estimateOutputTokens(output: ChatOutput): number {
  const calls = output.toolCalls.length ? countTokens(JSON.stringify(output.toolCalls.map(callJson))) : 0;
  return countTokens(output.text) + calls;
}

function callJson(call: Pick<ToolCall, 'name' | 'arguments' | 'invalidArguments'>): { name: string; arguments: unknown } {
  return { name: call.name, arguments: call.invalidArguments ?? call.arguments };
}
