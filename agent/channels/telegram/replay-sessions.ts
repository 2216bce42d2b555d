// A multi-session case through the Telegram path: one chat with the bot, the user writing each
// session's turns in order and /reset between sessions, the bot keeping its conversations and
// memory in agent/memory's store (transcripts, then one memory root for the whole case) in a
// folder of the attempt's own. It is the same case runSessions runs straight into the agent, on
// the same simulated clock (session i on day i, turn j at minute j), so a verdict can differ
// only where the channel changed what the user read.
//
// The Trace is runSessions' (MergedTrace: every session's messages, model and tool calls with
// steps numbered on, memory operations and compactions with their session) with the channel's:
// the final answer is what the user received for the last turn, and `channel` records every
// message and chat action the bot sent over the whole chat, /reset's replies included. A turn the
// agent failed, a reply not delivered, or a bot that hung ends the case there, with the session
// and turn named in `error`.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SESSIONS_START, MergedTrace } from '../../memory/index.ts';
import type { Message } from '../../providers/types.ts';
import { emptyTrace, type Trace } from '../../trace.ts';
import { MemoryChatSessions } from '../memory-sessions.ts';
import { memoryConversations } from '../memory-turn.ts';
import type { Handled } from './channel.ts';
import { channelRecord, newSimulatedTelegram, readText, ReplayBot, type ChannelTrace, type Failed } from './replay-bot.ts';
import type { ReplayOptions } from './replay.ts';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export async function replaySessions(sessions: readonly (readonly string[])[], options: ReplayOptions): Promise<ChannelTrace> {
  // A given `sessions` store is for single-message cases: this one needs agent/memory's.
  const { signal, telegram = newSimulatedTelegram(), home: given, sessions: _single, ...agent } = options;
  const home = given ?? (await mkdtemp(join(tmpdir(), 'lunar-telegram-sessions-')));
  const start = Date.parse(DEFAULT_SESSIONS_START);
  let clock = start;
  const store = new MemoryChatSessions({ home, now: () => new Date(clock) });
  const bot = new ReplayBot({ agent, ...memoryConversations(store), telegram, signal });
  const merged = new MergedTrace(agent.model.id);
  const started = performance.now();
  let lastAnswer: string | null = null;
  let agentAnswer: string | null = null;
  let agentLatencyMs = 0;
  let failure: { error: string; aborted: boolean } | undefined;
  try {
    sessionLoop: for (let s = 0; s < sessions.length; s++) {
      const sessionStart = start + s * DAY_MS;
      if (s > 0) {
        clock = sessionStart;
        const reset = await bot.send('/reset');
        const problem = 'failed' in reset ? reset.failed : reset.error;
        if (problem !== undefined) {
          lastAnswer = null;
          failure = { error: `session ${s + 1}, /reset: telegram: ${problem}`, aborted: 'failed' in reset && reset.aborted === true };
          break;
        }
      }
      for (let t = 0; t < sessions[s]!.length; t++) {
        clock = sessionStart + t * MINUTE_MS;
        const from = telegram.delivered.length;
        const outcome = await bot.send(sessions[s]![t]!);
        lastAnswer = 'failed' in outcome ? null : readText(telegram.delivered.slice(from));
        const where = `session ${s + 1}, turn ${t + 1}`;
        const handled = 'failed' in outcome ? undefined : outcome;
        const trace = handled?.trace;
        if (trace) {
          if (t === 0) merged.startSession(handled!.sessionId!, agent.system);
          merged.addTurn(trace, turnMessages(trace), s + 1);
          agentAnswer = trace.finalAnswer;
          agentLatencyMs += trace.latencyMs;
        }
        const problem = turnProblem(outcome, trace);
        if (problem) {
          failure = { error: `${where}: ${problem.error}`, aborted: problem.aborted };
          merged.fail(trace ?? emptyTrace(agent.model.id, problem.aborted ? 'aborted' : 'error'), failure.error);
          break sessionLoop;
        }
      }
    }
  } finally {
    await bot.close();
    store.close();
    if (given === undefined) await rm(home, { recursive: true, force: true });
  }
  const trace = merged.trace(performance.now() - started);
  return {
    ...trace,
    finalAnswer: lastAnswer,
    ...(failure ? { stopReason: failure.aborted ? ('aborted' as const) : ('error' as const), error: failure.error } : {}),
    channel: channelRecord(telegram, agentAnswer, agentLatencyMs),
  };
}

/** What went wrong with a turn, if anything: the agent's run, the turn itself, or its delivery. */
function turnProblem(outcome: Handled | Failed, trace: Trace | undefined): { error: string; aborted: boolean } | undefined {
  if ('failed' in outcome) return { error: `telegram: ${outcome.failed}`, aborted: outcome.aborted === true };
  if (!trace) return { error: `telegram: the turn failed: ${outcome.error ?? 'no trace'}`, aborted: false };
  if (trace.stopReason === 'error' || trace.stopReason === 'aborted') return { error: trace.error ?? trace.stopReason, aborted: trace.stopReason === 'aborted' };
  if (outcome.error) return { error: `telegram: the reply was not delivered: ${outcome.error}`, aborted: false };
  return undefined;
}

/** The messages a turn added: its user message and everything after it (a turn holds one user message). */
function turnMessages(trace: Trace): Message[] {
  const user = trace.messages.map((m) => m.role).lastIndexOf('user');
  return user < 0 ? [] : trace.messages.slice(user);
}
