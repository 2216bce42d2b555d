// How a case reaches the agent, by name: straight into the tool loop, as sessions over one memory
// of the attempt's own, or through a channel end to end (telegram: a simulated Bot API that grammY
// long-polls, scored on what the user received), or as an episode: an environment's task played
// with a simulated user (runners/episodes.ts). A suite's `channel:` picks one (an environment suite
// picks episode); otherwise a case with sessions goes as sessions and any other case directly. A
// new way in is one more row. An external agent (agent/external/) replaces the tool loop: the
// channels that can carry one call it per turn (direct: one request on the case's conversation;
// sessions: one per user turn, one session id for the attempt).

import { replayThroughTelegram } from '../agent/channels/telegram/replay.ts';
import { runAgent, type RunOptions } from '../agent/loop.ts';
import { runSessions } from '../agent/memory/run-sessions.ts';
import type { Trace } from '../agent/trace.ts';
import { caseMessages, type Case } from '../datasets/case.ts';
import { runEpisodeCase, type EpisodeContext } from './episodes.ts';
import { runExternalTurns, type ExternalRun } from '../agent/external/turns.ts';

/** Everything of one attempt's agent run but the conversation, which the channel makes from the case. */
export type AgentRun = Omit<RunOptions, 'messages'>;

/** What a channel may need beyond the agent's run: an episode's settings and its user. */
export interface ChannelContext {
  episode?: EpisodeContext;
}

export interface Channel {
  run(c: Case, agent: AgentRun, context: ChannelContext): Promise<Trace>;
  /** The case through an external agent; absent: this way in needs Lunar's own agent. */
  external?(c: Case, agent: ExternalRun): Promise<Trace>;
}

export const CHANNELS = {
  direct: {
    run: (c, agent) => runAgent({ ...agent, messages: caseMessages(c) }),
    external: (c, agent) => {
      const messages = caseMessages(c);
      return runExternalTurns([{ prior: messages.slice(0, -1), turns: [messages.at(-1)!.content] }], agent);
    },
  },
  sessions: {
    run: (c, agent) => runSessions({ ...agent, sessions: c.sessions ?? [] }),
    external: (c, agent) => runExternalTurns((c.sessions ?? []).map((turns) => ({ prior: [], turns: [...turns] })), agent),
  },
  telegram: { run: (c, agent) => replayThroughTelegram(c, agent) },
  episode: { run: (c, agent, context) => runEpisodeCase(c, agent, context.episode) },
} satisfies Record<string, Channel>;

export type ChannelName = keyof typeof CHANNELS;

/** The channel a suite names, else sessions for a multi-session case, else direct. */
export function channelFor(suiteChannel: ChannelName | undefined, c: Case): Channel {
  return CHANNELS[channelName(suiteChannel, c)];
}

function channelName(suiteChannel: ChannelName | undefined, c: Case): ChannelName {
  return suiteChannel ?? (c.sessions ? 'sessions' : 'direct');
}

/** How a case reaches an external agent; a channel that needs Lunar's own agent is an error saying so. */
export function externalChannelFor(suiteChannel: ChannelName | undefined, c: Case, target: string): (c: Case, agent: ExternalRun) => Promise<Trace> {
  const name = channelName(suiteChannel, c);
  const channel: Channel = CHANNELS[name];
  if (!channel.external) throw new Error(`target ${target} is an external agent: the ${name} channel runs Lunar's own agent, so it cannot go through it (run it on a dataset suite)`);
  return channel.external;
}
