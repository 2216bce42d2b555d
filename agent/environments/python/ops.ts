// The few Python operations the τ-bench tools perform, with Python's results and Python's errors.
// Models send arguments of any type, and τ-bench does not validate them: a list where a string was
// expected reaches the tool, fails inside it, and the model reads "Error: <what Python said>".

import { indexError, keyError, typeError, valueError } from './errors.ts';
import { pyRepr, strRepr } from './repr.ts';
import { pyRound } from './round.ts';
import { PyFloat, float, int, typeName, type PyDict, type PyList, type PyValue } from './value.ts';

/** container[key] for a str key (every subscript in the tools is a dict lookup by name or id). */
export function getItem(container: PyValue, key: PyValue): PyValue {
  if (container instanceof Map) {
    if (Array.isArray(key) || key instanceof Map) throw typeError(`unhashable type: '${typeName(key)}'`);
    const found = typeof key === 'string' ? container.get(key) : undefined;
    if (found === undefined) throw keyError(pyRepr(key));
    return found;
  }
  if (Array.isArray(container)) {
    if (typeof key === 'number' || typeof key === 'boolean') return listIndex(container, Number(key));
    throw typeError(`list indices must be integers or slices, not ${typeName(key)}`);
  }
  if (typeof container === 'string') {
    if (typeof key === 'number' || typeof key === 'boolean') {
      const chars = [...container];
      const i = Number(key) < 0 ? chars.length + Number(key) : Number(key);
      if (i < 0 || i >= chars.length) throw indexError('string index out of range');
      return chars[i]!;
    }
    throw typeError(`string indices must be integers, not '${typeName(key)}'`);
  }
  throw typeError(`'${typeName(container)}' object is not subscriptable`);
}

/** list[index] */
export function listIndex(list: PyList, index: number): PyValue {
  const i = index < 0 ? list.length + index : index;
  if (i < 0 || i >= list.length) throw indexError('list index out of range');
  return list[i]!;
}

/** dict[key] = value */
export function setItem(container: PyValue, key: string, value: PyValue): void {
  if (!(container instanceof Map)) throw typeError(`'${typeName(container)}' object does not support item assignment`);
  container.set(key, value);
}

/** del dict[key] */
export function delItem(container: PyValue, key: PyValue): void {
  if (!(container instanceof Map)) throw typeError(`'${typeName(container)}' object doesn't support item deletion`);
  if (Array.isArray(key) || key instanceof Map) throw typeError(`unhashable type: '${typeName(key)}'`);
  if (typeof key !== 'string' || !container.has(key)) throw keyError(pyRepr(key));
  container.delete(key);
}

/** `item in container` */
export function contains(container: PyValue, item: PyValue): boolean {
  if (container instanceof Map) {
    if (Array.isArray(item) || item instanceof Map) throw typeError(`unhashable type: '${typeName(item)}'`);
    return typeof item === 'string' && container.has(item);
  }
  if (Array.isArray(container)) return container.some((x) => pyEquals(x, item));
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw typeError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  throw typeError(`argument of type '${typeName(container)}' is not iterable`);
}

/** len(x); a str counts code points. */
export function len(v: PyValue): number {
  if (typeof v === 'string') {
    let n = 0;
    for (const _ of v) n++;
    return n;
  }
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map) return v.size;
  throw typeError(`object of type '${typeName(v)}' has no len()`);
}

/** `for x in v`: a list's items, a str's characters, a dict's keys. The list is a snapshot. */
export function iter(v: PyValue): PyValue[] {
  if (Array.isArray(v)) return [...v];
  if (typeof v === 'string') return [...v];
  if (v instanceof Map) return [...v.keys()];
  throw typeError(`'${typeName(v)}' object is not iterable`);
}

/** zip(a, b) */
export function zip(a: PyValue, b: PyValue): [PyValue, PyValue][] {
  const xs = iter(a);
  const ys = iter(b);
  const out: [PyValue, PyValue][] = [];
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) out.push([xs[i]!, ys[i]!]);
  return out;
}

/** list.append / list.extend */
export function append(list: PyValue, item: PyValue): void {
  if (!Array.isArray(list)) throw typeError(`'${typeName(list)}' object has no attribute 'append'`);
  list.push(item);
}

export function extend(list: PyValue, items: PyValue): void {
  if (!Array.isArray(list)) throw typeError(`'${typeName(list)}' object has no attribute 'extend'`);
  list.push(...iter(items));
}

