// BFCL's java_type_converter, rule by rule, on values worked out by hand from its patterns. An
// int is a bigint (5n) and a float a number (5), as everywhere in metrics/bfcl.

import { describe, expect, it } from 'vitest';
import { BfclDataError } from './errors.ts';
import { javaTypeConverter as convert } from './java-types.ts';

describe('javaTypeConverter: scalars', () => {
  it('byte, short, integer: ^-?\\d+$ gives an int; anything else stays text ("5L", "5.0", "+5")', () => {
    expect([convert('42', 'integer'), convert('-128', 'byte'), convert('32767', 'short'), convert('42\n', 'integer')]).toEqual([42n, -128n, 32767n, 42n]);
    expect([convert('42L', 'integer'), convert('5.0', 'integer'), convert('+5', 'integer'), convert(' 5', 'integer')]).toEqual(['42L', '5.0', '+5', ' 5']);
  });

  it('long: needs the L suffix (either case); without it the text stays', () => {
    expect([convert('12L', 'long'), convert('-9223372036854775808l', 'long')]).toEqual([12n, -9223372036854775808n]);
    expect(convert('12', 'long')).toBe('12');
  });

  it('float: needs the f suffix; double: must not have it', () => {
    expect([convert('3.14f', 'float'), convert('3F', 'float'), convert('3e-3f', 'float')]).toEqual([3.14, 3, 0.003]);
    expect(convert('3.14', 'float')).toBe('3.14');
    expect([convert('3.14', 'double'), convert('3.14e2', 'double'), convert('3', 'double')]).toEqual([3.14, 314, 3]);
    expect(convert('3.14f', 'double')).toBe('3.14f');
  });

  it('boolean: exactly "true" or "false"', () => {
    expect([convert('true', 'boolean'), convert('false', 'boolean'), convert('True', 'boolean')]).toEqual([true, false, 'True']);
  });

  it("char: BFCL's pattern ^'.$' can never match, so the text stays, quotes and all", () => {
    expect([convert("'a'", 'char'), convert('a', 'char')]).toEqual(["'a'", 'a']);
  });

  it('String and any: the text as it is (quotes are not removed)', () => {
    expect([convert('"abc"', 'String'), convert('mapController', 'any')]).toEqual(['"abc"', 'mapController']);
  });
});

describe('javaTypeConverter: collections', () => {
  it('Array: new T[]{...} split at commas, blanks dropped, each element by the item type', () => {
    expect(convert('new int[] { 1, 2, 3 }', 'Array', 'integer')).toEqual([1n, 2n, 3n]);
    expect(convert('new long[]{1L, 2, 3L}', 'Array', 'long')).toEqual([1n, '2', 3n]);
    expect(convert('new int[]{}', 'Array', 'integer')).toEqual([]);
    expect(convert('Arrays.asList(1)', 'Array', 'integer')).toBe('Arrays.asList(1)');
  });

  it('Array of String: elements go through the String rule, so they keep their quotes', () => {
    expect(convert('new String[]{"a", "b"}', 'Array', 'String')).toEqual(['"a"', '"b"']);
  });

  it('ArrayList: Arrays.asList(...) or {{ add(...); }}; String and char elements lose their first and last character', () => {
    expect(convert('new ArrayList<>(Arrays.asList("a", "b"))', 'ArrayList', 'String')).toEqual(['a', 'b']);
    expect(convert("new ArrayList<Character>() {{ add('a'); add('b'); }}", 'ArrayList', 'char')).toEqual(['a', 'b']);
    expect(convert('new ArrayList<Integer>(Arrays.asList(1, 2))', 'ArrayList', 'integer')).toEqual([1n, 2n]);
    expect(convert('new ArrayList<>() {{\n add(1.5f);\n}}', 'ArrayList', 'float')).toEqual([1.5]);
    expect(convert('new ArrayList<>()', 'ArrayList', 'integer')).toEqual([]);
    expect(convert('List.of(1)', 'ArrayList', 'integer')).toBe('List.of(1)');
  });

  it('with no item type, elements are read as literals: true/false, "quoted", 3L, 2.5f, else int(), float() or the text', () => {
    expect(convert('new Object[]{1, "abc", true, 2.5f, 3L, x}', 'Array')).toEqual([1n, 'abc', true, 2.5, 3n, 'x']);
  });

  it('HashMap: put("k", v) pairs, values as untyped literals; empty forms give {}', () => {
    expect(convert('new HashMap<String, Object>() {{ put("limit", 50); put("schema", "public"); put("on", true); }}', 'HashMap')).toEqual({
      limit: 50n,
      schema: 'public',
      on: true,
    });
    expect([convert('new HashMap<>()', 'HashMap'), convert('new HashMap<>() {{ }}', 'HashMap')]).toEqual([{}, {}]);
    expect(convert('Map.of("a", 1)', 'HashMap')).toBe('Map.of("a", 1)');
  });

  it('Set, Hashtable, Queue, Stack: never implemented in BFCL (it raises), so a data error', () => {
    for (const type of ['Set', 'Hashtable', 'Queue', 'Stack']) expect(() => convert('x', type)).toThrow(BfclDataError);
    expect(() => convert('x', 'Integer')).toThrow(/no type 'Integer'/);
  });
});
