// Python's ==, type() and repr() over PyValue, against values worked out in CPython 3.11.

import { describe, expect, it } from 'vitest';
import { pyEquals, pyIn, pyRepr, pyTypeName } from './python.ts';

describe('pyTypeName', () => {
  it('names an int (bigint) and a float (number) apart, and bool apart from both', () => {
    expect([pyTypeName(5n), pyTypeName(5), pyTypeName(true), pyTypeName(null), pyTypeName('5'), pyTypeName([]), pyTypeName({})]).toEqual([
      'int', 'float', 'bool', 'NoneType', 'str', 'list', 'dict',
    ]);
  });
});

describe('pyEquals', () => {
  it('compares numbers by value across int, float and bool, exactly', () => {
    expect(pyEquals(1n, 1)).toBe(true);
    expect(pyEquals(true, 1n)).toBe(true);
    expect(pyEquals(false, 0)).toBe(true);
    expect(pyEquals(2n ** 53n + 1n, 2 ** 53)).toBe(false); // 2**53 + 1 == 2.0**53 is False
    expect(pyEquals(1n, '1')).toBe(false);
    expect(pyEquals(null, 0n)).toBe(false);
  });

  it('compares lists by element, in order, and dicts by key regardless of order', () => {
    expect(pyEquals([1n, true], [1, 1n])).toBe(true);
    expect(pyEquals([1n, 2n], [2n, 1n])).toBe(false);
    expect(pyEquals({ a: 1n, b: 'x' }, { b: 'x', a: 1 })).toBe(true);
    expect(pyEquals({ a: 1n }, { a: 1n, b: 2n })).toBe(false);
    expect(pyEquals([], {})).toBe(false);
  });

  it('pyIn is membership by ==', () => {
    expect(pyIn(5, [5n, ''])).toBe(true);
    expect(pyIn('', [5n])).toBe(false);
  });
});

describe('pyRepr', () => {
  it('writes floats as Python does: .0 when integral, exponent below 1e-4 and from 1e16', () => {
    expect([0.0001, 0.00001, 1e16, 1e15, 123456789.125, -2.5e-7, 1, -0, 8.854e-12].map(pyRepr)).toEqual([
      '0.0001', '1e-05', '1e+16', '1000000000000000.0', '123456789.125', '-2.5e-07', '1.0', '-0.0', '8.854e-12',
    ]);
    expect(pyRepr(10n)).toBe('10');
  });

  it('quotes strings as Python does and escapes what is not printable', () => {
    expect(pyRepr("it's")).toBe('"it\'s"');
    expect(pyRepr('say "hi" it\'s')).toBe("'say \"hi\" it\\'s'");
    expect(pyRepr('a\u00a0b\tc\u0007\u200b😀é')).toBe("'a\\xa0b\\tc\\x07\\u200b😀é'");
  });

  it('writes None, True, lists and dicts', () => {
    expect(pyRepr({ unit: ['units', ''], ok: true, none: null })).toBe("{'unit': ['units', ''], 'ok': True, 'none': None}");
  });
});
