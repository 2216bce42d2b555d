// read_file: the model's way to look inside a workspace file. Everything it cannot usefully show
// (directories, binaries, huge files) is refused by throwing, so the loop records an error result
// whose text tells the model what to do instead.

import { createReadStream, promises as fs } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { defineTool } from './tool.ts';
import { MAX_READ_BYTES, describeFsError, resolveInWorkspace } from './workspace.ts';

// Same heuristic as git and grep: a NUL near the start means "not text".
const BINARY_SNIFF_BYTES = 8 * 1024;

const schema = z
  .object({
    path: z
      .string()
      .describe('Path of the file to read, relative to the workspace folder, for example "notes/todo.txt"'),
    start_line: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('First line to show, counting from 1. Leave it out to start at the beginning of the file'),
    end_line: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Last line to show, included. Leave it out to read to the end of the file'),
  })
  .refine((a) => a.start_line === undefined || a.end_line === undefined || a.end_line >= a.start_line, {
    message: 'end_line must not be before start_line',
    path: ['end_line'],
  });

export const readFileTool = defineTool({
  name: 'read_file',
  description:
    'Read a text file from the workspace and return its contents. Use it to open, show, view, print or check ' +
    'what a file says. For a long file, read part of it by giving start_line and end_line.',
  schema,
  async run(args, context) {
    const file = await resolveInWorkspace(context.workspaceRoot, args.path);
    const stat = await fs.stat(file).catch((error: unknown) => {
      throw new Error(describeFsError(error, args.path));
    });
    if (stat.isDirectory()) {
      throw new Error(`"${args.path}" is a directory, not a file; use list_files to see what it contains`);
    }
    // FIFOs and devices would block or never end.
    if (!stat.isFile()) throw new Error(`"${args.path}" is not a regular file`);
    if (await looksBinary(file)) throw new Error(`"${args.path}" is a binary file, not shown (${stat.size} bytes)`);

    const ranged = args.start_line !== undefined || args.end_line !== undefined;
    if (!ranged) {
      if (stat.size > MAX_READ_BYTES) throw new Error(tooLargeMessage(args.path, stat.size));
      const text = await fs.readFile(file, { encoding: 'utf8', signal: context.signal });
      // Some providers reject an empty tool result, and "" reads as "nothing happened".
      return text === '' ? '(empty file)' : text;
    }
    return readLineRange(file, args.path, args.start_line ?? 1, args.end_line ?? Infinity, context.signal);
  },
});

function tooLargeMessage(requested: string, size: number): string {
  return (
    `"${requested}" is ${formatKiB(size)}, over the ${formatKiB(MAX_READ_BYTES)} limit for reading a whole file; ` +
    'read it in parts with start_line and end_line, for example start_line 1 and end_line 200'
  );
}

function formatKiB(bytes: number): string {
  return `${Math.ceil(bytes / 1024)} KB`;
}

async function looksBinary(file: string): Promise<boolean> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(BINARY_SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, BINARY_SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead).includes(0);
  } finally {
    await handle.close();
  }
}

/**
 * Streams the file so a range near the start of a huge file costs little, and still caps the
 * output at MAX_READ_BYTES, telling the model where to continue.
 */
async function readLineRange(
  file: string,
  requested: string,
  start: number,
  end: number,
  signal: AbortSignal,
): Promise<string> {
  const lines: string[] = [];
  let bytes = 0;
  let lineNumber = 0;
  let note = '';
  const stream = createReadStream(file, { encoding: 'utf8', signal });
  const reader = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of reader) {
      lineNumber++;
      if (lineNumber < start) continue;
      if (lineNumber > end) break;
      const size = Buffer.byteLength(line, 'utf8') + 1;
      if (bytes + size <= MAX_READ_BYTES) {
        lines.push(line);
        bytes += size;
        continue;
      }
      if (lines.length === 0) {
        // One enormous line (minified code, a data dump): show its start rather than nothing.
        lines.push(Buffer.from(line, 'utf8').subarray(0, MAX_READ_BYTES).toString('utf8'));
        note = `[line ${lineNumber} is longer than the ${formatKiB(MAX_READ_BYTES)} output limit and was cut`;
        note += lineNumber < end ? `; continue with start_line ${lineNumber + 1}]` : ']';
      } else {
        note = `[stopped before line ${lineNumber}: output limit of ${formatKiB(MAX_READ_BYTES)} reached; continue with start_line ${lineNumber}]`;
      }
      break;
    }
  } finally {
    reader.close();
    stream.destroy();
  }
  if (lineNumber < start) {
    throw new Error(`start_line ${start} is past the end of "${requested}", which has ${lineNumber} lines`);
  }
  const text = lines.join('\n');
  if (note) return `${text}\n${note}`;
  // A range of blank lines is real content, but an empty result reads as "nothing happened".
  return text === '' ? '(empty line)' : text;
}
