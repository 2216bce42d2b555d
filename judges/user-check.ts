// user_check: whose fault a failed episode is. A judge reads the finished conversation against the
// simulated user's instruction and labels the failure `user_error` (the simulator strayed from its
// instruction) or `agent_error`. It never changes the episode's reward: a user_error episode still
// failed; reports count the two labels, and `lunar gate --exclude-user-errors` leaves user_error
// episodes out of its verdict, saying how many.
//
// The score: 1 and a pass when the failure is the agent's (the verdict stands), 0 and a fail when it
// is the user's (the verdict is in doubt). A passed episode has no fault to assign (skipped, no
// judge call); a trace that is not an episode is not this scorer's.

import { z } from 'zod';
import type { Trace } from '../agent/trace.ts';
import { scored } from '../metrics/score.ts';
import { askJudge } from './core.ts';
import { judgeScorer } from './judge-scorer.ts';
import { USER_CHECK } from './prompts/user-check.ts';

export type UserCheckLabel = 'user_error' | 'agent_error';

/** Tool results longer than this are cut in what the judge reads: a flight search can be pages long. */
const TOOL_RESULT_CHARS = 600;

export const userCheck = judgeScorer({
  name: 'user_check',
  options: z.object({}).strict(),
  needs: {},
  prepare: ({ case: c, trace }) => {
    const e = trace.episode;
    if (!e || !c.episode) return 'not an episode: user_check reads a simulated user\'s conversation (use it on environment suites)';
    if (e.reward === 1) return 'the episode succeeded: there is no failure to assign';
    return { instruction: c.episode.instruction, outcome: outcomeOf(e), conversation: conversationOf(trace) };
  },
  create: (_options, name) => async (inputs, judge, usage) => {
    const asked = await askJudge(judge, USER_CHECK, { instruction: inputs.instruction, outcome: inputs.outcome, conversation: inputs.conversation }, usage);
    if (!asked.ok) return asked;
    const label: UserCheckLabel = asked.value.fault === 'user' ? 'user_error' : 'agent_error';
    const agentFault = label === 'agent_error';
    return scored(name, agentFault ? 1 : 0, agentFault, `${label}: ${asked.value.reasoning}`, { label, reasoning: asked.value.reasoning });
  },
});

/** What the reward found wrong, one line each. */
export function outcomeOf(e: NonNullable<Trace['episode']>): string {
  const lines = [e.summary];
  if (!e.ended) lines.push(`The conversation never ended: it ran out of steps (${e.steps} of ${e.maxSteps}).`);
  for (const w of e.writes.filter((w) => !w.matched)) lines.push(`Expected write not made: ${w.expected.name}(${w.expected.arguments})${w.closest ? `; closest made: ${w.closest.name}(${w.closest.arguments}), differing in ${w.closest.differingArguments.join(', ') || 'nothing'}` : ''}`);
  for (const w of e.unexpectedWrites) lines.push(`Unexpected write: ${w.name}(${w.arguments})`);
  for (const o of e.outputs.filter((o) => !o.found)) lines.push(`Required output never told to the user: ${o.output}`);
  return lines.join('\n');
}

/** The conversation as the judge reads it: one paragraph a turn, tool calls with their results (long ones cut). */
export function conversationOf(trace: Pick<Trace, 'messages'>): string {
  const turns: string[] = [];
  for (const m of trace.messages) {
    if (m.role === 'system') continue;
    if (m.role === 'user') turns.push(`user: ${m.content}`);
    if (m.role === 'assistant') {
      if (m.content) turns.push(`agent: ${m.content}`);
      for (const call of m.toolCalls ?? []) turns.push(`agent calls ${call.name}(${call.rawArguments ?? JSON.stringify(call.arguments)})`);
    }
    if (m.role === 'tool') turns.push(`tool ${m.name} returns: ${cut(m.content)}`);
  }
  return turns.join('\n\n');
}

function cut(text: string): string {
  return text.length <= TOOL_RESULT_CHARS ? text : `${text.slice(0, TOOL_RESULT_CHARS)}… (${text.length - TOOL_RESULT_CHARS} more characters)`;
}

/** The label an attempt's user_check score gave (a failed episode judged), else undefined. */
export function userCheckLabel(scores: readonly { scorer: string; status: string; details?: Record<string, unknown> }[]): UserCheckLabel | undefined {
  const score = scores.find((s) => s.scorer === 'user_check' && s.status === 'scored');
  const label = score?.details?.label;
  return label === 'user_error' || label === 'agent_error' ? label : undefined;
}