/** list.count(x) */
export function count(list: PyValue, item: PyValue): number {
  if (typeof list === 'string') {
    if (typeof item !== 'string') throw typeError(`must be str, not ${typeName(item)}`);
    return item === '' ? len(list) + 1 : list.split(item).length - 1;
  }
  if (!Array.isArray(list)) throw typeError(`'${typeName(list)}' object has no attribute 'count'`);
  let n = 0;
  for (const x of list) if (pyEquals(x, item)) n++;
  return n;
}

/** str.lower() */
export function lower(v: PyValue): string {
  if (typeof v !== 'string') throw typeError(`'${typeName(v)}' object has no attribute 'lower'`);
  return v.toLowerCase();
}

// ---- numbers -------------------------------------------------------------------------------

type Num = { kind: 'int'; value: bigint | number } | { kind: 'float'; value: number };

function asNumber(v: PyValue): Num | undefined {
  if (typeof v === 'number' || typeof v === 'bigint') return { kind: 'int', value: v };
  if (typeof v === 'boolean') return { kind: 'int', value: v ? 1 : 0 };
  if (v instanceof PyFloat) return { kind: 'float', value: v.value };
  return undefined;
}

const toFloat = (n: Num): number => (typeof n.value === 'bigint' ? Number(n.value) : n.value);

function intOp(a: number | bigint, b: number | bigint, op: '+' | '-' | '*'): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = op === '+' ? a + b : op === '-' ? a - b : a * b;
    if (Number.isSafeInteger(r)) return r;
  }
  const x = BigInt(a);
  const y = BigInt(b);
  return int(op === '+' ? x + y : op === '-' ? x - y : x * y);
}

/**
 * a + b, a - b, a * b: int with int stays int, anything with a float is a float; str and list
 * concatenate and repeat as in Python. `symbol` is what the error names ("+=" for an augmented
 * assignment).
 */
