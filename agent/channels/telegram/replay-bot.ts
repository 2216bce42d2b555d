// The bot a channel benchmark talks to: the Telegram channel on a simulated Bot API that grammY
// long-polls in process (no socket), one allowed user, and `send` — the user writes, and the
// bot's handling of that message comes back once its reply is out (or why it never came). Also
// the record of what the channel did that a replay puts in the Trace.

import type { ApiClientOptions } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { DEFAULT_BUDGET } from '../../loop.ts';
import type { Trace } from '../../trace.ts';
import type { ChatSessions } from '../sessions.ts';
import type { AgentSettings, TurnRunner } from '../turn.ts';
import { Allowlist } from './allowlist.ts';
import { createTelegramChannel, type Handled, type TelegramChannel } from './channel.ts';
import { SimulatedBotApi, type DeliveredMessage } from './simulator/bot-api.ts';

export interface TelegramChannelRecord {
  name: 'telegram';
  /** The agent's final answer (of the last turn) before the channel formatted and split it. */
  agentAnswer: string | null;
  /** The agent runs' own latency; the trace's latencyMs is the user's wait, first message in to last reply out. */
  agentLatencyMs: number;
  /** Every call the bot made to the Bot API that the user sees: messages and chat actions. */
  outgoing: { method: string; text?: string; parseMode?: string; action?: string; ok: boolean; error?: string }[];
  /** The messages as the user received them (command replies included). */
  delivered: Pick<DeliveredMessage, 'text' | 'parseMode'>[];
}

export type ChannelTrace = Trace & { channel: TelegramChannelRecord };

/** Why a message got no handling: the bot stopped, hung, or the attempt was abandoned. */
export type Failed = { failed: string; aborted?: true };

export const REPLAY_TOKEN = '1000000001:simulated-replay-token';
export const REPLAY_USER = { id: 424242, first_name: 'Benchmark' };
/** A .invalid host (never resolves in DNS): nothing leaves the process, the simulator's fetch answers. */
const API_ROOT = 'http://bot-api.simulated.invalid';
/** Sending the reply after the agent's time budget is spent; past this the channel has hung. */
const DELIVERY_GRACE_MS = 30_000;

export interface ReplayBotOptions {
  agent: AgentSettings;
  sessions: ChatSessions;
  turns?: TurnRunner;
  telegram: SimulatedBotApi;
  /** Abandons the attempt: the bot stops and the agent with it. */
  signal?: AbortSignal;
}

export function newSimulatedTelegram(): SimulatedBotApi {
  return new SimulatedBotApi({ token: REPLAY_TOKEN });
}

export class ReplayBot {
  private readonly stopper = new AbortController();
  private readonly waiting: ((handled: Handled) => void)[] = [];
  private readonly channel: TelegramChannel;
  private readonly polling: Promise<void>;
  /** Long polling's end, as a failure (it only ends early when something went wrong). */
  private readonly pollingEnded: Promise<Failed>;
  private readonly aborted: Promise<Failed>;
  private readonly limitMs: number;
  private readonly forward = () => this.stopper.abort(this.options.signal?.reason);

  constructor(private readonly options: ReplayBotOptions) {
    const { signal, telegram, agent } = options;
    signal?.addEventListener('abort', this.forward, { once: true });
    if (signal?.aborted) this.forward();
    this.channel = createTelegramChannel({
      token: REPLAY_TOKEN,
      // The simulator's fetch and getMe answer stand in for node-fetch and Telegram's.
      client: { apiRoot: API_ROOT, fetch: telegram.fetch as unknown as ApiClientOptions['fetch'] },
      botInfo: telegram.me as unknown as UserFromGetMe,
      allowlist: new Allowlist([REPLAY_USER.id]),
      agent,
      sessions: options.sessions,
      turns: options.turns,
      signal: this.stopper.signal,
      // One chat: its messages are handled in the order sent.
      onHandled: (handled) => this.waiting.shift()?.(handled),
    });
    this.polling = this.channel.bot.start({ timeout: 30 });
    this.pollingEnded = this.polling.then(
      (): Failed => ({ failed: 'long polling stopped before the reply was sent' }),
      (error: Error): Failed => ({ failed: `long polling failed: ${error.message}` }),
    );
    this.aborted = whenAborted(this.stopper.signal);
    this.limitMs = (agent.budget?.maxTimeMs ?? DEFAULT_BUDGET.maxTimeMs) + DELIVERY_GRACE_MS;
  }

  /** The user writes `text`; resolves with the bot's handling of it once the reply is out. */
  send(text: string): Promise<Handled | Failed> {
    const handled = new Promise<Handled>((resolve) => this.waiting.push(resolve));
    this.options.telegram.userSays(REPLAY_USER, text);
    const limit = after(this.limitMs, { failed: `no reply within ${this.limitMs} ms` });
    return Promise.race([handled, this.pollingEnded, limit.promise, this.aborted]).finally(limit.cancel);
  }

  /** Stops the agent (if still running) and long polling. */
  async close(): Promise<void> {
    this.options.signal?.removeEventListener('abort', this.forward);
    if (!this.stopper.signal.aborted) this.stopper.abort();
    const { bot } = this.channel;
    if (bot.isRunning()) await bot.stop().catch(() => undefined);
    await this.polling.catch(() => undefined);
  }
}

/** The channel's part of the Trace: what it sent and what the user received over the whole replay. */
export function channelRecord(telegram: SimulatedBotApi, agentAnswer: string | null, agentLatencyMs: number): TelegramChannelRecord {
  return {
    name: 'telegram',
    agentAnswer,
    agentLatencyMs,
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
    delivered: telegram.delivered.map((m) => ({ text: m.text, ...(m.parseMode ? { parseMode: m.parseMode } : {}) })),
  };
}

/** What the user read: the parts of one reply joined at the paragraph break they were cut at; null for none. */
export function readText(delivered: readonly Pick<DeliveredMessage, 'text'>[]): string | null {
  return delivered.length ? delivered.map((m) => m.text).join('\n\n') : null;
}

/** A value after `ms`, unless cancelled first (a reply came: the timer must not linger). */
function after<T>(ms: number, value: T): { promise: Promise<T>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<T>((resolve) => {
    timer = setTimeout(resolve, ms, value).unref();
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

function whenAborted(signal: AbortSignal): Promise<Failed> {
  const failed: Failed = { failed: 'the attempt was stopped', aborted: true };
  return new Promise((resolve) => {
    if (signal.aborted) resolve(failed);
    else signal.addEventListener('abort', () => resolve(failed), { once: true });
  });
}
