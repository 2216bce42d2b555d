// The noise figures of a run with repeats, as every report of it carries them: the very figures
// `lunar noise` prints (metrics/noise.ts over runners/run-noise.ts's verdicts, the same seeded
// bootstrap), with each group's suite, configuration and target named apart so a report can lay
// them out per suite. A run without repeats shows no flip, so it has no noise block at all.

import { measureNoise, type GroupNoise } from '../metrics/noise.ts';
import { maxRepeats, noiseAttempts, noiseGroup } from '../runners/run-noise.ts';
import type { StoredAttempt } from '../runners/store.ts';

export interface ReportNoiseGroup extends GroupNoise {
  suite: string;
  config: string;
  target: string;
}

export interface ReportNoise {
  /** The most attempts any case has in any group (2 or more: otherwise there is no block). */
  maxRepeats: number;
  groups: ReportNoiseGroup[];
}

// results.json and report.html are written together from one input: the bootstrap runs once.
const computed = new WeakMap<readonly StoredAttempt[], ReportNoise | null>();

/** The run's noise by suite/configuration/target; null when no case was run more than once. */
export function reportNoise(attempts: readonly StoredAttempt[]): ReportNoise | null {
  if (computed.has(attempts)) return computed.get(attempts)!;
  const repeats = maxRepeats(attempts);
  let noise: ReportNoise | null = null;
  if (repeats >= 2) {
    const names = new Map(attempts.map((a) => [noiseGroup(a), { suite: a.suite, config: a.config, target: a.target }]));
    noise = { maxRepeats: repeats, groups: measureNoise(noiseAttempts(attempts)).map((g) => ({ ...names.get(g.group)!, ...g })) };
  }
  computed.set(attempts, noise);
  return noise;
}