export function arith(a: PyValue, b: PyValue, op: '+' | '-' | '*', symbol: string = op): PyValue {
  const x = asNumber(a);
  const y = asNumber(b);
  if (!x || !y) {
    if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
    if (op === '+' && Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
    if (op === '*') {
      const repeated = repeat(a, b) ?? repeat(b, a);
      if (repeated !== undefined) return repeated;
    }
    throw typeError(`unsupported operand type(s) for ${symbol}: '${typeName(a)}' and '${typeName(b)}'`);
  }
  if (x.kind === 'int' && y.kind === 'int') return intOp(x.value, y.value, op);
  const p = toFloat(x);
  const q = toFloat(y);
  return float(op === '+' ? p + q : op === '-' ? p - q : p * q);
}

// "ab" * 2 and [1] * 2; a sequence times a non-int is Python's "can't multiply sequence" error.
function repeat(sequence: PyValue, times: PyValue): PyValue | undefined {
  if (typeof sequence !== 'string' && !Array.isArray(sequence)) return undefined;
  const n = asNumber(times);
  if (!n || n.kind !== 'int') {
    if (typeof times === 'string' || Array.isArray(times) || n) {
      throw typeError(`can't multiply sequence by non-int of type '${typeName(times)}'`);
    }
    return undefined;
  }
  const count = Math.max(0, Number(n.value));
  if (typeof sequence === 'string') return sequence.repeat(count);
  const out: PyValue[] = [];
  for (let i = 0; i < count; i++) out.push(...sequence);
  return out;
}

export const add = (a: PyValue, b: PyValue, symbol = '+') => arith(a, b, '+', symbol);
export const sub = (a: PyValue, b: PyValue, symbol = '-') => arith(a, b, '-', symbol);
export const mul = (a: PyValue, b: PyValue, symbol = '*') => arith(a, b, '*', symbol);

/** -x */
export function neg(v: PyValue): PyValue {
  const n = asNumber(v);
  if (!n) throw typeError(`bad operand type for unary -: '${typeName(v)}'`);
  if (n.kind === 'float') return float(-n.value);
  return typeof n.value === 'bigint' ? int(-n.value) : n.value === 0 ? 0 : -n.value;
}

/** abs(x) */
export function abs(v: PyValue): PyValue {
  const n = asNumber(v);
  if (!n) throw typeError(`bad operand type for abs(): '${typeName(v)}'`);
  if (n.kind === 'float') return float(Math.abs(n.value));
  return typeof n.value === 'bigint' ? int(n.value < 0n ? -n.value : n.value) : Math.abs(n.value);
}

/** max(a, b): b only if b > a, so the first of equal values wins, as in Python. */
export function max(a: PyValue, b: PyValue): PyValue {
  return compare(b, a, '>') > 0 ? b : a;
}

/** sum(f(x) for x in xs): 0 + f(x0) + f(x1) ..., each term computed just before it is added. */
export function sumOf(xs: PyValue, f: (x: PyValue) => PyValue = (x) => x): PyValue {
  let total: PyValue = 0;
  for (const x of iter(xs)) total = add(total, f(x));
  return total;
}

/** round(x, ndigits): a float rounded, an int unchanged (Python returns ints as they are). */
export function roundValue(v: PyValue, ndigits: number): PyValue {
  if (v instanceof PyFloat) return float(pyRound(v.value, ndigits));
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw typeError(`type ${typeName(v)} doesn't define __round__ method`);
}

/** x[-n:] for a str (by code point) or a list. */
export function tail(v: PyValue, n: number): PyValue {
  if (typeof v === 'string') return [...v].slice(-n).join('');
  if (Array.isArray(v)) return v.slice(-n);
  throw typeError(`'${typeName(v)}' object is not subscriptable`);
}

/** Exact numeric comparison: -1, 0, 1, or NaN when a float is nan. */
function compareNumbers(x: Num, y: Num): number {
  if (x.kind === 'int' && y.kind === 'int') {
    const a = x.value;
    const b = y.value;
    if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
    const p = BigInt(a);
    const q = BigInt(b);
    return p < q ? -1 : p > q ? 1 : 0;
  }
  const p = toFloat(x);
  const q = toFloat(y);
  if (Number.isNaN(p) || Number.isNaN(q)) return NaN;
  return p < q ? -1 : p > q ? 1 : 0;
}

/** a < b for numbers or strings, as Python orders them (strings by code point). */
export function lessThan(a: PyValue, b: PyValue, symbol = '<'): boolean {
  const c = compare(a, b, symbol);
  return c < 0;
}

export function greaterThan(a: PyValue, b: PyValue): boolean {
  return compare(a, b, '>') > 0;
}

function compare(a: PyValue, b: PyValue, symbol: string): number {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x && y) return compareNumbers(x, y);
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEquals(a[i]!, b[i]!)) return compare(a[i]!, b[i]!, symbol);
    }
    return a.length - b.length;
  }
  throw typeError(`'${symbol}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

/** Python compares strings by code point; JS's < compares UTF-16 units, which differ past U+FFFF. */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** Python ==: numbers by value across int, float and bool; containers element-wise. */
export function pyEquals(a: PyValue, b: PyValue): boolean {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x && y) return compareNumbers(x, y) === 0;
  if (x || y) return false;
  if (typeof a === 'string' || typeof b === 'string' || a === null || b === null) return a === b;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => pyEquals(v, b[i]!));
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !pyEquals(v, b.get(k)!)) return false;
    return true;
  }
  return false;
}

/** True when a Python value is truthy (`if x:`). */
export function truthy(v: PyValue): boolean {
  if (v === null || v === false || v === 0 || v === 0n || v === '') return false;
  if (v instanceof PyFloat) return v.value !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  return true;
}

/** sorted(xs): stable, Python's ordering, Python's error for mixed types. */
export function sorted(v: PyValue): PyList {
  const items = iter(v);
  return items.sort((a, b) => (lessThan(b, a) ? 1 : lessThan(a, b) ? -1 : 0));
}

/** int(s) for a str: optional whitespace and sign, digits with single underscores between them. */
export function intFromString(v: PyValue): number | bigint {
  if (typeof v !== 'string') {
    const n = asNumber(v);
    if (n?.kind === 'int') return n.value;
    if (n?.kind === 'float') return int(BigInt(Math.trunc(n.value)));
    throw typeError(`int() argument must be a string, a bytes-like object or a real number, not '${typeName(v)}'`);
  }
  // Python also accepts non-ASCII decimal digits; dates in τ-bench use ASCII ones.
  const m = /^\s*([+-]?)([0-9](?:_?[0-9])*)\s*$/.exec(v);
  if (!m) throw valueError(`invalid literal for int() with base 10: ${strRepr(v)}`);
  const digits = m[2]!.replaceAll('_', '');
  return int(BigInt(`${m[1]}${digits}`));
}

/** Keys of a dict as a list, for `for k, v in d.items()` style loops. */
export function entries(v: PyValue): [string, PyValue][] {
  if (!(v instanceof Map)) throw typeError(`'${typeName(v)}' object has no attribute 'items'`);
  return [...(v as PyDict).entries()];
}

/** dict.values() */
export function values(v: PyValue): PyValue[] {
  if (!(v instanceof Map)) throw typeError(`'${typeName(v)}' object has no attribute 'values'`);
  return [...v.values()];
}
