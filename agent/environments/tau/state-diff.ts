// How two databases differ. Records are compared the way τ-bench's hash compares them (strictEquals:
// key order ignored, 1 and 1.0 different); a record still shared with the initial data is unchanged
// without looking inside it.

import { strictEquals } from '../python/hash.ts';
import { pyJsonDumps } from '../python/json.ts';
import { pyEquals } from '../python/ops.ts';
import type { PyDict, PyValue } from '../python/value.ts';

/**
 * The goldens' final_state_diff: per table, in table order, every record of `after` that differs
 * from `before` (whole, in `after`'s order), then every record `after` lacks, as null. Tables without
 * a difference are left out. "Differs" is Python's != here, as the goldens were made: a gift card
 * balance gone from 9 to 9.0 is no change to them (though it is one to τ-bench's hash and reward).
 */
export function tableDiff(before: PyDict, after: PyDict, tables: readonly string[]): PyDict {
  const out: PyDict = new Map();
  for (const table of tables) {
    const old = (before.get(table) ?? new Map()) as PyDict;
    const now = (after.get(table) ?? new Map()) as PyDict;
    const changed: PyDict = new Map();
    for (const [key, record] of now) {
      const previous = old.get(key);
      if (previous === record) continue;
      if (previous === undefined || !pyEquals(previous, record)) changed.set(key, record);
    }
    for (const key of old.keys()) if (!now.has(key)) changed.set(key, null);
    if (changed.size > 0) out.set(table, changed);
  }
  return out;
}

/** One differing value: where, and both sides as Python's json.dumps writes them (absent: undefined). */
export interface StateDifference {
  table: string;
  key: string;
  /** Inside the record, e.g. `payment_history[2].amount`; empty for the whole record. */
  path: string;
  expected?: string;
  actual?: string;
}

/** The differences between an expected and an actual database, down to the values that differ. */
export function stateDifferences(expected: PyDict, actual: PyDict, tables: readonly string[], limit = 50): StateDifference[] {
  const out: StateDifference[] = [];
  for (const table of tables) {
    const want = (expected.get(table) ?? new Map()) as PyDict;
    const got = (actual.get(table) ?? new Map()) as PyDict;
    const keys = new Set([...want.keys(), ...got.keys()]);
    for (const key of keys) {
      const a = want.get(key);
      const b = got.get(key);
      if (a === b || (a !== undefined && b !== undefined && strictEquals(a, b))) continue;
      valueDifferences(a, b, '', (path, x, y) => out.push({ table, key, path, expected: dump(x), actual: dump(y) }));
      if (out.length >= limit) return out.slice(0, limit);
    }
  }
  return out;
}

const dump = (v: PyValue | undefined) => (v === undefined ? undefined : pyJsonDumps(v));

function valueDifferences(
  a: PyValue | undefined,
  b: PyValue | undefined,
  path: string,
  report: (path: string, a: PyValue | undefined, b: PyValue | undefined) => void,
): void {
  if (a instanceof Map && b instanceof Map) {
    for (const key of new Set([...a.keys(), ...b.keys()])) {
      const x = a.get(key);
      const y = b.get(key);
      if (x === undefined || y === undefined || !strictEquals(x, y)) valueDifferences(x, y, path ? `${path}.${key}` : key, report);
    }
  } else if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => {
      if (!strictEquals(x, b[i]!)) valueDifferences(x, b[i], `${path}[${i}]`, report);
    });
  } else {
    report(path, a, b);
  }
}
