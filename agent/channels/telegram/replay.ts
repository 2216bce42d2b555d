// The channel benchmark: one dataset case sent through the Telegram path end to end — a user's
// message into a simulated Bot API, grammY long polling it, the channel running the agent, the
// reply formatted, cut and sent back — and the Trace returned with what Telegram delivered. The
// final answer scorers read is the text the user would see (tags parsed out, parts joined), so
// an answer the channel loses or mangles scores as lost; the agent's own answer is kept beside it.
// Earlier turns of a multi-turn case are the chat's session history when the message arrives.

import type { ApiClientOptions } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { DEFAULT_BUDGET } from '../../loop.ts';
import type { Trace } from '../../trace.ts';
import { caseMessages, type Case } from '../../../datasets/case.ts';
import { InMemoryChatSessions, type ChatSessions } from '../sessions.ts';
import type { AgentSettings } from '../turn.ts';
import { Allowlist } from './allowlist.ts';
import { chatKey, createTelegramChannel, type Handled } from './channel.ts';
import { SimulatedBotApi, type DeliveredMessage } from './simulator/bot-api.ts';

export interface ReplayOptions extends AgentSettings {
  /** Abandons the attempt: the bot stops and the trace says 'aborted'. */
  signal?: AbortSignal;
  /** Where the chat's session lives (default: in memory, for this case alone). */
  sessions?: ChatSessions;
  /** The Telegram side (default: a fresh simulator); tests queue faults on it. */
  telegram?: SimulatedBotApi;
}

export interface TelegramChannelRecord {
  name: 'telegram';
  /** The agent's final answer before the channel formatted and split it. */
  agentAnswer: string | null;
  /** The agent run's own latency; the trace's latencyMs is the user's wait, message in to reply out. */
  agentLatencyMs: number;
  /** Every call the bot made to the Bot API that the user sees: messages and chat actions. */
  outgoing: { method: string; text?: string; parseMode?: string; action?: string; ok: boolean; error?: string }[];
  /** The messages as the user received them. */
  delivered: Pick<DeliveredMessage, 'text' | 'parseMode'>[];
}

export type ChannelTrace = Trace & { channel: TelegramChannelRecord };

const BOT_TOKEN = '1000000001:simulated-replay-token';
const USER = { id: 424242, first_name: 'Benchmark' };
/** A .invalid host (never resolves in DNS): nothing leaves the process, the simulator's fetch answers. */
const API_ROOT = 'http://bot-api.simulated.invalid';
/** Sending the reply after the agent's time budget is spent; past this the channel has hung. */
const DELIVERY_GRACE_MS = 30_000;

export async function replayThroughTelegram(c: Case, options: ReplayOptions): Promise<ChannelTrace> {
  const { signal, sessions = new InMemoryChatSessions(), telegram = new SimulatedBotApi({ token: BOT_TOKEN }), ...agent } = options;
  // A multi-session case (agent/memory) needs that store's sessions and memory behind the chat,
  // with /reset between sessions; flattening its turns into one chat would score something else.
  if ((c as { sessions?: unknown }).sessions !== undefined) {
    throw new Error(`case ${c.id} has several sessions: replaying those through Telegram needs agent/memory's session store behind the channel`);
  }
  const history = caseMessages(c);
  const message = history.pop()!;
  const key = chatKey(USER.id);
  if (history.length) await sessions.append(key, history);

  // Stops the agent when the caller abandons the attempt or the channel hangs.
  const stop = new AbortController();
  const forward = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', forward, { once: true });
  if (signal?.aborted) forward();
  let onHandled!: (handled: Handled) => void;
  const handled = new Promise<Handled>((resolve) => (onHandled = resolve));
  const channel = createTelegramChannel({
    token: BOT_TOKEN,
    // The simulator's fetch and getMe answer stand in for node-fetch and Telegram's.
    client: { apiRoot: API_ROOT, fetch: telegram.fetch as unknown as ApiClientOptions['fetch'] },
    botInfo: telegram.me as unknown as UserFromGetMe,
    allowlist: new Allowlist([USER.id]),
    agent,
    sessions,
    signal: stop.signal,
    onHandled,
  });

  const started = performance.now();
  const polling = channel.bot.start({ timeout: 30 });
  telegram.userSays(USER, message.content);
  const limitMs = (agent.budget?.maxTimeMs ?? DEFAULT_BUDGET.maxTimeMs) + DELIVERY_GRACE_MS;
  let outcome: Handled | Failed;
  try {
    outcome = await Promise.race([
      handled,
      polling.then((): Failed => ({ failed: 'long polling stopped before the reply was sent' })),
      after(limitMs, { failed: `no reply within ${limitMs} ms` }),
      whenAborted(stop.signal),
    ]);
  } catch (error) {
    outcome = { failed: `long polling failed: ${(error as Error).message}` };
  } finally {
    signal?.removeEventListener('abort', forward);
    if (!stop.signal.aborted) stop.abort();
    await stopPolling(channel.bot, polling);
  }
  const latencyMs = performance.now() - started;
  return channelTrace(outcome, telegram, agent.model.id, latencyMs);
}

