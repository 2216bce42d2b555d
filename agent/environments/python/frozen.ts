// Copy-on-write for databases. A domain's data is parsed once and frozen; an episode starts from a
// shallow copy of each table and copies a record only when a tool is about to change it. That is a
// fresh deep copy as far as anyone can observe, at a fraction of the cost (a full copy of the retail
// data takes ~15 ms, which 520 replays would pay twice each). Frozen containers throw when written,
// so a tool that forgot to take its own copy fails loudly instead of changing every later episode.

import { getItem } from './ops.ts';
import { deepCopy, PyFloat, type PyDict, type PyValue } from './value.ts';

const MAP_SET = Map.prototype.set;

/** A Map that refuses changes once built. It is still a Map: every reader works unchanged. */
export class FrozenMap<K, V> extends Map<K, V> {
  override set(_key: K, _value: V): this {
    throw new Error('internal error: a tool changed shared data without copying it first (see frozen.ts)');
  }
  override delete(_key: K): boolean {
    throw new Error('internal error: a tool deleted from shared data without copying it first (see frozen.ts)');
  }
  override clear(): void {
    throw new Error('internal error: a tool cleared shared data without copying it first (see frozen.ts)');
  }
}

/** A frozen deep copy of a value. */
export function freezeDeep<T extends PyValue>(v: T): T {
  if (v === null || typeof v !== 'object' || v instanceof PyFloat) return v;
  if (Array.isArray(v)) return Object.freeze(v.map(freezeDeep)) as unknown as T;
  const out = new FrozenMap<string, PyValue>();
  for (const [k, item] of v as PyDict) MAP_SET.call(out, k, freezeDeep(item));
  return out as unknown as T;
}

export function isFrozen(v: PyValue): boolean {
  return v instanceof FrozenMap || (Array.isArray(v) && Object.isFrozen(v));
}

/**
 * table[key] for a record the caller is about to change: the record is copied into the table first
 * if it is still shared. Raises what table[key] raises in Python when the key is missing.
 */
export function writable(table: PyValue, key: PyValue): PyValue {
  const record = getItem(table, key);
  if (!isFrozen(record)) return record;
  const copy = deepCopy(record);
  (table as PyDict).set(key as string, copy);
  return copy;
}

/** The state an episode starts from: its own tables holding shared, frozen records. */
export function copyOnWrite(frozen: PyDict): PyDict {
  const out: PyDict = new Map();
  for (const [name, table] of frozen) out.set(name, new Map(table as PyDict));
  return out;
}
