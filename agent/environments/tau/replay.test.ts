// The ground-truth replays against τ-bench's own output (goldens/*.replay.*.jsonl): every
// observation string-equal, every final state equal, and the whole line byte for byte, state hash
// included.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { strictEquals } from '../python/hash.ts';
import { parsePyJson } from '../python/json.ts';
import type { PyDict } from '../python/value.ts';
import { loadTauDomain } from './load.ts';
import { formatReplayLine, replayTask } from './replay.ts';
import { loadTauTasks, type TauSplit } from './task.ts';
import { golden, skipWithoutTauData, TAU_DATA_DIR } from './test-data.ts';
import type { TauDomainName } from './tool.ts';

const skip = skipWithoutTauData('the τ-bench replay goldens');

const SUITES: { domain: TauDomainName; split: TauSplit; file: string; count: number }[] = [
  { domain: 'retail', split: 'train', file: 'retail.replay.train.jsonl', count: 500 },
  { domain: 'retail', split: 'dev', file: 'retail.replay.dev.jsonl', count: 20 },
  // airline has only test tasks; the golden covers tasks 0-24
  { domain: 'airline', split: 'test', file: 'airline.replay.dev.jsonl', count: 25 },
];

for (const { domain, split, file, count } of SUITES) {
  describe.skipIf(skip)(`${domain} ${split} replays match ${file}`, () => {
    const lines = skip ? [] : readFileSync(golden(file), 'utf8').trim().split('\n');
    const tasks = skip ? [] : loadTauTasks(domain, split, TAU_DATA_DIR).slice(0, count);
    const data = skip ? undefined : loadTauDomain(domain, TAU_DATA_DIR);

    it(`has ${count} golden lines`, () => {
      expect(lines).toHaveLength(count);
    });

    it.each(Array.from({ length: count }, (_, i) => i))('task %i', (i) => {
      const result = replayTask(data!, tasks[i]!, i, { hash: true });
      const want = parsePyJson(lines[i]!) as PyDict;
      expect(result.observations).toEqual(want.get('observations'));
      expect(strictEquals(result.final_state_diff, want.get('final_state_diff')!)).toBe(true);
      expect(result.state_hash).toBe(want.get('state_hash'));
      expect(formatReplayLine(result)).toBe(lines[i]);
    });
  });
}
