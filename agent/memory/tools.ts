// The memory tools: memory_write, memory_search, memory_get. A tool needs a memory root, which
// belongs to a conversation (an attempt, a chat), not to a suite; so a suite's registry holds the
// declarations (same names, schemas and descriptions, no memory behind them) and each run binds
// them to its MemoryStore with bindMemoryTools, which also records every use for the Trace.
//
// Descriptions matter twice: a model reads them, and the offline baseline routes by their words
// (agent/baseline: the tool whose description shares most words with the message, ties to the
// first name in order). memory_write's words are saving and remembering, memory_search's looking
// up what was told before; neither names credentials or subjects, so "what is my wifi password?"
// shares no word with either and goes to memory_search, the first of the two by name.

import { z } from 'zod';
import { citationLabel } from '../rag/citations.ts';
import { defineTool, ToolRegistry, type Tool, type ToolOutput } from '../tools/tool.ts';
import type { MemoryOpRecord, RetrievedChunk } from '../trace.ts';
import { dailyPath, MEMORY_FILE, type NoteFile } from './files.ts';
import { MemoryError, type MemoryStore } from './store.ts';

export const MEMORY_TOOL_NAMES = ['memory_write', 'memory_search', 'memory_get'] as const;

/** Text of the notes a search shows the model, at most. */
const MAX_SEARCH_CHARS = 8_000;

const writeSchema = z.object({
  text: z.string().min(1).describe('The note, one self-contained sentence'),
  file: z
    .enum(['daily', 'MEMORY.md'])
    .optional()
    .describe("daily: today's log (the default); MEMORY.md: durable facts"),
});

const searchSchema = z.object({
  query: z.string().min(1).describe('What to look for: the question, or its key words'),
  k: z.number().int().min(1).max(20).optional().describe('How many entries to return (default 5)'),
});

const getSchema = z
  .object({
    path: z.string().min(1).describe('The memory file, as memory_search labels it: MEMORY.md or memory/2026-01-05.md'),
    start_line: z.number().int().min(1).optional().describe('First line, counting from 1 (default 1)'),
    end_line: z.number().int().min(1).optional().describe('Last line, included (default: the end)'),
  })
  .refine((a) => a.start_line === undefined || a.end_line === undefined || a.end_line >= a.start_line, {
    message: 'end_line must not be before start_line',
    path: ['end_line'],
  });

// Each description keeps to its own words (see the header): memory_write's are saving and
// remembering, memory_search's looking up what was said before; no subject-matter examples
// ("cat", "name"), which would pull questions about them to the tool that has them.
const WRITE = {
  name: 'memory_write',
  description:
    'Save a note to long-term memory, to be remembered in later conversations: something the user asks you to ' +
    "remember, not forget, note down or keep in mind. Appends to today's log, or to MEMORY.md for durable facts. A " +
    'correction is saved as a new note; the newest wins.',
  schema: writeSchema,
};
const SEARCH = {
  name: 'memory_search',
  description:
    'Search long-term memory for what the user told or said before, in earlier conversations. Returns the matching ' +
    'entries, each labelled [file:lines].',
  schema: searchSchema,
};
const GET = {
  name: 'memory_get',
  description: 'Read lines of a memory file (MEMORY.md or a daily log memory/YYYY-MM-DD.md), e.g. the full text around a memory_search hit.',
  schema: getSchema,
};

/** The memory tools with no memory behind them, for a suite to offer by name; bindMemoryTools gives them one. */
export function memoryToolDeclarations(): Tool[] {
  const unbound = (name: string) => () => {
    throw new Error(`${name} has no memory here: memory is set up per conversation (a case with "sessions", a chat), not for this run`);
  };
  return [
    defineTool({ ...WRITE, run: unbound(WRITE.name) }),
    defineTool({ ...SEARCH, run: unbound(SEARCH.name) }),
    defineTool({ ...GET, run: unbound(GET.name) }),
  ];
}

/** Called with each memory operation as it completes. */
export type RecordMemoryOp = (op: MemoryOpRecord) => void;

/** The memory tools working on `store`, each use reported to `record`. */
export function memoryTools(store: MemoryStore, record: RecordMemoryOp = () => {}): Tool[] {
  const failed = (op: MemoryOpRecord['op'], at: Date, error: unknown, extra: Partial<MemoryOpRecord> = {}): never => {
    const refused = error instanceof MemoryError && error.refused;
    record({ op, at: at.toISOString(), ...extra, error: messageOf(error), ...(refused ? { refused: true } : {}) });
    throw error;
  };

  const write = defineTool({
    ...WRITE,
    async run({ text, file }, { now }) {
      const at = now();
      const target: NoteFile = file ?? 'daily';
      try {
        const note = await store.write(text, target, at);
        record({ op: 'write', at: at.toISOString(), path: note.path, text: note.text, lines: note.lines });
        return `Saved to ${note.path} (lines ${note.lines[0]}-${note.lines[1]}).`;
      } catch (error) {
        // A refused secret is not copied into the Trace: only the file it would have gone to.
        return failed('write', at, error, { path: target === 'daily' ? dailyPath(at) : MEMORY_FILE });
      }
    },
  });

  const search = defineTool<typeof searchSchema, ToolOutput>({
    ...SEARCH,
    async run({ query, k }, { now, signal }) {
      const at = now();
      let found;
      try {
        found = await store.search(query, at, { k, signal });
      } catch (error) {
        return failed('search', at, error, { query });
      }
      const labels = found.hits.map((h) => citationLabel({ path: h.path, lines: [h.startLine, h.endLine] }));
      record({ op: 'search', at: at.toISOString(), query, hits: labels, reindexed: found.reindexed });
      if (found.hits.length === 0) return { content: 'No note in memory matches that.', retrieved: [] };
      const shown: string[] = [];
      let size = 0;
      const retrieved: RetrievedChunk[] = found.hits.map((h, i) => {
        const fits = shown.length === 0 || size + h.text.length <= MAX_SEARCH_CHARS;
        if (fits) {
          shown.push(`[${labels[i]}]\n${h.text}`);
          size += h.text.length;
        }
        return { id: h.chunkId, path: h.path, score: h.score, text: fits ? h.text : '', lines: [h.startLine, h.endLine], breakdown: h.breakdown };
      });
      return { content: shown.join('\n\n'), retrieved };
    },
  });

  const get = defineTool({
    ...GET,
    async run({ path, start_line: start, end_line: end }, { now }) {
      const at = now();
      try {
        const read = await store.get(path, start, end);
        record({ op: 'get', at: at.toISOString(), path: read.path, lines: read.lines });
        const more = read.lines[1] < read.total ? `\n[${read.total - read.lines[1]} more lines; continue with start_line ${read.lines[1] + 1}]` : '';
        return `[${read.path}:${read.lines[0]}-${read.lines[1]}]\n${read.text === '' ? '(empty)' : read.text}${more}`;
      } catch (error) {
        return failed('get', at, error, { path });
      }
    },
  });

  return [write, search, get];
}

/**
 * The registry with each memory tool it offers (by name, declared or not) working on `store`, in
 * the same order; tools it does not offer stay out, so a suite decides which memory tools a run has.
 */
export function bindMemoryTools(registry: ToolRegistry, store: MemoryStore, record?: RecordMemoryOp): ToolRegistry {
  const bound = new Map(memoryTools(store, record).map((t) => [t.name, t]));
  return new ToolRegistry(registry.names().map((name) => bound.get(name) ?? registry.get(name)!));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
