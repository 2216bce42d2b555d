// The memory files, plain markdown a person can read and edit: `MEMORY.md` for durable facts and
// `memory/YYYY-MM-DD.md`, one log a day. Every note is its own `##` section, so the RAG chunker
// (which never lets a chunk span two sections) indexes each note as its own chunk and a search
// ranks notes, not days:
//
//   memory/2026-01-05.md            MEMORY.md
//   # 2026-01-05                    # Memory
//
//   ## 09:00                        ## 2026-01-05 09:00
//   My cat is called Miso.          The user is vegetarian.
//
// Dates and times are UTC, from the run's clock (ToolContext.now), so a benchmark is reproducible
// wherever it runs. Other `.md` files a person puts under memory/ are memory too (undated).

import { scrubSecrets } from '../../core/secrets.ts';
import { promises as fs } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const MEMORY_FILE = 'MEMORY.md';
export const DAILY_DIR = 'memory';

/** Where memory_write appends: today's log, or MEMORY.md. */
export type NoteFile = 'daily' | 'MEMORY.md';

const DAILY = /^memory\/(\d{4}-\d{2}-\d{2})\.md$/;

/** `memory/YYYY-MM-DD.md` for the UTC day of `now`. */
export function dailyPath(now: Date): string {
  return `${DAILY_DIR}/${isoDay(now)}.md`;
}

/** The day a daily log is for (`2026-01-05`), or undefined for any other memory file. */
export function dateOfPath(path: string): string | undefined {
  const day = DAILY.exec(path)?.[1];
  return day && !Number.isNaN(Date.parse(day)) ? day : undefined;
}

/** True for the files memory consists of: MEMORY.md and markdown under memory/. */
export function isMemoryPath(path: string): boolean {
  return path === MEMORY_FILE || (path.startsWith(`${DAILY_DIR}/`) && /\.md$/i.test(path));
}

/** Every memory file under `root`, relative with "/", in name order. */
export async function listMemoryFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  if (await isFile(join(root, MEMORY_FILE))) found.push(MEMORY_FILE);
  found.push(...(await walkMarkdown(root, join(root, DAILY_DIR))));
  return found.sort();
}

async function walkMarkdown(root: string, dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walkMarkdown(root, full)));
    else if (entry.isFile() && /\.md$/i.test(entry.name)) out.push(relative(root, full).split(sep).join('/'));
  }
  return out;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await fs.stat(path)).isFile();
  } catch {
    return false;
  }
}

export interface AppendedNote {
  /** The file, relative to the memory root. */
  path: string;
  /** The lines the note's text occupies (1-based, inclusive), for memory_get. */
  lines: [number, number];
  /** The text as stored. */
  text: string;
}

/**
 * Appends a note as a new `##` section, creating the file (and memory/) with its title when
 * missing. Returns where the note's text landed.
 */
export async function appendNote(root: string, file: NoteFile, text: string, now: Date): Promise<AppendedNote> {
  const path = file === 'daily' ? dailyPath(now) : MEMORY_FILE;
  const full = join(root, path);
  // A key in a note is never written to the memory files (core/secrets.ts).
  const body = noteBody(scrubSecrets(text));
  const existing = await fs.readFile(full, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  const heading = file === 'daily' ? `## ${isoTime(now)}` : `## ${isoDay(now)} ${isoTime(now)}`;
  const title = file === 'daily' ? `# ${isoDay(now)}\n` : '# Memory\n';
  const before = existing ?? title;
  // A file a person saved without a final newline still gets the note on lines of its own.
  const joint = before.endsWith('\n') ? '' : '\n';
  const added = `${joint}\n${heading}\n${body}\n`;
  await fs.mkdir(join(root, DAILY_DIR), { recursive: true });
  if (existing === undefined) await fs.writeFile(full, title + added, { flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
    // Created meanwhile by a concurrent write: append to it instead.
    if (error.code !== 'EEXIST') throw error;
    await fs.appendFile(full, added);
  });
  else await fs.appendFile(full, added);
  const firstLine = lineCount(before + joint) + 3;
  return { path, lines: [firstLine, firstLine + lineCount(body) - 1], text: body };
}

/**
 * The note as stored: trimmed, line endings normalised, and a line that would start a markdown
 * heading escaped, so a note can never split itself into sections.
 */
export function noteBody(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .trim()
    .split('\n')
    .map((line) => (/^\s{0,3}#/.test(line) ? `\\${line.trimStart()}` : line))
    .join('\n');
}

/** Lines in text that ends with "\n" (or is empty): the line a following write starts on, minus one. */
function lineCount(text: string): number {
  if (text === '') return 0;
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}

export function isoDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

function isoTime(now: Date): string {
  return now.toISOString().slice(11, 16);
}
