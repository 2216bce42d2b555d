// What judges are shown of a case and its trace: the question, the retrieved context and the
// reference answers, rendered the same way for every judge.

import type { RetrievedChunk, Trace } from '../agent/trace.ts';
import type { Case } from '../datasets/case.ts';

/** The user's question; a conversation is shown whole, one `role: text` paragraph per message. */
export function questionOf(c: Case): string {
  if (c.input !== undefined) return c.input;
  if (c.sessions) return c.sessions.map((turns, i) => `session ${i + 1}:\n${turns.map((t) => `user: ${t}`).join('\n\n')}`).join('\n\n');
  return (c.messages ?? []).map((m) => `${m.role}: ${m.content}`).join('\n\n');
}

/** Retrieved chunks in the order first retrieved, each once (a chunk two searches found counts at its first place). */
export function retrievedChunks(trace: Pick<Trace, 'retrieved'>): RetrievedChunk[] {
  const seen = new Set<string>();
  return trace.retrieved.filter((chunk) => !seen.has(chunk.id) && seen.add(chunk.id));
}

/** Chunks as numbered passages naming their source: `[1] path#0` then the text. */
export function renderChunks(chunks: readonly RetrievedChunk[]): string {
  return chunks.map((chunk, i) => `[${i + 1}] ${chunk.id}\n${chunk.text}`).join('\n\n');
}

/** A numbered list, one item a line: `1. text`. */
export function numbered(items: readonly string[]): string {
  return items.map((item, i) => `${i + 1}. ${item}`).join('\n');
}

export const NO_CONTEXT = 'no retrieved context: the agent retrieved nothing, so there is nothing to check the answer against';
export const noAnswer = (trace: Pick<Trace, 'stopReason'>) => `no final answer (${trace.stopReason})`;
