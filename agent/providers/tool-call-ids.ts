/**
 * Ids for tool calls the provider sent without one (Ollama, usually Gemini, some OpenAI-compatible
 * servers): `call_<n>`, counting on from the calls already in the conversation, so they are unique
 * within it and identical on every replay of it.
 */
export function toolCallIds(history: readonly { role: string; toolCalls?: readonly unknown[] }[]): () => string {
  let n = history.reduce((count, m) => count + (m.role === 'assistant' ? (m.toolCalls?.length ?? 0) : 0), 0);
  return () => `call_${++n}`;
}

/**
 * Whether an id is one Lunar made up rather than one a provider sent: `call_<n>` (toolCallIds,
 * the baseline) or `call_<step>_<i>` (the loop renaming duplicates, scripted targets). Such ids are
 * not sent back to providers that gave none.
 */
export function isGeneratedCallId(id: string): boolean {
  return /^call_\d+(?:_\d+)?$/.test(id);
}
