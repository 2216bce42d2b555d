// Citations: the knowledge tool labels each chunk `[path:start-end]`; an answer cites a chunk by
// repeating that label (or `[path]` for the whole document). The Trace keeps which retrieved
// chunks the final answer cited, so scorers can check grounding without parsing prose.

import type { RetrievedChunk } from '../trace.ts';

export function citationLabel(chunk: Pick<RetrievedChunk, 'path' | 'lines'>): string {
  return chunk.lines ? `${chunk.path}:${chunk.lines[0]}-${chunk.lines[1]}` : chunk.path;
}

/** Ids of retrieved chunks cited in the answer, in order of first citation, without repeats. */
export function citedChunks(answer: string, retrieved: readonly RetrievedChunk[]): string[] {
  const cited: string[] = [];
  for (const match of answer.matchAll(/\[([^\[\]\s]+?)\]/g)) {
    const label = match[1]!;
    for (const chunk of retrieved) {
      const hit = citationLabel(chunk) === label || chunk.path === label;
      if (hit && !cited.includes(chunk.id)) cited.push(chunk.id);
    }
  }
  return cited;
}
