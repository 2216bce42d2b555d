// What /memory shows: the memory a conversation can reach, as a person reads it — MEMORY.md and
// today's log, each cut to its latest lines when long (the newest notes are the ones a person
// checks), and how many other logs there are. It fits one Telegram message (4096 characters).

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { dailyPath, listMemoryFiles, MEMORY_FILE } from '../memory/index.ts';

/** The most characters of file text shown; headers and the closing line come on top. */
export const MEMORY_VIEW_CHARS = 3_500;

/** The view of the memory under `root` on the day of `now`; '' when there is no memory file at all. */
export async function memoryView(root: string, now: Date, maxChars = MEMORY_VIEW_CHARS): Promise<string> {
  const today = dailyPath(now);
  const [durable, daily] = await Promise.all([readText(join(root, MEMORY_FILE)), readText(join(root, today))]);
  const others = (await listMemoryFiles(root)).filter((path) => path !== MEMORY_FILE && path !== today);
  if (durable === undefined && daily === undefined && others.length === 0) return '';
  // Half the room each; what one file does not use, the other may.
  const half = Math.floor(maxChars / 2);
  const room = (other: string | undefined) => Math.max(half, maxChars - (other?.length ?? 0));
  const parts = [
    `${MEMORY_FILE}:\n${durable === undefined ? '(empty)' : latest(durable, room(daily))}`,
    `${today} (today):\n${daily === undefined ? '(nothing yet)' : latest(daily, room(durable))}`,
  ];
  if (others.length) parts.push(`${others.length} other memory file${others.length === 1 ? '' : 's'} (${describe(others)}): I search them when you ask.`);
  return parts.join('\n\n');
}

async function readText(path: string): Promise<string | undefined> {
  try {
    const text = (await fs.readFile(path, 'utf8')).trim();
    return text === '' ? undefined : text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The end of `text` in at most `max` characters, starting on a line of its own, with a mark where it was cut. */
export function latest(text: string, max: number): string {
  if (text.length <= max) return text;
  const tail = text.slice(text.length - max);
  const lineStart = tail.indexOf('\n');
  const kept = lineStart >= 0 && lineStart < tail.length - 1 ? tail.slice(lineStart + 1) : tail;
  return `[… ${text.length - kept.length} earlier characters not shown]\n${kept}`;
}

/** The oldest and the newest of the other files, by name (daily logs sort by date). */
function describe(paths: readonly string[]): string {
  return paths.length === 1 ? paths[0]! : `${paths[0]} … ${paths[paths.length - 1]}`;
}
