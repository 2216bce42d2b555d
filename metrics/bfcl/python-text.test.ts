// Python's string semantics the Java and JavaScript converters inherit from BFCL's Python code,
// each value worked out from CPython 3.11's documented behaviour (re, str.strip, int, float).

import { describe, expect, it } from 'vitest';
import { pyDictSet, pyFindAll, pyFloat, pyInt, pyPattern, pySlice, pyStrip } from './python-text.ts';

describe('pyPattern (a Python re pattern with Python semantics)', () => {
  it('lets $ match before one final newline, but not before two', () => {
    const integer = pyPattern(String.raw`^-?\d+$`, { anchored: true });
    expect([integer.test('12'), integer.test('12\n'), integer.test('12\n\n'), integer.test('1\n2')]).toEqual([true, true, false, false]);
  });

  it('lets . match anything but "\\n" (so "\\r" and U+2028 too), and everything with dotAll', () => {
    expect(pyPattern('^a.b$').test('a\rb')).toBe(true);
    expect(pyPattern('^a.b$').test('a\u2028b')).toBe(true);
    expect(pyPattern('^a.b$').test('a\nb')).toBe(false);
    expect(pyPattern('^a.b$', { dotAll: true }).test('a\nb')).toBe(true);
  });

  it('reads \\d as any decimal digit, \\w as alphanumerics and "_", \\s as str.isspace()', () => {
    expect(pyPattern(String.raw`^\d+$`).test('٣٤')).toBe(true); // ARABIC-INDIC digits
    expect(pyPattern(String.raw`^\w+$`).test('café_1')).toBe(true);
    expect(pyPattern(String.raw`^\s$`).test('\x1c')).toBe(true); // a separator Python counts as space
    expect(pyPattern(String.raw`^\s$`).test('\ufeff')).toBe(false); // JavaScript's \s has it, Python's does not
  });

  it('reads \\b with Unicode word characters, and \\" as a plain quote', () => {
    expect(pyPattern(String.raw`\bnew`).test('énew')).toBe(false);
    expect(pyPattern(String.raw`\bnew`).test(' new')).toBe(true);
    expect(pyPattern(String.raw`put\(\"(.*?)\"`).exec('put("k")')?.[1]).toBe('k');
  });

  it('matches at the start only when anchored (re.match) and anywhere otherwise (re.search)', () => {
    expect(pyPattern(String.raw`\[(.*?)\]`, { anchored: true }).test('x[1]')).toBe(false);
    expect(pyPattern(String.raw`\[(.*?)\]`).test('x[1]')).toBe(true);
  });
});

describe('pyFindAll', () => {
  it('gives the one group of each match, or all groups as a tuple', () => {
    expect(pyFindAll(pyPattern(String.raw`\[(.*?)\]`, { global: true }), '[[1, 2], [3]]')).toEqual(['[1, 2', '3']);
    expect(pyFindAll(pyPattern(String.raw`(\w)=(\d)?`, { global: true }), 'a=1 b=')).toEqual([['a', '1'], ['b', '']]);
  });
});

describe('pyInt and pyFloat (int() and float() on text)', () => {
  it('int(): surrounding whitespace, a sign, "_" between digits and any script\'s digits; null where Python raises', () => {
    expect([pyInt(' +7\n'), pyInt('-0'), pyInt('1_000'), pyInt('٣'), pyInt('00012')]).toEqual([7n, 0n, 1000n, 3n, 12n]);
    expect([pyInt('1__0'), pyInt('_1'), pyInt('1.0'), pyInt('12L'), pyInt('0x10'), pyInt('')]).toEqual([null, null, null, null, null, null]);
  });

  it('float(): also ".5", "5.", exponents, inf/infinity/nan in any case; null where Python raises', () => {
    expect([pyFloat('.5'), pyFloat('5.'), pyFloat(' 1_0.5e1_0 '), pyFloat('-iNfInItY'), pyFloat('3.14\n'), pyFloat('٣.٥')]).toEqual([0.5, 5, 105000000000, -Infinity, 3.14, 3.5]);
    expect(pyFloat('nan')).toBeNaN();
    expect([pyFloat('1e'), pyFloat('e5'), pyFloat('.'), pyFloat('1_.5'), pyFloat('inf5'), pyFloat('0x10'), pyFloat('3.5f')]).toEqual([null, null, null, null, null, null, null]);
  });
});

describe('pyStrip, pySlice, pyDictSet', () => {
  it('strips Python whitespace (not U+FEFF), or the given characters', () => {
    expect(pyStrip('\x1c\t a \u3000')).toBe('a');
    expect(pyStrip('\ufeffa')).toBe('\ufeffa');
    expect(pyStrip(`"'key'"`, `'"`)).toBe('key');
  });

  it('slices by code point, as Python indexes a str', () => {
    expect(pySlice('a😀', 1, -1)).toBe('');
    expect(pySlice("'😀'", 1, -1)).toBe('😀');
    expect(pySlice('12n', 0, -1)).toBe('12');
  });

  it('sets "__proto__" as an ordinary key, and keeps a repeated key at its first position', () => {
    const dict: Record<string, number> = {};
    pyDictSet(dict, 'b', 1);
    pyDictSet(dict, '__proto__', 2);
    pyDictSet(dict, 'b', 3);
    expect(Object.entries(dict)).toEqual([
      ['b', 3],
      ['__proto__', 2],
    ]);
    expect(Object.getPrototypeOf(dict)).toBe(Object.prototype);
  });
});
