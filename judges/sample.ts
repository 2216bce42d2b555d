// A seeded sample of positions, for the calibration's --limit and the re-judged attempts of
// self-consistency: the same seed picks the same items on every machine, and a sample is not
// the first N (files are often sorted by topic or label).

import { mulberry32 } from '../metrics/seeded-random.ts';

/**
 * `size` distinct positions of 0..total−1 drawn without replacement (a partial Fisher–Yates
 * shuffle driven by mulberry32(seed)), returned in ascending order so the items keep the order
 * they had. All positions when size ≥ total.
 */
export function seededSample(total: number, size: number, seed: number): number[] {
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`seededSample: total must be a whole number, 0 or more (got ${total})`);
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`seededSample: size must be a whole number, 0 or more (got ${size})`);
  const positions = Array.from({ length: total }, (_, i) => i);
  if (size >= total) return positions;
  const random = mulberry32(seed);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (total - i));
    [positions[i], positions[j]] = [positions[j]!, positions[i]!];
  }
  return positions.slice(0, size).sort((a, b) => a - b);
}
