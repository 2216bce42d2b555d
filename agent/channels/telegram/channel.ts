// The Telegram channel: a grammY bot in front of the agent loop. Strangers get one line; an
// allowed user's message is a turn of the chat's session, answered with a typing indicator
// meanwhile and the answer formatted and cut to Telegram's limit. Each chat's messages are
// handled in order on a queue of their own, so one slow answer holds up only its own chat — and
// the update handler returns at once, so long polling keeps fetching and a webhook answers
// Telegram before its timeout.

import type { ApiClientOptions, Bot, Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Trace } from '../../trace.ts';
import { KeyedQueue } from '../keyed-queue.ts';
import type { ChatSessions } from '../sessions.ts';
import { runTurn, type AgentSettings, type TurnRunner } from '../turn.ts';
import { Allowlist, refusalLine } from './allowlist.ts';
import { helpText, memoryText, resetText, type CommandContext } from './commands.ts';
import { describeError, withoutToken } from './redact.ts';
import { retryAfter } from './retry-after.ts';
import { sendLine, sendReply, type SentPart } from './send.ts';
import { keepTyping } from './typing.ts';
import { packages } from '../../../core/packages.ts';

export interface TelegramChannelOptions {
  token: string;
  /** Where the Bot API is (apiRoot) or how to reach it (fetch); default api.telegram.org. */
  client?: ApiClientOptions;
  /** The bot's own getMe answer, when known, so no call is made for it. */
  botInfo?: UserFromGetMe;
  allowlist: Allowlist;
  agent: AgentSettings;
  sessions: ChatSessions;
  /** Runs a turn of a chat's session (default: the agent loop over the session's history). */
  turns?: TurnRunner;
  /** How often "typing…" is sent again while the agent works (Telegram shows it for 5 s). */
  typingEveryMs?: number;
  /** Longest retry_after honoured, in seconds (default 60). */
  maxRetryAfterSeconds?: number;
  /** Stops agent runs in progress (the CLI's second Ctrl-C, an abandoned benchmark attempt). */
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Told of every message handled, after its reply went out (or failed to). */
  onHandled?: (handled: Handled) => void;
}

export interface Handled {
  chatId: number;
  kind: 'answer' | 'command' | 'refused' | 'unsupported';
  /** The agent's run, for an answer. */
  trace?: Trace;
  sessionId?: string;
  sent: SentPart[];
  /** Why the reply could not be sent (token removed). */
  error?: string;
}

export interface TelegramChannel {
  bot: Bot;
  /** Resolves once every message received so far has been handled. */
  idle(): Promise<void>;
}

