// The episode loop on a real τ-bench task (retail test 5: a return), with a scripted agent that
// makes the task's ground-truth calls and the scripted user: the right write scores 1, a wrong one
// 0 naming it; the step limit, a terminate tool and `first` keep τ-bench's rules.

import { describe, expect, it } from 'vitest';
import { ScriptedModel } from '../providers/scripted.ts';
import type { ScriptStep } from '../../datasets/case.ts';
import { runEpisode } from './episode.ts';
import { loadTauTasks, tauEnvironment } from './tau/index.ts';
import { skipWithoutTauData, TAU_DATA_DIR } from './tau/test-data.ts';
import { parseReactResponse, userSimulator } from './user/index.ts';

const skip = skipWithoutTauData('the episode loop tests');

const call = (name: string, args: Record<string, unknown>): ScriptStep => ({ tool_calls: [{ name, arguments: args }] });

const GROUND_TRUTH: ScriptStep[] = [
  call('find_user_id_by_name_zip', { first_name: 'Mei', last_name: 'Kovacs', zip: '28236' }),
  call('get_user_details', { user_id: 'mei_kovacs_8020' }),
  call('get_order_details', { order_id: '#W6390527' }),
  call('get_product_details', { product_id: '6817146515' }),
  call('return_delivered_order_items', { order_id: '#W6390527', item_ids: ['8538875209'], payment_method_id: 'paypal_7644869' }),
  { text: 'Your return is requested; the refund goes to your PayPal account.' },
];

describe.skipIf(skip)('runEpisode on retail test 5', () => {
  const env = skip ? undefined! : tauEnvironment('retail', TAU_DATA_DIR);
  const task = skip ? undefined! : loadTauTasks('retail', 'test', TAU_DATA_DIR)[5]!;
  const run = (steps: ScriptStep[], extra: { maxSteps?: number; toolCalls?: 'first' | 'all' } = {}) =>
    runEpisode({ environment: env, task, taskName: 'retail test 5', model: new ScriptedModel(steps, 'agent.json'), user: userSimulator({ strategy: 'scripted' }), ...extra });

  it('scores 1 when the agent makes the ground-truth calls and the user stops', async () => {
    const trace = await run(GROUND_TRUTH);
    expect(trace.episode).toMatchObject({ reward: 1, ended: true, endedBy: 'stop', stateMatches: true, steps: 6, user: { strategy: 'scripted', calls: 0, costUsd: 0 } });
    expect(trace.stopReason).toBe('final');
    // system, the user's instruction, 5 × (assistant, tool), the reply, ###STOP###
    expect(trace.messages.map((m) => m.role)).toEqual(['system', 'user', ...Array(5).fill(['assistant', 'tool']).flat(), 'assistant', 'user']);
    expect(trace.messages[0]).toEqual({ role: 'system', content: env.policy });
    expect(trace.messages[1]).toEqual({ role: 'user', content: task.instruction });
    expect(trace.messages.at(-1)).toEqual({ role: 'user', content: '###STOP###' });
  });

  it('scores 0 on a wrong write, naming it', async () => {
    const wrong = GROUND_TRUTH.map((s) => (s.tool_calls?.[0]?.name === 'return_delivered_order_items' ? call('return_delivered_order_items', { order_id: '#W6390527', item_ids: ['8538875209'], payment_method_id: 'credit_card_0000000' }) : s));
    const trace = await run(wrong);
    expect(trace.episode?.reward).toBe(0);
    expect(trace.episode?.writes[0]).toMatchObject({ matched: false, expected: { name: 'return_delivered_order_items' } });
    expect(trace.episode?.summary).toMatch(/expected write not made: return_delivered_order_items/);
  });

  it('an episode cut short by the step limit scores 0 whatever its state', async () => {
    const trace = await run(GROUND_TRUTH, { maxSteps: 5 });
    expect(trace.episode).toMatchObject({ reward: 0, ended: false, endedBy: 'step_limit', stateMatches: true, steps: 5 });
    expect(trace.stopReason).toBe('max_steps');
  });

  it('first runs and keeps only the first call of a reply; all runs them all', async () => {
    const both: ScriptStep[] = [{ tool_calls: [{ name: 'get_user_details', arguments: { user_id: 'mei_kovacs_8020' } }, { name: 'get_order_details', arguments: { order_id: '#W6390527' } }] }, { text: 'done' }];
    const first = await run(both, { toolCalls: 'first' });
    expect(first.toolCalls.map((c) => c.name)).toEqual(['get_user_details']);
    expect((first.messages[2] as { toolCalls?: unknown[] }).toolCalls).toHaveLength(1);
    const all = await run(both, { toolCalls: 'all' });
    expect(all.toolCalls.map((c) => c.name)).toEqual(['get_user_details', 'get_order_details']);
  });

  it('a terminate tool ends the episode', async () => {
    const trace = await run([call('transfer_to_human_agents', { summary: 'the user wants a human' })]);
    expect(trace.episode).toMatchObject({ ended: true, endedBy: 'terminate_tool', reward: 0 });
  });

  it("the scripted user says the case's lines, then ###STOP###", async () => {
    const user = userSimulator({ strategy: 'scripted', script: ['hello', 'my order'] });
    expect(await user.start('ignored')).toBe('hello');
    expect(await user.reply('?')).toBe('my order');
    expect(await user.reply('?')).toBe('###STOP###');
  });
});

describe('the react user parses as τ-bench does', () => {
  it('stops on ###STOP###, sends what follows the marker, refuses other text', () => {
    expect(parseReactResponse('Thought:\nI am done\n\nUser Response:\n###STOP###')).toBe('###STOP###');
    expect(parseReactResponse('User Response:\nI want a refund')).toBe('I want a refund');
    // τ-bench's quirk: "Thought:" is checked first, so the heading travels with the response.
    expect(parseReactResponse('Thought:\nask\n\nUser Response:\nhi')).toBe('ask\n\nUser Response:\nhi');
    expect(() => parseReactResponse('just text')).toThrow(/Invalid response format/);
  });
});
