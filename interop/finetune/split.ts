// A seeded train/validation split by case: every example of one case (its repeats, its runs on
// several targets) goes to the same file, so validation is measured on cases not trained on. The
// same examples and seed give the same split on every machine (mulberry32,
// metrics/seeded-random.ts); each file keeps the examples' own order.

import { mulberry32 } from '../../metrics/seeded-random.ts';

/**
 * round(cases × fraction) of the distinct groups (by `group`, default each item its own), drawn
 * by a seeded Fisher–Yates shuffle, go to validation with all their examples; the rest to training.
 */
export function seededSplit<T>(items: readonly T[], fraction: number, seed: number, group: (item: T, index: number) => string = (_, i) => String(i)): { train: T[]; valid: T[] } {
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`split: expected a fraction from 0 up to (not including) 1, got ${fraction}`);
  const keys = items.map(group);
  const order = [...new Set(keys)];
  const random = mulberry32(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const valid = new Set(order.slice(0, Math.round(order.length * fraction)));
  return { train: items.filter((_, i) => !valid.has(keys[i]!)), valid: items.filter((_, i) => valid.has(keys[i]!)) };
}
