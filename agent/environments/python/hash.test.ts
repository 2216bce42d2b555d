import { describe, expect, it } from 'vitest';
import { consistentHash, hashableRepr, strictEquals } from './hash.ts';
import { parsePyJson } from './json.ts';
import { strRepr } from './repr.ts';

describe("τ-bench's consistent_hash", () => {
  const value = parsePyJson('{"b": [1, 2.0, {"z": null, "a": true}], "a": {"only": "x\'y"}, "c": []}');

  it('is str() of nested tuples with sorted keys', () => {
    // str(to_hashable(value)) in CPython 3.11:
    expect(hashableRepr(value)).toBe(`(('a', (('only', "x'y"),)), ('b', (1, 2.0, (('a', True), ('z', None)))), ('c', ()))`);
  });

  it('hashes as CPython does', () => {
    expect(consistentHash(value)).toBe('58c19831b2bf25cc6eaef698361919f6224ffa887bbc7514f43927a4acc61d0d');
  });

  it('tells 9 from 9.0 and ignores key order', () => {
    expect(strictEquals(parsePyJson('{"a": 9, "b": 1}'), parsePyJson('{"b": 1, "a": 9}'))).toBe(true);
    expect(strictEquals(parsePyJson('{"a": 9}'), parsePyJson('{"a": 9.0}'))).toBe(false);
    expect(strictEquals(parsePyJson('[1, 2]'), parsePyJson('[2, 1]'))).toBe(false);
  });
});

describe('strRepr (Python repr(str))', () => {
  it.each([
    ["it's", `"it's"`],
    ['say "hi"', `'say "hi"'`],
    [`both ' and "`, `'both \\' and "'`],
    ['tab\there\u007f é \u200b 😀 \ud800', `'tab\\there\\x7f é \\u200b 😀 \\ud800'`],
  ])('repr(%j) = %s', (s, want) => {
    expect(strRepr(s)).toBe(want);
  });
});
