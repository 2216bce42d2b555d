// τ-bench decides whether two databases are the same by hashing str(to_hashable(data)): dicts
// become tuples of (key, value) sorted by key, lists become tuples. Two states are therefore equal
// exactly when their reprs are: key order does not matter, list order does, and 100 (int),
// 100.0 (float) and True are three different values. strictEquals is that relation, computed
// directly; consistentHash reproduces the hash itself, for comparison with τ-bench's records.

import { createHash, type Hash } from 'node:crypto';
import { isFrozen } from './frozen.ts';
import { compareStrings } from './ops.ts';
import { floatRepr, strRepr } from './repr.ts';
import { PyFloat, type PyValue } from './value.ts';

/** Equal as τ-bench's consistent_hash sees them. */
export function strictEquals(a: PyValue, b: PyValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    // Mixed number and bigint ints can hold the same value (a bigint is only made past 2^53, but be exact).
    if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
      return BigInt(a) === BigInt(b);
    }
    return false;
  }
  if (a instanceof PyFloat) return b instanceof PyFloat && Object.is(a.value, b.value);
  if (b instanceof PyFloat) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!strictEquals(a[i]!, b[i]!)) return false;
    return true;
  }
  if (Array.isArray(b) || a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (w === undefined || !strictEquals(v, w)) return false;
  }
  return true;
}

/**
 * sha256 of str(to_hashable(value)), as τ-bench's Env.get_data_hash computes it. With a cache, the
 * text of each frozen record (depth 2: data, table, record) is computed once and reused, since a
 * frozen record cannot change.
 */
export function consistentHash(value: PyValue, cache?: WeakMap<object, string>): string {
  const sink = new Sink(createHash('sha256'));
  writeHashable(value, sink, cache ? { cache, depth: 0 } : undefined);
  return sink.digest();
}

interface RecordCache {
  cache: WeakMap<object, string>;
  depth: number;
}

/** str(to_hashable(value)), for tests and for small values. */
export function hashableRepr(value: PyValue): string {
  const parts: string[] = [];
  writeHashable(value, { push: (s) => parts.push(s) });
  return parts.join('');
}

interface Out {
  push(s: string): void;
}

// Feeds the hash in pieces: a whole database is megabytes of text.
class Sink implements Out {
  private buffer: string[] = [];
  private size = 0;
  constructor(private readonly hash: Hash) {}
  push(s: string): void {
    this.buffer.push(s);
    this.size += s.length;
    if (this.size > 1 << 16) this.flush();
  }
  private flush(): void {
    this.hash.update(this.buffer.join(''), 'utf8');
    this.buffer = [];
    this.size = 0;
  }
  digest(): string {
    this.flush();
    return this.hash.digest('hex');
  }
}

function writeHashable(v: PyValue, out: Out, cached?: RecordCache): void {
  if (cached && typeof v === 'object' && v !== null && !(v instanceof PyFloat)) {
    if (cached.depth === 2 && isFrozen(v)) {
      let text = cached.cache.get(v);
      if (text === undefined) cached.cache.set(v, (text = hashableRepr(v)));
      out.push(text);
      return;
    }
    cached = { cache: cached.cache, depth: cached.depth + 1 };
  }
  if (v === null) out.push('None');
  else if (v === true) out.push('True');
  else if (v === false) out.push('False');
  else if (typeof v === 'number' || typeof v === 'bigint') out.push(String(v));
  else if (typeof v === 'string') out.push(strRepr(v));
  else if (v instanceof PyFloat) out.push(floatRepr(v.value));
  else if (Array.isArray(v)) writeTuple(v.length, (i) => writeHashable(v[i]!, out, cached), out);
  else {
    const keys = [...v.keys()].sort(compareStrings);
    writeTuple(
      keys.length,
      (i) => {
        out.push(`(${strRepr(keys[i]!)}, `);
        writeHashable(v.get(keys[i]!)!, out, cached);
        out.push(')');
      },
      out,
    );
  }
}

// A one-element tuple prints as "(x,)".
function writeTuple(n: number, item: (i: number) => void, out: Out): void {
  out.push('(');
  for (let i = 0; i < n; i++) {
    if (i > 0) out.push(', ');
    item(i);
  }
  out.push(n === 1 ? ',)' : ')');
}
