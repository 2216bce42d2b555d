import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EpisodeRecord, Trace } from '../agent/trace.ts';
import { Case } from '../datasets/case.ts';
import { OpenAiFake } from '../test/fakes/openai-server.ts';
import { chatCount, json, judgeTrace, openAiJudge, sentTo } from '../test/fakes/judge-fixtures.ts';
import { NO_JUDGE } from './outcome.ts';
import { userCheck } from './user-check.ts';

const INSTRUCTION = 'You are Yusuf Rossi in 19122. You want to exchange the mechanical keyboard you received for one with clicky switches.';

const episodeCase = Case.parse({
  id: 'retail-test-0',
  category: 'retail',
  episode: { environment: 'tau', domain: 'retail', split: 'test', index: 0, data: '/nowhere', user_id: 'yusuf_rossi_9620', instruction: INSTRUCTION, outputs: [] },
});

function episode(reward: number, fields: Partial<EpisodeRecord> = {}): EpisodeRecord {
  return {
    environment: 'tau-retail',
    task: 'retail test 0',
    reward,
    ended: true,
    endedBy: 'stop',
    steps: 4,
    maxSteps: 30,
    toolCalls: 'all',
    stateMatches: reward === 1,
    differences: [],
    outputs: [],
    writes: [],
    unexpectedWrites: [],
    summary: reward === 1 ? 'reward 1: the state matches and every output was said' : 'reward 0: the final state differs from the ground truth\'s',
    user: { target: 'openai:gpt-4o', strategy: 'llm', calls: 3, costUsd: 0, usage: { inputTokens: 0, outputTokens: 0 } },
    ...fields,
  };
}

const conversation: Trace['messages'] = [
  { role: 'system', content: 'POLICY-TEXT-42' },
  { role: 'user', content: 'Hi, I want to exchange my keyboard.' },
  { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'find_user_id_by_name_zip', arguments: {}, rawArguments: '{"first_name": "Yusuf", "last_name": "Rossi", "zip": "19122"}' }] },
  { role: 'tool', toolCallId: 'c1', name: 'find_user_id_by_name_zip', content: 'yusuf_rossi_9620' },
  { role: 'assistant', content: 'Which switches would you like?' },
  { role: 'user', content: 'Linear ones, please. ###STOP###' },
];

describe('user_check', () => {
  let fake: OpenAiFake;
  beforeEach(async () => {
    fake = await new OpenAiFake().start();
  });
  afterEach(() => fake.close());

  it('labels a failed episode user_error when the judge finds the simulated user strayed: value 0, a fail, the reasoning as the reason', async () => {
    fake.say({ text: json({ reasoning: 'The instruction asks for clicky switches; the user asked for linear ones.', fault: 'user' }) });
    const trace = judgeTrace({ messages: conversation, finalAnswer: 'Which switches would you like?', episode: episode(0) });
    const score = await userCheck({}).score({ case: episodeCase, trace, judge: openAiJudge(fake) });
    expect(score).toMatchObject({ scorer: 'user_check', status: 'scored', value: 0, pass: false, reason: 'user_error: The instruction asks for clicky switches; the user asked for linear ones.' });
    expect(score!.details).toMatchObject({ label: 'user_error', judge: { calls: 1 } });
    const { user } = sentTo(fake, 0);
    expect(user).toContain(`<instruction>\n${INSTRUCTION}\n</instruction>`);
    expect(user).toContain("reward 0: the final state differs from the ground truth's");
    expect(user).toContain('user: Hi, I want to exchange my keyboard.');
    expect(user).toContain('agent calls find_user_id_by_name_zip({"first_name": "Yusuf", "last_name": "Rossi", "zip": "19122"})');
    expect(user).toContain('tool find_user_id_by_name_zip returns: yusuf_rossi_9620');
    expect(user).toContain('agent: Which switches would you like?');
    expect(user).not.toContain('POLICY-TEXT-42');
  });

  it('labels it agent_error when the judge finds the agent at fault: value 1, a pass (the failed verdict stands)', async () => {
    fake.say({ text: json({ reasoning: 'The user asked for clicky switches; the agent never called exchange_delivered_order_items.', fault: 'agent' }) });
    const e = episode(0, { writes: [{ expected: { name: 'exchange_delivered_order_items', arguments: '{"order_id": "#W1"}' }, matched: false }], outputs: [{ output: '10.50', found: false }] });
    const score = await userCheck({}).score({ case: episodeCase, trace: judgeTrace({ messages: conversation, episode: e }), judge: openAiJudge(fake) });
    expect(score).toMatchObject({ value: 1, pass: true, details: { label: 'agent_error' } });
    const { user } = sentTo(fake, 0);
    expect(user).toContain('Expected write not made: exchange_delivered_order_items({"order_id": "#W1"})');
    expect(user).toContain('Required output never told to the user: 10.50');
  });

  it('asks no judge about a passed episode or a trace that is not an episode: skipped, with why', async () => {
    const passed = await userCheck({}).score({ case: episodeCase, trace: judgeTrace({ messages: conversation, episode: episode(1) }), judge: openAiJudge(fake) });
    expect(passed).toMatchObject({ status: 'skipped', pass: null, reason: 'the episode succeeded: there is no failure to assign' });
    const plain = await userCheck({}).score({ case: Case.parse({ id: 'q', category: 'c', input: 'hi', expected_answer: 'x' }), trace: judgeTrace(), judge: openAiJudge(fake) });
    expect(plain).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^not an episode/) });
    expect(chatCount(fake)).toBe(0);
  });

  it('is skipped, never a label, when no judge is configured', async () => {
    const score = await userCheck({}).score({ case: episodeCase, trace: judgeTrace({ messages: conversation, episode: episode(0) }), judge: undefined });
    expect(score).toMatchObject({ status: 'skipped', pass: null, reason: NO_JUDGE });
  });
});
