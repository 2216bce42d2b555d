// The channel benchmark: one dataset case sent through the Telegram path end to end — a user's
// message into a simulated Bot API, grammY long polling it, the channel running the agent, the
// reply formatted, cut and sent back — and the Trace returned with what Telegram delivered. The
// final answer scorers read is the text the user would see (tags parsed out, parts joined), so
// an answer the channel loses or mangles scores as lost; the agent's own answer is kept beside it.
//
// A single-message case: earlier turns of a multi-turn case are the chat's session history when
// its last message arrives. A multi-session case (`sessions`): replay-sessions.ts, the user
// writing each session's turns with /reset between sessions, over agent/memory's store.

import { caseMessages, type Case } from '../../../datasets/case.ts';
import { InMemoryChatSessions, type ChatSessions } from '../sessions.ts';
import type { AgentSettings } from '../turn.ts';
import { chatKey, type Handled } from './channel.ts';
import { channelRecord, newSimulatedTelegram, readText, REPLAY_USER, ReplayBot, type ChannelTrace, type Failed } from './replay-bot.ts';
import { replaySessions } from './replay-sessions.ts';
import type { SimulatedBotApi } from './simulator/bot-api.ts';
import { emptyTrace } from '../../trace.ts';

export type { ChannelTrace, TelegramChannelRecord } from './replay-bot.ts';

export interface ReplayOptions extends AgentSettings {
  /** Abandons the attempt: the bot stops and the trace says 'aborted'. */
  signal?: AbortSignal;
  /** Where the chat's session lives for a single-message case (default: in memory, for this case alone). */
  sessions?: ChatSessions;
  /** Where a multi-session case's transcripts and memory go (default: a fresh temporary folder, removed afterwards). */
  home?: string;
  /** The Telegram side (default: a fresh simulator); tests queue faults on it. */
  telegram?: SimulatedBotApi;
}

export async function replayThroughTelegram(c: Case, options: ReplayOptions): Promise<ChannelTrace> {
  if (c.sessions) return replaySessions(c.sessions, options);
  const { signal, sessions = new InMemoryChatSessions(), telegram = newSimulatedTelegram(), home: _home, ...agent } = options;
  const history = caseMessages(c);
  const message = history.pop()!;
  if (history.length) await sessions.append(chatKey(REPLAY_USER.id), history);

  const bot = new ReplayBot({ agent, sessions, telegram, signal });
  const started = performance.now();
  let outcome: Handled | Failed;
  try {
    outcome = await bot.send(message.content);
  } finally {
    await bot.close();
  }
  return channelTrace(outcome, telegram, agent.model.id, performance.now() - started);
}

function channelTrace(outcome: Handled | Failed, telegram: SimulatedBotApi, target: string, latencyMs: number): ChannelTrace {
  const handled = 'failed' in outcome ? undefined : outcome;
  const trace = handled?.trace ?? emptyTrace(target, 'failed' in outcome && outcome.aborted ? 'aborted' : 'error');
  const failure = 'failed' in outcome ? outcome.failed : handled?.error ? `the reply was not delivered: ${handled.error}` : undefined;
  return {
    ...trace,
    // What the user got, once the channel finished: not a reply still on its way when the attempt was cut short.
    finalAnswer: handled ? readText(telegram.delivered) : null,
    ...(failure && trace.stopReason !== 'aborted' ? { stopReason: 'error' as const, error: `telegram: ${failure}` } : {}),
    latencyMs,
    channel: channelRecord(telegram, trace.finalAnswer, trace.latencyMs),
  };
}
