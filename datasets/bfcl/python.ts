// The few Python semantics BFCL's checker relies on, over PyValue: `type(v)`, `==` (so `1 == 1.0`
// and `True == 1`), `in`, and `repr` (for error messages worded as BFCL's).

import type { PyDict, PyValue } from './types.ts';

/** Python's type names for PyValue; `set` only as what a Java Set parameter expects (no PyValue is a set). */
export type PyTypeName = 'NoneType' | 'bool' | 'int' | 'float' | 'str' | 'list' | 'dict' | 'set';

export function pyTypeName(value: PyValue): PyTypeName {
  if (value === null) return 'NoneType';
  switch (typeof value) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'string':
      return 'str';
    default:
      return Array.isArray(value) ? 'list' : 'dict';
  }
}

export function isPyDict(value: PyValue): value is PyDict {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Own keys only: a parameter named "constructor" must not find Object.prototype's. */
export function hasKey(dict: object, key: string): boolean {
  return Object.hasOwn(dict, key);
}

/** Python's `a == b`. Numbers compare by mathematical value across bool, int and float. */
export function pyEquals(a: PyValue, b: PyValue): boolean {
  const x = numeric(a);
  const y = numeric(b);
  if (x !== null || y !== null) return x !== null && y !== null && numbersEqual(x, y);
  if (typeof a === 'string' || typeof b === 'string' || a === null || b === null) return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => pyEquals(item, b[i]!));
  }
  if (!isPyDict(a) || !isPyDict(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => hasKey(b, k) && pyEquals(a[k]!, b[k]!));
}

/** Python's `value in items` for a list. */
export function pyIn(value: PyValue, items: readonly PyValue[]): boolean {
  return items.some((item) => pyEquals(value, item));
}

function numeric(value: PyValue): bigint | number | null {
  if (typeof value === 'boolean') return value ? 1n : 0n;
  return typeof value === 'bigint' || typeof value === 'number' ? value : null;
}

function numbersEqual(x: bigint | number, y: bigint | number): boolean {
  if (typeof x === typeof y) return x === y;
  // int == float is exact in Python: 2**53 + 1 != 2.0**53.
  const float = (typeof x === 'number' ? x : y) as number;
  const int = (typeof x === 'bigint' ? x : y) as bigint;
  return Number.isInteger(float) && BigInt(float) === int;
}

/** Python's `repr(value)`. */
export function pyRepr(value: PyValue): string {
  if (value === null) return 'None';
  switch (typeof value) {
    case 'boolean':
      return value ? 'True' : 'False';
    case 'bigint':
      return value.toString();
    case 'number':
      return floatRepr(value);
    case 'string':
      return stringRepr(value);
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${stringRepr(k)}: ${pyRepr(v)}`)
    .join(', ')}}`;
}

/** Shortest round-trip digits, in positional notation when the exponent is in -4..15, as Python does. */
function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Object.is(x, -0)) return '-0.0';
  const [mantissa, exp] = x.toExponential().split('e') as [string, string];
  const exponent = Number(exp);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace(/^-/, '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent >= 16) {
    const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${body}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction || '0'}`;
}

// Python escapes what str.isprintable() rejects: control, format, surrogate, private-use,
// unassigned, and separator characters other than the ASCII space.
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function stringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    if (char === '\\' || char === quote) out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char !== ' ' && NOT_PRINTABLE.test(char)) out += escapeCodePoint(char.codePointAt(0)!);
    else out += char;
  }
  return out + quote;
}

function escapeCodePoint(code: number): string {
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\U${code.toString(16).padStart(8, '0')}`;
}

/**
 * Python's `json.dumps(value)` with its defaults: ", " and ": " as separators, every character
 * outside printable ASCII escaped (ensure_ascii), floats as repr() writes them. Plain objects,
 * arrays, strings, booleans, null, ints (bigint) and floats (number).
 */
export function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      if (Number.isNaN(value)) return 'NaN';
      if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
      return floatRepr(value);
    case 'string':
      return jsonString(value);
  }
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${jsonString(k)}: ${pyJsonDumps(v)}`)
    .join(', ')}}`;
}

const JSON_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function jsonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    const code = text.charCodeAt(i);
    if (JSON_ESCAPES[char] !== undefined) out += JSON_ESCAPES[char];
    // UTF-16 units are what Python writes for ensure_ascii: an astral character as its surrogate pair.
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}
