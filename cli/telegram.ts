// `lunar telegram`: the agent as a Telegram bot. Long polling by default; --webhook serves
// Telegram's POSTs with Fastify instead. The token comes from TELEGRAM_BOT_TOKEN and goes nowhere
// else: not into a log line, an error message or a trace. While the Bot API cannot be reached
// (TELEGRAM_API_ROOT, else api.telegram.org) each try is a line and the tries back off to a minute.
// Ctrl-C stops taking messages and lets answers in progress finish; a second Ctrl-C quits at once.
//
// Conversations and memory (agent/memory, through agent/channels/memory-sessions.ts): each chat
// is a transcript under <home>/sessions/ (`telegram-<chat id>`, then `telegram-<chat id>.2` ...
// after each /reset), resumed when the bot restarts; each chat has its own long-term memory,
// <home>/memory/telegram-<chat id>/ (MEMORY.md and memory/YYYY-MM-DD.md), which /reset keeps and
// /memory shows. Per chat, not per bot: the allowlist may name several people, and one person's
// notes must never come up in another's chat. The agent is offered the memory tools beside the
// built-in ones.

import { Command, InvalidArgumentError } from 'commander';
import type { ApiClientOptions } from 'grammy';
import { resolve } from 'node:path';
import { Allowlist } from '../agent/channels/telegram/allowlist.ts';
import { createTelegramChannel, type TelegramChannel } from '../agent/channels/telegram/channel.ts';
import { telegramSettings, type TelegramFlags, type TelegramSettings } from '../agent/channels/telegram/config.ts';
import { describeError } from '../agent/channels/telegram/redact.ts';
import { connectBot, reason } from '../agent/channels/telegram/connect.ts';
import { webhookServer } from '../agent/channels/telegram/webhook.ts';
import { MemoryChatSessions } from '../agent/channels/memory-sessions.ts';
import { memoryConversations, withMemoryTools } from '../agent/channels/memory-turn.ts';
import type { ChatSessions } from '../agent/channels/sessions.ts';
import type { Conversations, TurnRunner } from '../agent/channels/turn.ts';
import { builtinRegistry } from '../agent/tools/builtin.ts';
import { withInterrupts } from './bench.ts';
import { InputError } from '../core/errors.ts';
import { untilAborted } from '../core/until-aborted.ts';
import { resolveTarget } from '../agent/targets.ts';
import { packages } from '../core/packages.ts';
import { EXTERNAL_AGENT_REFUSED, isExternalAgent, needsCaseScript } from '../agent/providers/capabilities.ts';

/** Where a channel keeps its conversations and memory, given the Lunar home. */
export type ConversationsFor = (home: string) => Conversations;

/** Each chat's transcripts under <home>/sessions/ and its memory in <home>/memory/telegram-<chat id>/. */
export const chatConversations: ConversationsFor = (home) => memoryConversations(new MemoryChatSessions({ home, log: (line) => process.stderr.write(`telegram: ${line}\n`) }));

export function registerTelegramCommand(program: Command, home: () => string, conversationsFor: ConversationsFor = chatConversations): void {
  program
    .command('telegram')
    .description('Run the agent as a Telegram bot (token from TELEGRAM_BOT_TOKEN). Only users on the allowlist are answered; anyone else is told their user id and nothing more.')
    .option('-t, --target <id>', 'the model that answers (e.g. ollama:qwen2.5:7b, openai:gpt-4o-mini, baseline); or "target" in the config file')
    .option('-c, --config <file>', 'settings: {"allowed_users": [ids], "target", "system", "workspace", "typing_every_ms"} (default ./lunar.telegram.json when there is one)')
    .option('--allow <ids...>', "Telegram user ids to answer, besides the config file's", collectUserIds)
    .option('-w, --workspace <dir>', 'the folder the file tools may read (default datasets/workspace)')
    .option('-s, --system <prompt>', 'a system prompt')
    .option('--webhook <url>', 'take updates at this public https:// address (behind a reverse proxy) instead of long polling')
    .option('--listen <host:port>', 'where the webhook server listens (default 127.0.0.1:8443)')
    .option('--home <dir>', "the Lunar home: each chat's conversation in sessions/telegram-<chat id>.jsonl, its memory in memory/telegram-<chat id>/ (default $LUNAR_HOME or .lunar)")
    .action(async (flags: TelegramFlags & { home?: string }) => {
      const conversations = conversationsFor(flags.home ? resolve(flags.home) : home());
      try {
        await withInterrupts(
          ({ stop, abort }) => runTelegram({ flags, ...conversations, stop, abort }),
          'telegram: stopping: no new messages are taken; answers in progress finish (Ctrl-C again to quit now)',
        );
      } finally {
        conversations.sessions.close?.();
      }
    });
}

function collectUserIds(value: string, previous: number[] | undefined): number[] {
  const id = Number(value);
  if (!Number.isInteger(id) || id < 1) throw new InvalidArgumentError('expected a Telegram user id (a positive whole number)');
  return [...(previous ?? []), id];
}

export interface RunTelegramOptions {
  flags: TelegramFlags;
  sessions: ChatSessions;
  /** How a chat's turn runs (default: the agent loop over the session's history). */
  turns?: TurnRunner;
  /** Stop taking messages; answers in progress finish. */
  stop: AbortSignal;
  /** Abandon answers in progress too. */
  abort?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where the Bot API is (tests point apiRoot at a fake). */
  client?: ApiClientOptions;
  log?: (line: string) => void;
  /** Told once the bot takes messages: the webhook server's address in webhook mode. */
  onReady?: (ready: { username: string; webhookAddress?: string }) => void;
}