type Failed = { failed: string; aborted?: true };

function channelTrace(outcome: Handled | Failed, telegram: SimulatedBotApi, target: string, latencyMs: number): ChannelTrace {
  const handled = 'failed' in outcome ? undefined : outcome;
  const trace = handled?.trace ?? emptyTrace(target, 'failed' in outcome && outcome.aborted ? 'aborted' : 'error');
  const delivered = telegram.delivered.map((m) => ({ text: m.text, ...(m.parseMode ? { parseMode: m.parseMode } : {}) }));
  const failure = 'failed' in outcome ? outcome.failed : handled?.error ? `the reply was not delivered: ${handled.error}` : undefined;
  const channel: TelegramChannelRecord = {
    name: 'telegram',
    agentAnswer: trace.finalAnswer,
    agentLatencyMs: trace.latencyMs,
    outgoing: telegram.calls
      .filter((call) => call.method === 'sendMessage' || call.method === 'sendChatAction')
      .map((call) => ({
        method: call.method,
        ...(typeof call.payload.text === 'string' ? { text: call.payload.text } : {}),
        ...(typeof call.payload.parse_mode === 'string' ? { parseMode: call.payload.parse_mode } : {}),
        ...(typeof call.payload.action === 'string' ? { action: call.payload.action } : {}),
        ok: call.response.ok,
        ...(call.response.ok ? {} : { error: call.response.description }),
      })),
    delivered,
  };
  return {
    ...trace,
    // What the user got, once the channel finished: not a reply still on its way when the attempt was cut short.
    finalAnswer: handled && delivered.length ? delivered.map((m) => m.text).join('\n\n') : null,
    ...(failure && trace.stopReason !== 'aborted' ? { stopReason: 'error' as const, error: `telegram: ${failure}` } : {}),
    latencyMs,
    channel,
  };
}

async function stopPolling(bot: { stop(): Promise<void>; isRunning(): boolean }, polling: Promise<void>): Promise<void> {
  if (bot.isRunning()) await bot.stop().catch(() => undefined);
  await polling.catch(() => undefined);
}

function after<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(resolve, ms, value).unref());
}

function whenAborted(signal: AbortSignal): Promise<Failed> {
  const failed: Failed = { failed: 'the attempt was stopped', aborted: true };
  return new Promise((resolve) => {
    if (signal.aborted) resolve(failed);
    else signal.addEventListener('abort', () => resolve(failed), { once: true });
  });
}

function emptyTrace(target: string, stopReason: Trace['stopReason']): Trace {
  return {
    target,
    messages: [],
    modelCalls: [],
    toolCalls: [],
    retrieved: [],
    citations: [],
    finalAnswer: null,
    stopReason,
    usage: { inputTokens: 0, outputTokens: 0 },
    latencyMs: 0,
    costUsd: 0,
  };
}
