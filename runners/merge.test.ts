import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBench } from './bench.ts';
import { InputError } from '../core/errors.ts';
import { mergeRuns } from './merge.ts';
import { REPORTERS } from '../reports/reporters.ts';
import { attemptKey } from './plan.ts';
import { loadSuite } from './suite.ts';

const tools = loadSuite(resolve(import.meta.dirname, '..', 'suites', 'tools.yaml'));
const common = { suites: [tools], targets: ['baseline'], fallbackTargets: [] as string[], limit: 10, repeat: 2, progressStream: null };
const home = () => mkdtempSync(join(tmpdir(), 'lunar-shard-'));

describe('shards and merge', () => {
  it('three shard runs merge into one run equal to the unsharded run', async () => {
    const whole = await runBench({ ...common, home: home() });
    const shardHomes = [home(), home(), home()];
    for (let i = 0; i < 3; i++) await runBench({ ...common, home: shardHomes[i]!, shard: { index: i + 1, count: 3 } });
    const merged = mergeRuns(shardHomes, home(), REPORTERS);
    expect(merged.status).toBe('completed');
    expect(merged.attempts).toHaveLength(20);
    expect(new Set(merged.attempts.map(attemptKey))).toEqual(new Set(whole.attempts.map(attemptKey)));
    // The baseline is deterministic: the merged figures are the unsharded ones.
    const strip = (a: (typeof whole.aggregates)[number]) => ({ ...a, latencyMs: undefined });
    expect(merged.aggregates.map(strip)).toEqual(whole.aggregates.map(strip));
  }, 60_000);

  it('refuses a missing shard, a shard given twice, and shards of different plans', async () => {
    const a = home();
    const b = home();
    const c = home();
    await runBench({ ...common, home: a, shard: { index: 1, count: 2 } });
    await runBench({ ...common, home: b, shard: { index: 1, count: 2 } });
    await runBench({ ...common, limit: 5, home: c, shard: { index: 2, count: 2 } });
    expect(() => mergeRuns([a], home(), REPORTERS)).toThrow(/shard 2 of 2 missing/);
    expect(() => mergeRuns([a, b], home(), REPORTERS)).toThrow(/shard 1 of 2 given twice/);
    expect(() => mergeRuns([a, c], home(), REPORTERS)).toThrow(InputError);
    expect(() => mergeRuns([a, c], home(), REPORTERS)).toThrow(/other options/);
  }, 60_000);
});