export async function runTelegram(options: RunTelegramOptions): Promise<void> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const settings = telegramSettings(options.flags, env, options.cwd);
  if (needsCaseScript(settings.target)) throw new InputError('the scripted target needs a script per case; use scripted:FILE or lunar bench');
  if (isExternalAgent(settings.target)) throw new InputError(EXTERNAL_AGENT_REFUSED(settings.target, 'telegram'));
  const model = resolveTarget(settings.target, { env }).model();
  const channel = createTelegramChannel({
    token: settings.token,
    client: { apiRoot: settings.apiRoot, ...options.client },
    allowlist: settings.allowlist,
    // A store with long-term memory behind its chats gets the memory tools offered.
    agent: { model, tools: options.sessions.memory ? withMemoryTools(builtinRegistry()) : builtinRegistry(), system: settings.system, workspaceRoot: settings.workspace },
    sessions: options.sessions,
    turns: options.turns,
    typingEveryMs: settings.typingEveryMs,
    signal: options.abort,
    log,
  });
  const apiRoot = options.client?.apiRoot ?? settings.apiRoot;
  const me = await connectBot(channel.bot, { apiRoot, token: settings.token, stop: options.stop, log });
  if (me) {
    log(`telegram: @${me.username} answers with ${model.id}${settings.configFile ? ` (settings from ${settings.configFile})` : ''}; ${describeAllowlist(settings.allowlist)}`);
    stopPromptly(channel, settings, options.stop, apiRoot, log);
    if (settings.webhook) await serveWebhook(channel, settings, options, log);
    else await poll(channel, settings, options, log);
  }
  log('telegram: stopped');
}

/**
 * Once the bot runs: a long poll that fails is a line (grammY retries it every 3 s, silently),
 * and once stopping, the poll bot.stop() makes to confirm the last update may not hold the exit
 * longer than a few seconds (an unreachable Bot API would keep it for minutes). Replies still
 * being sent keep grammY's own timeout.
 */
function stopPromptly(channel: TelegramChannel, settings: TelegramSettings, stop: AbortSignal, apiRoot: string, log: (line: string) => void): void {
  channel.bot.api.config.use(async (prev, method, payload, signal) => {
    const deadline = stop.aborted && method === 'getUpdates' ? AbortSignal.timeout(STOPPING_CALL_MS) : undefined;
    try {
      // grammY types its signals with a shim's AbortSignal; Node's is what it gets at run time.
      return await prev(method, payload, (deadline ? (signal ? AbortSignal.any([signal as AbortSignal, deadline]) : deadline) : signal) as never);
    } catch (error) {
      if (method === 'getUpdates' && !stop.aborted && error instanceof packages.grammy.HttpError) {
        log(`telegram: cannot reach the Telegram Bot API at ${apiRoot} (${reason(error, settings.token)}); trying again in 3 s, Ctrl-C to stop`);
      }
      throw error;
    }
  });
}

const STOPPING_CALL_MS = 3_000;

async function poll(channel: TelegramChannel, settings: TelegramSettings, options: RunTelegramOptions, log: (line: string) => void): Promise<void> {
  const { bot } = channel;
  // bot.stop() confirms the last update to Telegram; polling can end before that call does.
  let stopped: Promise<void> | undefined;
  const stopping = () => {
    stopped = bot.stop().catch((error: unknown) => log(`telegram: could not confirm the last update while stopping: ${describeError(error, settings.token)}`));
  };
  options.stop.addEventListener('abort', stopping, { once: true });
  try {
    if (options.stop.aborted) return;
    await bot.start({
      allowed_updates: ['message'],
      onStart: (me) => {
        log('telegram: long polling; Ctrl-C to stop');
        options.onReady?.({ username: me.username });
      },
    });
  } catch (error) {
    if (error instanceof packages.grammy.GrammyError && error.error_code === 409) {
      throw new Error('another process is taking this bot\'s updates (Telegram answered 409 Conflict): a bot is polled from one place only; stop the other one first');
    }
    throw error;
  } finally {
    options.stop.removeEventListener('abort', stopping);
    await stopped;
  }
  await finishAnswers(channel, log);
}

async function serveWebhook(channel: TelegramChannel, settings: TelegramSettings, options: RunTelegramOptions, log: (line: string) => void): Promise<void> {
  const webhook = settings.webhook!;
  const app = webhookServer({ bot: channel.bot, path: webhook.path, secretToken: webhook.secretToken });
  const address = await app.listen({ host: webhook.host, port: webhook.port });
  try {
    await channel.bot.api.setWebhook(webhook.url, { secret_token: webhook.secretToken, allowed_updates: ['message'] });
  } catch (error) {
    await app.close();
    throw new InputError(`--webhook: Telegram would not set the webhook to ${webhook.url}: ${describeError(error, settings.token)}`);
  }
  log(`telegram: webhook ${webhook.url} served at ${address}${webhook.path}; Ctrl-C to stop`);
  options.onReady?.({ username: channel.bot.botInfo.username, webhookAddress: address });
  await untilAborted(options.stop);
  await app.close();
  await finishAnswers(channel, log);
}

async function finishAnswers(channel: TelegramChannel, log: (line: string) => void): Promise<void> {
  log('telegram: stopped taking messages; finishing answers in progress');
  await channel.idle();
}

function describeAllowlist(allowlist: Allowlist): string {
  if (allowlist.size === 0) {
    return 'nobody is on the allowlist, so every message is refused (a refused user is told their id: add it to "allowed_users" in lunar.telegram.json, or pass --allow)';
  }
  return `${allowlist.size} user(s) on the allowlist`;
}
