// The values τ-bench's Python tools work on, kept as Python has them. JavaScript cannot tell the
// int 100 from the float 100.0 once parsed, yet Python prints them differently (json.dumps, f-strings)
// and τ-bench's reward hashes str() of the data, so 100 and 100.0 are different states. Dicts keep
// insertion order for every key, which plain objects do not (integer-like keys such as product ids
// would move to the front).

/** A Python float. Boxed so that an integral float (100.0) stays a float; immutable, so it is shared freely. */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type PyDict = Map<string, PyValue>;
export type PyList = PyValue[];

/**
 * None, bool, int (number when safe, bigint beyond), float, str, list, dict. A JS `number` is
 * always a Python int and must be an integer.
 */
export type PyValue = null | boolean | number | bigint | PyFloat | string | PyList | PyDict;

export const isDict = (v: unknown): v is PyDict => v instanceof Map;
export const isList = (v: unknown): v is PyList => Array.isArray(v);
export const isFloat = (v: unknown): v is PyFloat => v instanceof PyFloat;
export const isInt = (v: unknown): v is number | bigint => typeof v === 'number' || typeof v === 'bigint';

export function float(value: number): PyFloat {
  return new PyFloat(value);
}

/** An int as Python would keep it: a JS number while exact, a bigint beyond 2^53. */
export function int(value: bigint | number): number | bigint {
  if (typeof value === 'number') return value;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** Python's type name, for error messages that quote it. */
export function typeName(v: PyValue | undefined): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  if (v instanceof PyFloat) return 'float';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

/** A deep copy (copy.deepcopy). Floats are immutable and shared. */
export function deepCopy<T extends PyValue>(v: T): T {
  if (v === null || typeof v !== 'object' || v instanceof PyFloat) return v;
  if (Array.isArray(v)) {
    const out: PyValue[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = deepCopy(v[i]!);
    return out as T;
  }
  const out: PyDict = new Map();
  for (const [k, item] of v as PyDict) out.set(k, deepCopy(item));
  return out as T;
}

/**
 * A plain JSON-like value as a Python value. Without the source text an integral number cannot be
 * told from a float, so it becomes an int (what a model writing `250` meant); parse the raw text with
 * parsePyJson instead whenever it is at hand.
 */
export function fromJs(v: unknown): PyValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string' || typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : float(v);
  if (v instanceof PyFloat) return v;
  if (Array.isArray(v)) return v.map(fromJs);
  if (v instanceof Map) {
    const out: PyDict = new Map();
    for (const [k, item] of v) out.set(String(k), fromJs(item));
    return out;
  }
  if (typeof v === 'object') {
    const out: PyDict = new Map();
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) out.set(k, fromJs(item));
    return out;
  }
  throw new TypeError(`not a JSON value: ${typeof v}`);
}

/** A Python value as plain JSON-like JS (floats become numbers, bigints stay bigints). */
export function toJs(v: PyValue): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof PyFloat) return v.value;
  if (Array.isArray(v)) return v.map(toJs);
  const out: Record<string, unknown> = {};
  for (const [k, item] of v) out[k] = toJs(item);
  return out;
}
