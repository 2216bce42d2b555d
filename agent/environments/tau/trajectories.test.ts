// GPT-4o's historical airline trajectories (tasks 0-24, 4 trials each) re-scored with the port give
// the rewards τ-bench recorded, and the tool observations τ-bench showed the model.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTauDomain, freshState } from './load.ts';
import { invokeAction } from './step.ts';
import { loadTauTasks } from './task.ts';
import { golden, skipWithoutTauData, TAU_DATA_DIR } from './test-data.ts';
import { parseTrajectories, readTrajectoryFile, rescoreTrajectories } from './trajectories.ts';

const skip = skipWithoutTauData('the GPT-4o airline trajectories');

describe.skipIf(skip)('re-scoring gpt-4o-airline.trajectories.dev.json', () => {
  const trajectories = skip ? [] : readTrajectoryFile(golden('gpt-4o-airline.trajectories.dev.json'));
  const recorded = skip
    ? []
    : readFileSync(golden('gpt-4o-airline.trajectories.dev.rewards.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { task_id: number; trial: number; ended: boolean; reward: number });
  const results = skip ? [] : rescoreTrajectories('airline', trajectories, TAU_DATA_DIR);

  it('has 100 trajectories and 100 recorded rewards', () => {
    expect(trajectories).toHaveLength(100);
    expect(recorded).toHaveLength(100);
  });

  it.each(Array.from({ length: 100 }, (_, i) => i))('trajectory %i', (i) => {
    const r = results[i]!;
    const want = recorded[i]!;
    expect({ task_id: r.task_id, trial: r.trial, ended: r.ended, reward: r.reward }).toEqual(want);
    expect(r.reward).toBe(r.recorded_reward);
  });

  it("reproduces the tool observations τ-bench showed the model (its data then said 'province' for 'state')", () => {
    const data = loadTauDomain('airline', TAU_DATA_DIR);
    let compared = 0;
    for (const t of trajectories) {
      const state = freshState(data);
      t.actions.forEach((action, i) => {
        if (action.name === 'respond') return;
        const observation = invokeAction(data, state, action);
        expect(observation, `task ${t.task_id} trial ${t.trial} ${action.name}`).toBe(t.answers[i]!.replaceAll('"province": ', '"state": '));
        compared++;
      });
    }
    expect(compared).toBe(621);
  });

  it('explains a failure by the write that went wrong', () => {
    const failed = results.find((r) => r.task_id === 0 && r.reward === 0)!;
    expect(failed.details.stateMatches).toBe(false);
    expect(failed.details.writes[0]).toMatchObject({ matched: false, expected: { name: 'book_reservation' } });
    expect(failed.details.writes[0]!.closest?.differingArguments.length).toBeGreaterThan(0);
    expect(failed.details.summary).toMatch(/^reward 0: the database differs/);
  });
});

describe.skipIf(skip)('trajectory files', () => {
  it('name the file, line and field of a bad entry', () => {
    const text = '[\n  {"task_id": 0, "trial": 0, "reward": 1.0, "info": {}, "traj": []},\n  {"task_id": "x", "trial": 0, "reward": 1.0, "info": {}, "traj": []}\n]';
    expect(() => parseTrajectories(text, 'bad.json')).toThrow('bad.json:3: task_id: Invalid input: expected number, received string');
  });

  it('score an episode that never ended as 0', () => {
    const [t] = parseTrajectories(
      JSON.stringify([{ task_id: 12, trial: 0, reward: 0, info: {}, traj: [{ role: 'assistant', content: 'Hello' }, { role: 'user', content: 'hi' }] }]),
      'x.json',
    );
    const tasks = loadTauTasks('airline', 'test', TAU_DATA_DIR);
    const [r] = rescoreTrajectories('airline', [t!], TAU_DATA_DIR, { tasks });
    expect(r!.ended).toBe(false);
    expect(r!.reward).toBe(0);
    expect(r!.details.stateMatches).toBe(true); // task 12 changes nothing: only the ending is missing
  });
});
