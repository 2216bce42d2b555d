import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readUtf8 } from './text-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'lunar-text-'));
const file = (name: string, bytes: Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

describe('readUtf8', () => {
  it('reads UTF-8 text and drops a leading byte-order mark', () => {
    expect(readUtf8(file('ok.txt', Buffer.from('\ufeffcafé ✓ 𝄞\n')))).toBe('café ✓ 𝄞\n');
  });

  it.each([
    ['a Latin-1 é', Buffer.from([0x61, 0x0a, 0x62, 0x63, 0xe9, 0x0a]), 2, 3, 'e9'],
    ['an overlong slash (C0 AF)', Buffer.from([0x78, 0xc0, 0xaf]), 1, 2, 'c0'],
    ['a UTF-16 surrogate (ED A0 80)', Buffer.from([0x0a, 0x0a, 0x0a, 0xed, 0xa0, 0x80]), 4, 1, 'ed'],
    ['a sequence cut at the end of the file', Buffer.from([0x61, 0x62, 0xe2, 0x9c]), 1, 3, 'e2'],
  ])('names the line and byte of %s', (_, bytes, line, column, byte) => {
    const path = file('bad.jsonl', bytes);
    expect(() => readUtf8(path, 'dataset')).toThrow(`${path}:${line}: (line): not UTF-8 (byte 0x${byte} at byte ${column} of the line); save the file as UTF-8`);
  });

  it('says a file that cannot be read is bad input', () => {
    expect(() => readUtf8(join(dir, 'none.jsonl'), 'dataset')).toThrow(`${join(dir, 'none.jsonl')}: cannot read dataset (ENOENT)`);
  });
});
