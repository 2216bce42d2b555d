// Reaching the Bot API at start (getMe), and keeping the user told while it cannot be reached.
// grammY's own start retries getMe for ever, silently, and nothing stops it: here each try has a
// deadline, each failure is one line naming the address (never the token) and the wait before the
// next try, the waits grow to a minute, and the stop signal ends it at once. A token Telegram
// refuses is bad configuration, not something to retry.

import { setTimeout as delay } from 'node:timers/promises';
import type { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { InputError } from '../../../core/errors.ts';
import { packages } from '../../../core/packages.ts';
import { describeError } from './redact.ts';

export const DEFAULT_API_ROOT = 'https://api.telegram.org';

export interface ConnectOptions {
  /** Where the Bot API is, for the messages (the token is not part of it). */
  apiRoot: string;
  token: string;
  /** Ends the tries: connect then resolves undefined. */
  stop: AbortSignal;
  log: (line: string) => void;
  /** Longest a try waits for an answer (default 5 s). */
  tryMs?: number;
  /** The waits between tries, in ms; the last repeats (default 1 s doubling to 60 s). */
  waitsMs?: readonly number[];
}

const WAITS_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000];

/** The bot's getMe once the Bot API answers (bot.botInfo set); undefined if stopped first. */
export async function connectBot(bot: Bot, options: ConnectOptions): Promise<UserFromGetMe | undefined> {
  const tryMs = options.tryMs ?? 5_000;
  const waits = options.waitsMs ?? WAITS_MS;
  for (let attempt = 1; !options.stop.aborted; attempt++) {
    try {
      const me = await bot.api.getMe(AbortSignal.any([options.stop, AbortSignal.timeout(tryMs)]) as never);
      bot.botInfo = me;
      if (attempt > 1) options.log(`telegram: reached the Telegram Bot API at ${options.apiRoot} (try ${attempt})`);
      return me;
    } catch (error) {
      if (options.stop.aborted) return undefined;
      if (error instanceof packages.grammy.GrammyError && (error.error_code === 401 || error.error_code === 404)) {
        throw new InputError('Telegram refused TELEGRAM_BOT_TOKEN (401 Unauthorized): check the token with @BotFather');
      }
      const wait = waits[Math.min(attempt - 1, waits.length - 1)]!;
      options.log(`telegram: cannot reach the Telegram Bot API at ${options.apiRoot} (try ${attempt}: ${reason(error, options.token, tryMs)}); trying again in ${wait / 1000} s, Ctrl-C to stop`);
      // Resolved early (rejected, and ignored) when stopped.
      await delay(wait, undefined, { signal: options.stop }).catch(() => undefined);
    }
  }
  return undefined;
}

/** Why a call failed, in a few words and without the token (a fetch error's message holds the URL, token and all). */
export function reason(error: unknown, token: string, tryMs?: number): string {
  if (error instanceof packages.grammy.GrammyError) return `Telegram answered ${error.error_code}: ${describeError(error.description, token)}`;
  const cause = error instanceof packages.grammy.HttpError ? error.error : error;
  const name = (cause as { name?: unknown })?.name;
  if (name === 'AbortError' || name === 'TimeoutError') return tryMs === undefined ? 'no answer in time' : `no answer within ${tryMs / 1000} s`;
  const code = (cause as { code?: unknown })?.code;
  if (typeof code === 'string' && code) return code === 'ECONNREFUSED' ? 'connection refused' : code;
  const status = (cause as { status?: unknown; statusText?: unknown })?.status;
  if (typeof status === 'number') return `HTTP ${status}`;
  return 'the network request failed';
}
