// What every provider does the same way with the tool calls a model sent: reading their
// arguments, and the finish reason of a turn that has them.

import type { FinishReason, ToolCall } from './types.ts';

/**
 * Arguments as the model sent them: a JSON object, or JSON text of one. Anything else (text that
 * does not parse, an array, a number) becomes `{}` with the raw text kept for repair.
 */
export function parseArguments(raw: unknown): Pick<ToolCall, 'arguments' | 'invalidArguments'> {
  if (isObject(raw)) return { arguments: raw };
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw ?? null);
  if (text.trim() === '') return { arguments: {} };
  try {
    const value: unknown = JSON.parse(text);
    if (isObject(value)) return { arguments: value };
  } catch {
    // Falls through to invalidArguments.
  }
  return { arguments: {}, invalidArguments: text };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * One rule for every provider: a turn with tool calls finished with 'tool_calls', whatever the
 * server said (Ollama, Gemini and vLLM often say 'stop'); otherwise the server's reason stands.
 */
export function finishReasonOf(toolCalls: readonly unknown[], reported: FinishReason): FinishReason {
  return toolCalls.length > 0 ? 'tool_calls' : reported;
}
