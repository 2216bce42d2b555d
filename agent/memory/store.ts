// A memory root: its files (files.ts), their index (memory-index.ts) and the three things the
// memory tools do with them — write a note, search, read lines. Writes and re-indexing go one at
// a time (Serial), so two tool calls in one step cannot interleave a file or the index.
//
// Errors are MemoryError, with a message written for the model: it sees it as the tool's result.

import { promises as fs } from 'node:fs';
import { relative, sep } from 'node:path';
import type { SearchConfigInput } from '../rag/search.ts';
import type { Embedder, SearchHit } from '../rag/types.ts';
import { describeFsError, resolveInWorkspace, WorkspaceError } from '../tools/workspace.ts';
import { appendNote, isMemoryPath, type AppendedNote, type NoteFile } from './files.ts';
import { MemoryIndex, type Reindexed } from './memory-index.ts';
import { findSecret } from './secrets.ts';
import { Serial } from './serial.ts';

/** The most a memory_get returns; the model is told where to continue. */
export const MAX_GET_LINES = 200;

export class MemoryError extends Error {
  override name = 'MemoryError';
  /** True when a write was refused because it looked like a secret. */
  readonly refused: boolean;

  constructor(message: string, options: { refused?: boolean } = {}) {
    super(message);
    this.refused = options.refused ?? false;
  }
}

export interface MemoryStoreOptions {
  /** Default: the offline hash embedder. */
  embedder?: Embedder;
  /** Overrides of MEMORY_SEARCH (k, mode, decay ...). */
  search?: SearchConfigInput;
  /** Default: `<root>/.memory-index.db`. */
  indexPath?: string;
}

export interface FoundNotes {
  hits: SearchHit[];
  reindexed: Reindexed;
}

export interface ReadLines {
  path: string;
  text: string;
  lines: [number, number];
  /** Lines in the whole file. */
  total: number;
}

export class MemoryStore {
  private readonly index: MemoryIndex;
  private readonly serial = new Serial();

  constructor(
    readonly root: string,
    private readonly options: MemoryStoreOptions = {},
  ) {
    this.index = new MemoryIndex(root, options.embedder, options.indexPath);
  }

  /** Appends a note; refuses one that looks like it holds a secret (nothing is written then). */
  write(text: string, file: NoteFile, now: Date): Promise<AppendedNote> {
    const secret = findSecret(text);
    if (secret) {
      return Promise.reject(
        new MemoryError(
          `not saved: the note looks like it contains ${secret.kind}, and secrets are never stored in memory. ` +
            'Tell the user it was not saved; if something about it is worth remembering, save that without the secret value ' +
            '(for example "the wifi password is in the password manager").',
          { refused: true },
        ),
      );
    }
    if (text.trim() === '') return Promise.reject(new MemoryError('not saved: the note is empty'));
    return this.serial.run(() => appendNote(this.root, file, text, now));
  }

  /** Re-indexes what changed, then searches; decay is measured from `now`. */
  search(query: string, now: Date, options: { k?: number; signal?: AbortSignal } = {}): Promise<FoundNotes> {
    return this.serial.run(async () => {
      const reindexed = await this.index.sync(options.signal);
      const config = { ...this.options.search, ...(options.k ? { k: options.k } : {}) };
      const hits = await this.index.search(query, now, config, options.signal);
      return { hits, reindexed };
    });
  }

  /** Lines of a memory file (1-based, inclusive), confined to the memory root and its memory files. */
  async get(path: string, start = 1, end?: number): Promise<ReadLines> {
    const real = await this.resolve(path);
    let text: string;
    try {
      text = await fs.readFile(real, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new MemoryError(`"${path}" does not exist; memory_search shows which files hold notes`);
      throw new MemoryError(describeFsError(error, path));
    }
    const all = text.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
    const total = text === '' ? 0 : all.length;
    if (start > Math.max(total, 1)) throw new MemoryError(`start_line ${start} is past the end of "${path}", which has ${total} lines`);
    const last = Math.min(end ?? total, total, start + MAX_GET_LINES - 1);
    return { path, text: all.slice(start - 1, last).join('\n'), lines: [start, Math.max(start, last)], total };
  }

  private async resolve(path: string): Promise<string> {
    await fs.mkdir(this.root, { recursive: true });
    let real: string;
    try {
      real = await resolveInWorkspace(this.root, path);
    } catch (error) {
      if (error instanceof WorkspaceError) throw new MemoryError(error.message.replaceAll('the workspace', 'the memory folder'));
      throw error;
    }
    const inside = relative(await fs.realpath(this.root), real).split(sep).join('/');
    if (!isMemoryPath(inside)) {
      throw new MemoryError(`"${path}" is not a memory file: memory_get reads MEMORY.md and the markdown files under memory/`);
    }
    return real;
  }

  close(): void {
    this.index.close();
  }
}
