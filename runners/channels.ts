// How a case reaches the agent, by name: straight into the tool loop, as sessions over one memory
// of the attempt's own, or through a channel end to end (telegram: a simulated Bot API that grammY
// long-polls, scored on what the user received), or as an episode: an environment's task played
// with a simulated user (runners/episodes.ts). A suite's `channel:` picks one (an environment suite
// picks episode); otherwise a case with sessions goes as sessions and any other case directly. A
// new way in is one more row.

import { replayThroughTelegram } from '../agent/channels/telegram/replay.ts';
import { runAgent, type RunOptions } from '../agent/loop.ts';
import { runSessions } from '../agent/memory/run-sessions.ts';
import type { Trace } from '../agent/trace.ts';
import { caseMessages, type Case } from '../datasets/case.ts';
import { runEpisodeCase, type EpisodeContext } from './episodes.ts';

/** Everything of one attempt's agent run but the conversation, which the channel makes from the case. */
export type AgentRun = Omit<RunOptions, 'messages'>;

/** What a channel may need beyond the agent's run: an episode's settings and its user. */
export interface ChannelContext {
  episode?: EpisodeContext;
}

export interface Channel {
  run(c: Case, agent: AgentRun, context: ChannelContext): Promise<Trace>;
}

export const CHANNELS = {
  direct: { run: (c, agent) => runAgent({ ...agent, messages: caseMessages(c) }) },
  sessions: { run: (c, agent) => runSessions({ ...agent, sessions: c.sessions ?? [] }) },
  telegram: { run: (c, agent) => replayThroughTelegram(c, agent) },
  episode: { run: (c, agent, context) => runEpisodeCase(c, agent, context.episode) },
} satisfies Record<string, Channel>;

export type ChannelName = keyof typeof CHANNELS;

/** The channel a suite names, else sessions for a multi-session case, else direct. */
export function channelFor(suiteChannel: ChannelName | undefined, c: Case): Channel {
  return CHANNELS[suiteChannel ?? (c.sessions ? 'sessions' : 'direct')];
}
