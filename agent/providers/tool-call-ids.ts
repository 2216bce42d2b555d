/**
 * Ids for tool calls the provider sent without one (Ollama, usually Gemini): `call_<n>`, counting
 * on from the calls already in the conversation, so they are unique within it and identical on
 * every replay of it.
 */
export function toolCallIds(history: readonly { role: string; toolCalls?: readonly unknown[] }[]): () => string {
  let n = history.reduce((count, m) => count + (m.role === 'assistant' ? (m.toolCalls?.length ?? 0) : 0), 0);
  return () => `call_${++n}`;
}