export function createTelegramChannel(options: TelegramChannelOptions): TelegramChannel {
  const { token, agent, sessions, allowlist } = options;
  const log = (line: string) => options.log?.(withoutToken(line, token));
  const bot = new packages.grammy.Bot(token, { client: options.client, ...(options.botInfo ? { botInfo: options.botInfo } : {}) });
  bot.api.config.use(retryAfter({ maxWaitSeconds: options.maxRetryAfterSeconds, onWait: (method, seconds) => log(`telegram: ${method} was rate-limited; waiting ${seconds} s as Telegram asks`) }));
  bot.catch((error) => log(`telegram: update ${error.ctx.update.update_id} failed: ${describeError(error.error, token)}`));
  const queue = new KeyedQueue();
  const commands = (chatId: number): CommandContext => ({ key: chatKey(chatId), sessions, modelId: agent.model.id, toolNames: agent.tools.names() });

  /**
   * Handles the message on its chat's queue; the update handler does not wait for it. The handler
   * fills in `handled` as it goes, so a reply that fails half way still tells what was done.
   */
  const enqueue = (ctx: Context, kind: Handled['kind'], handle: (handled: Handled) => Promise<void>) => {
    const chatId = ctx.chat!.id;
    void queue.run(String(chatId), async () => {
      const handled: Handled = { chatId, kind, sent: [] };
      try {
        await handle(handled);
      } catch (error) {
        handled.error = describeError(error, token);
        log(`telegram: chat ${chatId}: could not reply: ${handled.error}`);
        // Tell the user, if Telegram lets us; if not, the log line above is all there is.
        await sendLine(ctx.api, chatId, 'Sorry, something went wrong on my side. Try again in a moment.').then(
          (part) => handled.sent.push(part),
          () => undefined,
        );
      }
      options.onHandled?.(handled);
    });
  };
  const reply = (ctx: Context, kind: Handled['kind'], text: (chatId: number) => string | Promise<string>) =>
    enqueue(ctx, kind, async (handled) => {
      handled.sent.push(await sendLine(ctx.api, handled.chatId, await text(handled.chatId)));
    });

  // Strangers: one line, and nothing of theirs goes further. Updates that are not messages
  // (edits, reactions, group joins) are not answered at all.
  bot.use(async (ctx, next) => {
    if (!ctx.message || !ctx.chat) return;
    if (allowlist.allows(ctx.from?.id)) return next();
    if (ctx.from === undefined) return;
    const userId = ctx.from.id;
    log('telegram: refused a message from a user not on the allowlist');
    reply(ctx, 'refused', () => refusalLine(userId));
  });

  bot.command(['start', 'help'], (ctx) => reply(ctx, 'command', (chatId) => helpText(commands(chatId))));
  bot.command('reset', (ctx) => reply(ctx, 'command', (chatId) => resetText(commands(chatId))));
  bot.command('memory', (ctx) => reply(ctx, 'command', (chatId) => memoryText(commands(chatId))));

  bot.on('message:text', (ctx) => {
    const text = ctx.message.text;
    enqueue(ctx, 'answer', async (handled) => {
      const { chatId } = handled;
      const typing = keepTyping(ctx.api, chatId, options.typingEveryMs ?? 4_500, (error) => log(`telegram: chat ${chatId}: typing indicator failed: ${describeError(error, token)}`));
      let turn: Awaited<ReturnType<TurnRunner>>;
      try {
        turn = await (options.turns ?? runTurn)({ sessions, key: chatKey(chatId), text, agent, signal: options.signal });
      } finally {
        await typing.stop();
      }
      const { trace } = turn;
      handled.trace = trace;
      handled.sessionId = turn.sessionId;
      log(`telegram: chat ${chatId}: ${trace.stopReason} in ${Math.round(trace.latencyMs)} ms (${trace.modelCalls.length} model call(s), ${trace.toolCalls.length} tool call(s))`);
      await sendReply(ctx.api, chatId, replyText(trace, token), handled.sent);
    });
  });

  bot.on('message', (ctx) => reply(ctx, 'unsupported', () => 'I can only read text messages.'));

  return { bot, idle: () => queue.idle() };
}

/**
 * The session key of a chat. Prefixed, so that one store can hold Telegram chats and HTTP
 * sessions (`http-<name>`) without a chat id meeting a session name; no colon, as a store may
 * make file names of keys.
 */
export function chatKey(chatId: number): string {
  return `telegram-${chatId}`;
}

/** What the user is told at the end of a run: the answer, or why there is none. */
export function replyText(trace: Trace, token: string): string {
  if (trace.stopReason === 'final') return trace.finalAnswer?.trim() ? trace.finalAnswer : 'I have no answer to that (the model replied with nothing). Try asking another way.';
  if (trace.stopReason === 'error') return `Sorry, I could not get an answer: ${withoutToken(trace.error ?? 'the model failed', token)}`;
  if (trace.stopReason === 'aborted') return 'Stopped before I could answer.';
  return `I stopped before finishing: ${STOPPED[trace.stopReason]}. Try a simpler question, or ask me to go on.`;
}

const STOPPED: Record<string, string> = {
  max_steps: 'I used every step I am allowed for one message',
  max_time: 'I ran out of time for one message',
  max_tokens: 'I used every token I am allowed for one message',
};
