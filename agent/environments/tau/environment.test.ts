// Episodes: each on its own database, tool calls from raw JSON text, the two ways an episode ends,
// and the reward with its reasons.

import { describe, expect, it } from 'vitest';
import { pyJsonDumps } from '../python/json.ts';
import { getItem } from '../python/ops.ts';
import { STOP_TOKEN, tauEnvironment, userSystemPrompt } from './environment.ts';
import { loadTauTasks } from './task.ts';
import { skipWithoutTauData, TAU_DATA_DIR } from './test-data.ts';

const skip = skipWithoutTauData('the τ-bench episode tests');

describe.skipIf(skip)('τ-bench episodes', () => {
  const env = skip ? undefined! : tauEnvironment('retail', TAU_DATA_DIR);
  const tasks = skip ? [] : loadTauTasks('retail', 'dev', TAU_DATA_DIR);

  it('describes the domain: policy, 16 tools, the terminate tool', () => {
    expect(env.policy).toMatch(/^# Retail agent policy/);
    expect(env.tools.map((t) => t.name)).toContain('exchange_delivered_order_items');
    expect(env.terminateTools).toEqual(['transfer_to_human_agents']);
  });

  it('gives every episode its own database', () => {
    const a = env.startEpisode(tasks[0]!);
    const b = env.startEpisode(tasks[0]!);
    const [action] = tasks[0]!.actions;
    a.callTool(action!.name, pyJsonDumps(action!.kwargs));
    const order = (s: typeof a.state) => pyJsonDumps(getItem(getItem(s, 'orders'), '#W5442520'));
    expect(order(a.state)).toContain('"status": "cancelled"'); // dev task 0 cancels #W5442520
    expect(order(b.state)).toContain('"status": "pending"');
    expect(order(env.newState())).toContain('"status": "pending"');
  });

  it('scores the ground-truth actions 1 once the user says stop, 0 before', () => {
    const task = tasks[3]!;
    const episode = env.startEpisode(task);
    for (const action of task.actions) episode.callTool(action.name, pyJsonDumps(action.kwargs));
    expect(episode.score().reward).toBe(0); // not ended yet
    episode.respond('Done, anything else?');
    expect(episode.userReplied(`Thanks! ${STOP_TOKEN}`).done).toBe(true);
    const reward = episode.score();
    expect(reward).toMatchObject({ reward: 1, ended: true, stateMatches: true, differences: [], unexpectedWrites: [] });
    expect(reward.writes.every((w) => w.matched)).toBe(true);
  });

  it('names the wrong write and the values it changed', () => {
    const task = tasks[5]!; // return_delivered_order_items of two items of #W4887592
    const episode = env.startEpisode(task);
    const [action] = task.actions;
    const args = Object.fromEntries(action!.kwargs) as Record<string, unknown>;
    episode.callTool(action!.name, JSON.stringify({ ...args, item_ids: (args.item_ids as string[]).slice(0, 1) }));
    episode.callTool('transfer_to_human_agents', '{"summary": "done"}');
    expect(episode.done).toBe(true);
    const reward = episode.score();
    expect(reward.reward).toBe(0);
    expect(reward.differences[0]).toMatchObject({ table: 'orders', key: '#W4887592', path: 'return_items' });
    expect(reward.writes[0]).toMatchObject({ matched: false, closest: { differingArguments: ['item_ids'] } });
    expect(reward.unexpectedWrites).toHaveLength(1);
    expect(reward.summary).toContain('expected write not made: return_delivered_order_items');
  });

  it('checks required outputs in replies, lowercased and without commas', () => {
    const task = { user_id: 'x', actions: [], instruction: '', outputs: ['1286', 'Boston'] };
    const episode = env.startEpisode(task);
    episode.respond('Your total is $1,286 and you fly to BOSTON.');
    episode.userReplied(STOP_TOKEN);
    expect(episode.score()).toMatchObject({ reward: 1, outputs: [{ output: '1286', found: true }, { output: 'Boston', found: true }] });
    const other = env.startEpisode({ ...task, outputs: ['1,286'] });
    other.respond('Your total is $1,286.');
    other.userReplied(STOP_TOKEN);
    expect(other.score().reward).toBe(0); // the output keeps its comma; the reply loses it
  });

  it('runs tools through the Environment interface, arguments as text or objects', () => {
    const state = env.newState();
    const tool = env.tools.find((t) => t.name === 'calculate')!;
    expect(tool.invoke(state, '{"expression": "498 * 1.5"}')).toBe('747.0');
    expect(tool.invoke(state, { expression: '1 +' })).toBe('Error: invalid syntax (<string>, line 1)');
    expect(tool.invoke(state, '[1]')).toBe(
      'Error: tau_bench.envs.retail.tools.calculate.Calculate.invoke() argument after ** must be a mapping, not list',
    );
  });

  it("builds the simulated user's prompt as τ-bench does", () => {
    expect(userSystemPrompt('Return the kettle.')).toMatch(/^You are a user interacting with an agent\.\n\nInstruction: Return the kettle\.\n\nRules:\n/);
  });
});
