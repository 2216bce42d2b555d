// A suite's configuration matrix: either axes whose values are crossed
//   matrix: { knowledge.search.mode: [bm25, vector, hybrid], temperature: [0, 0.7] }
// or a list of explicit configurations, for when not every combination makes sense
//   matrix: [{ knowledge.search.mode: bm25 }, { knowledge.search.mode: hybrid, knowledge.search.fusion: rrf }]
// Keys are dotted paths into the suite; each configuration is named by its settings.

import { z } from 'zod';

const Value = z.union([z.string(), z.number(), z.boolean()]);
export const Matrix = z.union([
  z.record(z.string().min(1), z.array(Value).min(1)).refine((m) => Object.keys(m).length > 0, 'the matrix names no axis'),
  z.array(z.record(z.string().min(1), Value).refine((m) => Object.keys(m).length > 0, 'an empty configuration')).min(1),
]);
export type Matrix = z.infer<typeof Matrix>;

export interface MatrixEntry {
  name: string;
  set: Record<string, unknown>;
}

export function expandMatrix(matrix: Matrix): MatrixEntry[] {
  const combos: Record<string, unknown>[] = Array.isArray(matrix) ? matrix : cross(matrix);
  // Named by the last part of each path (mode=bm25,fusion=rrf): short enough for a table column.
  return combos.map((set) => ({ name: Object.entries(set).map(([k, v]) => `${k.split('.').at(-1)}=${v}`).join(','), set }));
}

function cross(axes: Record<string, unknown[]>): Record<string, unknown>[] {
  let combos: Record<string, unknown>[] = [{}];
  for (const [path, values] of Object.entries(axes)) {
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [path]: value })));
  }
  return combos;
}

/** Sets `a.b.c` in a plain object, creating objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === undefined || next === null) node[key] = {};
    else if (typeof next !== 'object' || Array.isArray(next)) throw new Error(`matrix path ${path}: ${key} is not an object`);
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}
