import { describe, expect, it } from 'vitest';
import { parsePyJson, pyJsonDumps } from './json.ts';
import { floatRepr } from './repr.ts';
import { float, PyFloat } from './value.ts';

describe('floatRepr (Python repr(float))', () => {
  // [value, repr] printed by CPython 3.11.
  it.each([
    [1.0, '1.0'],
    [123.45, '123.45'],
    [100.0, '100.0'],
    [1e16, '1e+16'],
    [1e15, '1000000000000000.0'],
    [1234567890123456.0, '1234567890123456.0'],
    [12345678901234567.0, '1.2345678901234568e+16'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [-0.0, '-0.0'],
    [1e22, '1e+22'],
    [5e-324, '5e-324'],
    [123456789.123, '123456789.123'],
  ])('repr(%s) = %s', (x, want) => {
    expect(floatRepr(x)).toBe(want);
  });
});

describe('pyJsonDumps (Python json.dumps)', () => {
  it('writes floats as floats, ints as ints, with ", " and ": "', () => {
    const v = parsePyJson('{"n": [1, 1.0, -0.0, 3.14, true, null], "x": 100.0, "y": 100}');
    expect(pyJsonDumps(v)).toBe('{"n": [1, 1.0, -0.0, 3.14, true, null], "x": 100.0, "y": 100}');
  });

  it('escapes non-ASCII as \\uXXXX (surrogate pairs for astral characters) and DEL', () => {
    const s = 'café ü 😀 \u007f \u0000 \n " \\ / \u2028';
    // json.dumps({"s": s}) in CPython:
    expect(pyJsonDumps(new Map([['s', s]]))).toBe('{"s": "caf\\u00e9 \\u00fc \\ud83d\\ude00 \\u007f \\u0000 \\n \\" \\\\ / \\u2028"}');
  });

  it('keeps key order, integer-like keys included', () => {
    const text = '{"9": 1, "10": 2, "1656367028": 3, "a": 4}';
    expect(pyJsonDumps(parsePyJson(text))).toBe(text);
  });

  it('writes NaN and infinities as Python does', () => {
    expect(pyJsonDumps([float(NaN), float(Infinity), float(-Infinity)])).toBe('[NaN, Infinity, -Infinity]');
  });
});

describe('parsePyJson (Python json.loads)', () => {
  it('tells 100.0 from 100', () => {
    const v = parsePyJson('[100.0, 100, 1e2, 12345678901234567890]') as unknown[];
    expect(v[0]).toBeInstanceOf(PyFloat);
    expect(v[1]).toBe(100);
    expect(v[2]).toBeInstanceOf(PyFloat);
    expect(v[3]).toBe(12345678901234567890n);
  });

  it('keeps the first position and the last value of a repeated key', () => {
    expect(pyJsonDumps(parsePyJson('{"a": 1, "b": 2, "a": 3}'))).toBe('{"a": 3, "b": 2}');
  });

  it('rejects what Python rejects', () => {
    expect(() => parsePyJson('{"a": 01}')).toThrow(/Expecting ',' delimiter/);
    expect(() => parsePyJson('[1,]')).toThrow(/Expecting value/);
  });
});
