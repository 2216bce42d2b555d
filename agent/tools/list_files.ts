// list_files: what is in a workspace folder. Entries are written as paths relative to the
// workspace root (not to the listed folder), so any line can be passed straight to read_file or
// back to list_files without the model having to join paths.
//
// Format, one entry per line, depth-first with each folder's entries sorted by name:
//   notes.txt
//   src/                  folders end with "/"
//   src/main.ts           (recursive only: a folder's contents follow it)
//   latest -> src/main.ts symlinks show where they lead, relative to the root;
//   out -> (outside the workspace)   targets outside are not revealed; broken ones say so
// Symlinks are never descended into, so a recursive listing cannot loop or leave the workspace.

import { promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { defineTool } from './tool.ts';
import { describeFsError, isInside, resolveInWorkspace } from './workspace.ts';

export const MAX_LIST_ENTRIES = 500;
// Past this many entries we stop walking and only say "more than"; node_modules can be huge.
const MAX_COUNTED_ENTRIES = 20_000;
// Repository internals: large, noisy, and never what a user means by "the files".
const SKIPPED_NAMES = new Set(['.git']);

const schema = z.object({
  path: z
    .string()
    .default('.')
    .describe('Folder to list, relative to the workspace folder; "." (the default) is the top of the workspace'),
  recursive: z
    .boolean()
    .default(false)
    .describe('Also list everything inside subfolders, all the way down. Default false: only this folder'),
});

export const listFilesTool = defineTool({
  name: 'list_files',
  description:
    'List the files and folders in a workspace directory. Use it to see, show or find which files exist, ' +
    'what a folder contains, or to explore the project. Set recursive to include everything in subfolders.',
  schema,
  async run(args, context) {
    const root = await fs.realpath(context.workspaceRoot);
    const dir = await resolveInWorkspace(root, args.path);
    const stat = await fs.stat(dir).catch((error: unknown) => {
      throw new Error(describeFsError(error, args.path));
    });
    if (!stat.isDirectory()) {
      throw new Error(`"${args.path}" is a file, not a folder; use read_file to read it`);
    }
    const prefix = displayPrefix(args.path);
    const listing: Listing = { lines: [], total: 0, complete: true };
    await walk({ root, dir, prefix, recursive: args.recursive, signal: context.signal }, listing);
    return formatListing(listing);
  },
});

interface Listing {
  lines: string[];
  /** Entries seen, including those past the display cap. */
  total: number;
  /** False when the walk stopped at MAX_COUNTED_ENTRIES, so `total` is a lower bound. */
  complete: boolean;
}

interface WalkOptions {
  root: string;
  /** Real path of the folder being read. */
  dir: string;
  /** How entries of `dir` are spelled for the model: "" for the root, else "some/folder/". */
  prefix: string;
  recursive: boolean;
  signal: AbortSignal;
}

// Shown with the model's spelling (a symlinked folder is listed under the name it was asked by).
function displayPrefix(requested: string): string {
  const normalized = path.posix.normalize(requested === '' ? '.' : requested).replace(/\/+$/, '');
  return normalized === '.' || normalized === '' ? '' : `${normalized}/`;
}

async function walk(options: WalkOptions, listing: Listing): Promise<void> {
  const entries = await fs.readdir(options.dir, { withFileTypes: true }).catch((error: unknown) => {
    throw new Error(describeFsError(error, options.prefix || '.'));
  });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    options.signal.throwIfAborted();
    if (SKIPPED_NAMES.has(entry.name)) continue;
    if (listing.total >= MAX_COUNTED_ENTRIES) {
      listing.complete = false;
      return;
    }
    listing.total++;
    const shown = options.prefix + entry.name;
    if (listing.lines.length < MAX_LIST_ENTRIES) listing.lines.push(await describeEntry(options, entry, shown));
    if (options.recursive && entry.isDirectory()) {
      await walk({ ...options, dir: path.join(options.dir, entry.name), prefix: `${shown}/` }, listing);
    }
  }
}

async function describeEntry(options: WalkOptions, entry: Dirent, shown: string): Promise<string> {
  if (entry.isDirectory()) return `${shown}/`;
  if (!entry.isSymbolicLink()) return shown;
  const target = await fs.realpath(path.join(options.dir, entry.name)).catch(() => undefined);
  if (target === undefined) return `${shown} -> (broken link)`;
  if (!isInside(options.root, target)) return `${shown} -> (outside the workspace)`;
  const relative = path.relative(options.root, target).split(path.sep).join('/') || '.';
  const isDir = (await fs.stat(target).catch(() => undefined))?.isDirectory() ?? false;
  return isDir ? `${shown}/ -> ${relative}/` : `${shown} -> ${relative}`;
}

function formatListing(listing: Listing): string {
  if (listing.total === 0) return '(empty folder)';
  const hidden = listing.total - listing.lines.length;
  if (hidden === 0 && listing.complete) return listing.lines.join('\n');
  const count = listing.complete ? `${hidden}` : `more than ${hidden}`;
  return (
    `${listing.lines.join('\n')}\n` +
    `[... and ${count} more entries not shown; list a subfolder, or leave recursive off, to see them]`
  );
}
