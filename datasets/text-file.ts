// The one reader of a data file's text: a file that cannot be read, or that holds bytes which are
// not UTF-8, is bad input naming the file and the line. Not decoded with replacement characters:
// a case whose text silently changed would be scored against something nobody wrote.

import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.ts';

const strict = new TextDecoder('utf-8', { fatal: true });

/** The file's text (a leading byte-order mark dropped); `what` names it in the error ("dataset"). */
export function readUtf8(file: string, what = 'file'): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new InputError(`${file}: cannot read ${what} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return strict.decode(bytes);
  } catch {
    const { line, column, byte } = firstInvalid(bytes);
    throw new InputError(`${file}:${line}: (line): not UTF-8 (byte 0x${byte.toString(16).padStart(2, '0')} at byte ${column} of the line); save the file as UTF-8`);
  }
}

/** Where the first byte that is not UTF-8 is: its line, and its byte within the line, 1-based. */
function firstInvalid(bytes: Buffer): { line: number; column: number; byte: number } {
  const at = firstBadByte(bytes);
  const lineStart = bytes.lastIndexOf(0x0a, at - 1) + 1;
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i >= 0 && i < at; i = bytes.indexOf(0x0a, i + 1)) line++;
  return { line, column: at - lineStart + 1, byte: bytes[at]! };
}

/** The index of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629). */
function firstBadByte(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    // The continuation bytes a lead byte needs, and the range its first one must fall in
    // (which rules out overlong forms, surrogates and code points past U+10FFFF).
    const [n, low, high] =
      c >= 0xc2 && c <= 0xdf ? [1, 0x80, 0xbf]
      : c === 0xe0 ? [2, 0xa0, 0xbf]
      : c === 0xed ? [2, 0x80, 0x9f]
      : c >= 0xe1 && c <= 0xef ? [2, 0x80, 0xbf]
      : c === 0xf0 ? [3, 0x90, 0xbf]
      : c === 0xf4 ? [3, 0x80, 0x8f]
      : c >= 0xf1 && c <= 0xf3 ? [3, 0x80, 0xbf]
      : [0, 0, 0];
    if (n === 0) return i;
    for (let k = 1; k <= n; k++) {
      const next = b[i + k];
      const [lo, hi] = k === 1 ? [low, high] : [0x80, 0xbf];
      if (next === undefined || next < lo || next > hi) return i;
    }
    i += n + 1;
  }
  return b.length - 1;
}
