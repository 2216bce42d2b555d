// `lunar telegram`'s settings: the token from TELEGRAM_BOT_TOKEN (never from a file, never
// printed), the rest from lunar.telegram.json and flags (a flag wins; --allow adds to the file's
// list). Nobody is allowed unless named: an empty allowlist refuses everyone, and says so.

import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { InputError } from '../../../core/errors.ts';
import { configFileToRead, readJsonConfig, workspaceFolder } from '../config-file.ts';
import { Allowlist } from './allowlist.ts';
import { DEFAULT_API_ROOT } from './connect.ts';

export const DEFAULT_CONFIG_FILE = 'lunar.telegram.json';

export const TelegramConfigFile = z
  .object({
    /** Telegram user ids the bot answers (a user learns theirs from the bot's refusal). */
    allowed_users: z.array(z.number().int().positive()).default([]),
    target: z.string().min(1).optional(),
    system: z.string().optional(),
    /** The folder the file tools may read, relative to this file. */
    workspace: z.string().min(1).optional(),
    /** How often "typing…" is sent again while the agent works. */
    typing_every_ms: z.number().int().min(1_000).max(60_000).optional(),
  })
  .strict();

export interface TelegramFlags {
  config?: string;
  allow?: number[];
  target?: string;
  system?: string;
  workspace?: string;
  webhook?: string;
  listen?: string;
}

export interface WebhookSettings {
  url: string;
  /** The URL's path: where the server takes Telegram's POSTs. */
  path: string;
  host: string;
  port: number;
  /** Sent to Telegram with setWebhook; every POST must carry it back. */
  secretToken: string;
}

export interface TelegramSettings {
  token: string;
  allowlist: Allowlist;
  target: string;
  system?: string;
  workspace: string;
  typingEveryMs?: number;
  /** Set in webhook mode; long polling otherwise. */
  webhook?: WebhookSettings;
  /** The config file read, if any. */
  configFile?: string;
  /** Where the Bot API is: TELEGRAM_API_ROOT (a local Bot API server), else api.telegram.org. */
  apiRoot: string;
}

const TOKEN_SHAPE = /^\d+:[A-Za-z0-9_-]+$/;
const SECRET_SHAPE = /^[A-Za-z0-9_-]{1,256}$/;

export function telegramSettings(flags: TelegramFlags, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): TelegramSettings {
  const token = env.TELEGRAM_BOT_TOKEN?.trim();
  if (!token) throw new InputError('TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and export its token (export TELEGRAM_BOT_TOKEN=...)');
  if (!TOKEN_SHAPE.test(token)) throw new InputError('TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then letters, digits, - and _): copy it again from @BotFather');

  const configFile = configFileToRead(flags.config, DEFAULT_CONFIG_FILE, cwd);
  const file = configFile ? readJsonConfig(configFile, TelegramConfigFile) : TelegramConfigFile.parse({});
  const target = flags.target ?? file.target;
  if (!target) throw new InputError(`no target: pass --target (e.g. ollama:qwen2.5:7b, openai:gpt-4o-mini, baseline) or set "target" in ${DEFAULT_CONFIG_FILE}`);
  return {
    token,
    allowlist: new Allowlist([...file.allowed_users, ...(flags.allow ?? [])]),
    target,
    system: flags.system ?? file.system,
    workspace: workspaceFolder(flags.workspace, file.workspace, configFile, cwd),
    typingEveryMs: file.typing_every_ms,
    webhook: flags.webhook ? webhookSettings(flags.webhook, flags.listen ?? '127.0.0.1:8443', env) : undefined,
    configFile,
    apiRoot: apiRootOf(env),
  };
}

function apiRootOf(env: NodeJS.ProcessEnv): string {
  const root = env.TELEGRAM_API_ROOT?.trim();
  if (!root) return DEFAULT_API_ROOT;
  let parsed: URL;
  try {
    parsed = new URL(root);
  } catch {
    throw new InputError(`TELEGRAM_API_ROOT: "${root}" is not a URL; give the Bot API server's address, e.g. http://127.0.0.1:8081`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new InputError(`TELEGRAM_API_ROOT: expected an http:// or https:// address (got ${parsed.protocol}//)`);
  return root.replace(/\/+$/, '');
}

function webhookSettings(url: string, listen: string, env: NodeJS.ProcessEnv): WebhookSettings {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`--webhook: "${url}" is not a URL; give the public https:// address Telegram should post to`);
  }
  if (parsed.protocol !== 'https:') throw new InputError(`--webhook: Telegram only posts to https:// addresses (got ${parsed.protocol}//)`);
  const secret = env.TELEGRAM_WEBHOOK_SECRET?.trim();
  if (secret !== undefined && secret !== '' && !SECRET_SHAPE.test(secret)) {
    throw new InputError('TELEGRAM_WEBHOOK_SECRET: Telegram takes 1 to 256 letters, digits, - and _');
  }
  return {
    url: parsed.href,
    path: parsed.pathname,
    ...parseListen(listen),
    // A fresh secret per start is as good as a fixed one: setWebhook tells Telegram each time.
    secretToken: secret || randomBytes(32).toString('base64url'),
  };
}

/** `host:port`, `[ipv6]:port` or a bare port (on 127.0.0.1); port 0 takes any free port. */
export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(listen) ?? /^()()(\d+)$/.exec(listen);
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InputError(`--listen: expected host:port (e.g. 127.0.0.1:8443), got "${listen}"`);
  }
  return { host: match[1] || match[2] || '127.0.0.1', port };
}
