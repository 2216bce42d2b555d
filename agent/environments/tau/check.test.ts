import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkReplays, checkRewards, parseReplayGolden } from './check.ts';
import { replayTasks } from './replay.ts';
import { loadTauTasks } from './task.ts';
import { golden, skipWithoutTauData, TAU_DATA_DIR } from './test-data.ts';
import { readTrajectoryFile, rescoreTrajectories } from './trajectories.ts';

const skip = skipWithoutTauData('the tau check tests');

describe.skipIf(skip)('checking the port against τ-bench recordings', () => {
  it('finds no mismatch on the airline goldens, and reports a changed observation', () => {
    const text = readFileSync(golden('airline.replay.dev.jsonl'), 'utf8');
    const results = replayTasks('airline', loadTauTasks('airline', 'test', TAU_DATA_DIR).slice(0, 25), TAU_DATA_DIR, { hash: true });
    expect(checkReplays(results, text, 'airline.replay.dev.jsonl')).toEqual([]);
    const lines = text.trim().split('\n');
    const first = JSON.parse(lines[0]!) as { observations: string[] };
    first.observations[0] = first.observations[0]!.replace('"insurance": "no"', '"insurance": "yes"');
    const tampered = [JSON.stringify(first), ...lines.slice(1)].join('\n');
    const mismatches = checkReplays(results, tampered, 'x.jsonl');
    expect(mismatches.map((m) => `${m.item} ${m.field}`)).toEqual(['0 observations.0']);
  });

  it('finds no mismatch in the re-scored rewards', () => {
    const results = rescoreTrajectories('airline', readTrajectoryFile(golden('gpt-4o-airline.trajectories.dev.json')), TAU_DATA_DIR);
    const text = readFileSync(golden('gpt-4o-airline.trajectories.dev.rewards.jsonl'), 'utf8');
    expect(checkRewards(results, text, 'rewards.jsonl')).toEqual([]);
  });
});

describe('golden files', () => {
  it('name the file, line and field of a bad line', () => {
    expect(() => parseReplayGolden('{"task_index": 0, "observations": [], "final_state_diff": {}}\n\n{"task_index": -1, "observations": [], "final_state_diff": {}}', 'g.jsonl')).toThrow(
      'g.jsonl:3: task_index: Too small: expected number to be >=0',
    );
  });
});
