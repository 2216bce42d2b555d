// search_knowledge: the agent's way into the knowledge base. Each passage comes back labelled
// `[path:start-end]` so the answer can cite it, and the chunks go into the Trace. What embedding
// the query cost (nothing when the index's embedding cache had it, or for the offline hash
// embedder) comes back in `embedding`, for the Trace to add to the run's cost.

import { z } from 'zod';
import { citationLabel } from '../rag/citations.ts';
import type { IndexStore } from '../rag/index-store.ts';
import { search, type SearchConfigInput, type SearchReport } from '../rag/search.ts';
import type { EmbedUsage, Embedder } from '../rag/types.ts';
import type { RetrievedChunk } from '../trace.ts';
import { defineTool, type ToolOutput } from './tool.ts';

/** Passage text the model is shown per search, at most (about 4,000 tokens). */
const MAX_CONTENT_CHARS = 16_000;

export interface Knowledge {
  store: IndexStore;
  embedder: Embedder;
  search: SearchConfigInput;
}

/** The tool's output: passages and chunks, and what embedding the query cost. */
export interface KnowledgeOutput extends ToolOutput {
  /** Absent when no vector search ran (bm25 mode, or a query with no words). */
  embedding?: { cached: boolean; usage: EmbedUsage };
}

const schema = z.object({
  query: z.string().min(1).describe('What to look for: the question, or its key words'),
  k: z.number().int().min(1).max(20).optional().describe('How many passages to return (default from the configuration, usually 5)'),
});

export function searchKnowledgeTool(knowledge: Knowledge) {
  return defineTool<typeof schema, KnowledgeOutput>({
    name: 'search_knowledge',
    description:
      'Search the knowledge base (the product handbook and documentation) for passages that answer a question. ' +
      'Returns the best passages, each labelled with its source as [path:start-end]; cite those labels in the answer.',
    schema,
    async run({ query, k }, { signal }) {
      const report: SearchReport = {};
      const hits = await search(knowledge.store, knowledge.embedder, query, { ...knowledge.search, ...(k ? { k } : {}) }, signal, report);
      const embedding = report.queryEmbedding;
      const costUsd = embedding?.usage.costUsd || undefined;
      if (hits.length === 0) return { content: 'No passage in the knowledge base matches that query.', retrieved: [], embedding, costUsd };
      // The model sees passages up to a size budget; the Trace ranks every hit (retrieval
      // metrics at k = 1000 need them all) but keeps the text only of the passages shown.
      const shown: string[] = [];
      let size = 0;
      const retrieved: RetrievedChunk[] = hits.map((h) => {
        const label = `[${citationLabel({ path: h.path, lines: [h.startLine, h.endLine] })}]`;
        const fits = size + h.text.length <= MAX_CONTENT_CHARS || shown.length === 0;
        if (fits) {
          shown.push(`${label}\n${h.text}`);
          size += h.text.length + label.length;
        }
        return { id: h.chunkId, path: h.path, score: h.score, text: fits ? h.text : '', lines: [h.startLine, h.endLine], breakdown: h.breakdown };
      });
      const more = hits.length - shown.length;
      const content = shown.join('\n\n') + (more ? `\n\n(${more} more passages ranked lower are not shown)` : '');
      return { content, retrieved, embedding, costUsd };
    },
  });
}
