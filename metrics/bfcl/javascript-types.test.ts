// BFCL's js_type_converter, rule by rule, on values worked out by hand from its patterns. An int
// is a bigint (5n) and a float a number (5), as everywhere in metrics/bfcl.

import { describe, expect, it } from 'vitest';
import { BfclCrashError, BfclDataError } from './errors.ts';
import { jsTypeConverter as convert } from './javascript-types.ts';

describe('jsTypeConverter: scalars', () => {
  it('String: one pair of matching quotes comes off; otherwise the text stays', () => {
    expect([convert("'abc'", 'String'), convert('"abc"', 'String'), convert('abc', 'String'), convert(`'abc"`, 'String')]).toEqual(['abc', 'abc', 'abc', `'abc"`]);
  });

  it('integer: ^-?\\d+$; float: ^-?\\d+(\\.\\d+)?$ (no exponent, no bare ".5")', () => {
    expect([convert('-12', 'integer'), convert('12.0', 'integer')]).toEqual([-12n, '12.0']);
    expect([convert('4', 'float'), convert('3.14', 'float'), convert('4e0', 'float'), convert('.5', 'float')]).toEqual([4, 3.14, '4e0', '.5']);
  });

  it('Bigint: needs the n suffix', () => {
    expect([convert('123n', 'Bigint'), convert('123', 'Bigint')]).toEqual([123n, '123']);
  });

  it('Bigint "12n\\n": BFCL\'s $ matches before the newline, then int("12n") raises: no verdict', () => {
    expect(() => convert('12n\n', 'Bigint')).toThrow(BfclCrashError);
  });

  it('Boolean: exactly "true" or "false"; any: the text', () => {
    expect([convert('true', 'Boolean'), convert('TRUE', 'Boolean'), convert('x => x', 'any')]).toEqual([true, 'TRUE', 'x => x']);
  });

  it('a type outside BFCL\'s table (lower-case "boolean", say) is a data error', () => {
    expect(() => convert('true', 'boolean')).toThrow(BfclDataError);
  });
});

describe('jsTypeConverter: arrays', () => {
  it('[...] or new Array(...), each element by the item type; quoted elements by it too', () => {
    expect(convert('[60, 30]', 'array', 'float')).toEqual([60, 30]);
    expect(convert('new Array(4, 5)', 'array', 'integer')).toEqual([4n, 5n]);
    expect(convert(`['completed', "failed"]`, 'array', 'String')).toEqual(['completed', 'failed']);
    expect(convert('[1n, 2n]', 'array', 'Bigint')).toEqual([1n, 2n]);
    expect(convert('[]', 'array', 'String')).toEqual([]);
  });

  it('an element without the item type\'s form stays text ("2.5" for integer)', () => {
    expect(convert('[3, 1, 2.5]', 'array', 'integer')).toEqual([3n, 1n, '2.5']);
  });

  it('matched at the start only: text after "]" is ignored; a newline inside defeats the match', () => {
    expect(convert('[1, 2] and more', 'array', 'integer')).toEqual([1n, 2n]);
    expect(convert('[1,\n2]', 'array', 'integer')).toBe('[1,\n2]');
    expect(convert('x[1]', 'array', 'integer')).toBe('x[1]');
  });

  it('two-dimensional arrays: elements by parseJsValue whatever the item type', () => {
    expect(convert(' [ [1, 2], [3,   4]]', 'array', 'array')).toEqual([
      [1n, 2n],
      [3n, 4n],
    ]);
  });

  it('every comma splits, even inside a quoted element', () => {
    expect(convert("['a, b']", 'array', 'String')).toEqual(["'a", "b'"]);
  });
});

describe('jsTypeConverter: dicts', () => {
  it('{key: value} up to the first "}": keys and scalar values lose their quotes, values parsed as literals', () => {
    expect(convert(`{'key1': 123, key2: "value", "key3": false}`, 'dict')).toEqual({ key1: 123n, key2: 'value', key3: false });
    expect(convert('{}', 'dict')).toEqual({});
  });

  it('array values are parsed again; unquoted names stay as text', () => {
    expect(convert('{"initialState": initialStateObject, "middlewares": ["loggerMiddleware"]}', 'dict')).toEqual({
      initialState: 'initialStateObject',
      middlewares: ['loggerMiddleware'],
    });
  });

  it('the first "}" ends the dict, so a nested dict is cut and stays text', () => {
    expect(convert('{a: {b: 1}, c: 2}', 'dict')).toEqual({ a: '{b: 1' });
  });

  it('text that does not start with "{" stays as it is', () => {
    expect(convert('config', 'dict')).toBe('config');
  });
});
