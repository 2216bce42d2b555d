// The one reader of JSONL files checked with zod (datasets, cache recordings, BFCL files,
// calibration data): every non-blank line decoded and checked, the first bad one an InputError
// naming file, line and field.

import type { z } from 'zod';
import { InputError } from '../core/errors.ts';

/** A value read from a file, with the line it came from (1-based), for messages that point at it. */
export interface Located<T> {
  value: T;
  line: number;
}

export interface JsonlOptions {
  /** How a line becomes a value (default JSON.parse; BFCL's files need a lossless parse). */
  decode?: (line: string) => unknown;
  /** Skip lines starting with `//` (datasets allow comments). */
  comments?: boolean;
}

export function parseJsonl<S extends z.ZodType>(text: string, file: string, shape: S, options: JsonlOptions = {}): Located<z.output<S>>[] {
  const decode = options.decode ?? JSON.parse;
  const out: Located<z.output<S>>[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || (options.comments && line.startsWith('//'))) continue;
    const where = `${file}:${i + 1}`;
    let json: unknown;
    try {
      json = decode(line);
    } catch (error) {
      throw new InputError(`${where}: (line): not valid JSON: ${(error as Error).message}`);
    }
    const parsed = shape.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.length ? issue.path.join('.') : '(line)';
      throw new InputError(`${where}: ${field}: ${issue.message}`);
    }
    out.push({ value: parsed.data, line: i + 1 });
  }
  return out;
}
