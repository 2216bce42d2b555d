// tau_reward: τ-bench's reward of an episode (trace.episode, made by the episode loop), as a score:
// passes iff the reward is 1 (the episode ended, the database equals the ground truth's, every
// required output was said). The reason says why not, from the episode's own record; the details
// keep what a report shows beside the conversation. A trace without an episode has nothing to score.

import { z } from 'zod';
import { defineScorer, scored, skipped } from './score.ts';

export const tauReward = defineScorer({
  name: 'tau_reward',
  options: z.object({}).strict(),
  create: (_options, name) => ({ trace }) => {
    const e = trace.episode;
    if (!e) return skipped(name, 'not an episode: the trace has no environment reward (use tau_reward on environment suites)');
    const pass = e.reward === 1;
    return scored(name, pass ? 1 : 0, pass, e.summary, {
      reward: e.reward,
      ended: e.ended,
      ended_by: e.endedBy,
      steps: e.steps,
      state_matches: e.stateMatches,
      differences: e.differences.length,
      outputs_missing: e.outputs.filter((o) => !o.found).map((o) => o.output),
      writes_unmatched: e.writes.filter((w) => !w.matched).map((w) => w.expected.name),
      unexpected_writes: e.unexpectedWrites.map((w) => w.name),
      user: e.user.target,
      user_strategy: e.user.strategy,
      user_cost_usd: e.user.costUsd,
    });
  },
});
