import { Command } from 'commander';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryChatSessions } from '../agent/channels/memory-sessions.ts';
import { InMemoryChatSessions } from '../agent/channels/sessions.ts';
import { scriptFile } from '../test/fakes/script-file.ts';
import { TEST_BOT_TOKEN, TelegramBotApiFake } from '../test/fakes/telegram-bot-api.ts';
import { InputError } from '../core/errors.ts';
import { chatConversations, registerTelegramCommand, runTelegram, type RunTelegramOptions } from './telegram.ts';

const ADA = { id: 11, first_name: 'Ada' };
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.unstubAllEnvs();
});


async function fakeTelegram(token = TEST_BOT_TOKEN): Promise<TelegramBotApiFake> {
  const fake = await new TelegramBotApiFake(token).start();
  cleanups.push(() => fake.close());
  return fake;
}

/** Runs `lunar telegram` in process until the test stops it; resolves once it takes messages. */
async function start(options: Omit<RunTelegramOptions, 'sessions' | 'stop' | 'onReady' | 'log' | 'cwd'>) {
  const stop = new AbortController();
  const logs: string[] = [];
  let ready!: (r: { username: string; webhookAddress?: string }) => void;
  const readyNow = new Promise<{ username: string; webhookAddress?: string }>((resolve) => (ready = resolve));
  const done = runTelegram({ ...options, sessions: new InMemoryChatSessions(), stop: stop.signal, cwd: mkdtempSync(join(tmpdir(), 'lunar-telegram-cwd-')), log: (l) => logs.push(l), onReady: ready });
  cleanups.push(async () => {
    stop.abort();
    await done.catch(() => undefined);
  });
  const info = await Promise.race([readyNow, done.then(() => Promise.reject(new Error('the bot ended before it was ready')))]);
  return { info, logs, done, stop };
}

describe('lunar telegram', () => {
  it('exits 2 naming TELEGRAM_BOT_TOKEN when it is not set', async () => {
    vi.stubEnv('TELEGRAM_BOT_TOKEN', '');
    const program = new Command('lunar').exitOverride();
    registerTelegramCommand(program, () => mkdtempSync(join(tmpdir(), 'lunar-home-')));
    const error = await program.parseAsync(['node', 'lunar', 'telegram', '--target', 'baseline']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as Error).message).toBe('TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and export its token (export TELEGRAM_BOT_TOKEN=...)');
  });

  it('exits 2 when Telegram refuses the token, without repeating it', async () => {
    const fake = await fakeTelegram('1:the-token-telegram-knows');
    const error = await runTelegram({ flags: { target: 'baseline' }, sessions: new InMemoryChatSessions(), stop: new AbortController().signal, env: { TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN }, client: { apiRoot: fake.apiRoot }, log: () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe('Telegram refused TELEGRAM_BOT_TOKEN (401 Unauthorized): check the token with @BotFather');
  });

  it('answers allowed users over long polling until stopped, logging without the token', async () => {
    const fake = await fakeTelegram();
    const file = scriptFile([{ text: 'Hello from the command.' }]);
    const { info, logs, done, stop } = await start({ flags: { target: `scripted:${file}`, allow: [ADA.id] }, env: { TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN }, client: { apiRoot: fake.apiRoot } });
    expect(info).toEqual({ username: 'lunar_bot' });
    fake.telegram.userSays(ADA, 'hello');
    await fake.telegram.waitForCall((c) => c.method === 'sendMessage');
    stop.abort();
    await done;
    expect(fake.telegram.delivered.map((m) => m.text)).toEqual(['Hello from the command.']);
    expect(logs[0]).toBe(`telegram: @lunar_bot answers with scripted:${file}; 1 user(s) on the allowlist`);
    expect(logs).toContain('telegram: stopped taking messages; finishing answers in progress');
    expect(logs.join('\n')).not.toContain(TEST_BOT_TOKEN.split(':')[1]);
  });

  it('stops with a plain reason when another process polls the same bot', async () => {
    const fake = await fakeTelegram();
    fake.telegram.failNext('getUpdates', { error_code: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' });
    const error = await runTelegram({ flags: { target: 'baseline' }, sessions: new InMemoryChatSessions(), stop: new AbortController().signal, env: { TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN }, client: { apiRoot: fake.apiRoot }, log: () => undefined }).catch((e: unknown) => e);
    expect((error as Error).message).toBe("another process is taking this bot's updates (Telegram answered 409 Conflict): a bot is polled from one place only; stop the other one first");
  });

  it('says plainly that everyone is refused when nobody is on the allowlist', async () => {
    const fake = await fakeTelegram();
    const { logs } = await start({ flags: { target: 'baseline' }, env: { TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN }, client: { apiRoot: fake.apiRoot } });
    expect(logs[0]).toBe(
      'telegram: @lunar_bot answers with baseline; nobody is on the allowlist, so every message is refused (a refused user is told their id: add it to "allowed_users" in lunar.telegram.json, or pass --allow)',
    );
  });

  it('in webhook mode sets the webhook with its secret and serves it over real HTTP, refusing posts without the secret', async () => {
    const fake = await fakeTelegram();
    const file = scriptFile([{ text: 'Hello by webhook.' }]);
    const { info } = await start({
      flags: { target: `scripted:${file}`, allow: [ADA.id], webhook: 'https://bot.example.com/tg/hook', listen: '127.0.0.1:0' },
      env: { TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET: 'test_secret-1' },
      client: { apiRoot: fake.apiRoot },
    });
    expect(fake.telegram.webhook).toEqual({ url: 'https://bot.example.com/tg/hook', secretToken: 'test_secret-1' });
    expect(fake.telegram.callsOf('setWebhook')[0]!.payload).toEqual({ url: 'https://bot.example.com/tg/hook', secret_token: 'test_secret-1', allowed_updates: ['message'] });
    const update = fake.telegram.userSays(ADA, 'hello');
    const post = (headers: Record<string, string>) => fetch(`${info.webhookAddress}/tg/hook`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(update) });
    expect((await post({})).status).toBe(401);
    expect((await post({ 'x-telegram-bot-api-secret-token': 'test_secret-2' })).status).toBe(401);
    expect(fake.telegram.callsOf('sendMessage')).toEqual([]);
    expect((await post({ 'x-telegram-bot-api-secret-token': 'test_secret-1' })).status).toBe(200);
    await fake.telegram.waitForCall((c) => c.method === 'sendMessage');
    expect(fake.telegram.delivered.map((m) => m.text)).toEqual(['Hello by webhook.']);
  });

  it("keeps chats in agent/memory by default: a transcript in <home>/sessions/ and a memory root of each chat's own", async () => {
    const home = mkdtempSync(join(tmpdir(), 'lunar-home-'));
    const { sessions, turns } = chatConversations(home);
    cleanups.push(() => rmSync(home, { recursive: true, force: true }), () => sessions.close?.());
    expect(sessions).toBeInstanceOf(MemoryChatSessions);
    expect(turns).toBeTypeOf('function');
    const store = sessions as MemoryChatSessions;
    expect([store.memoryStore('telegram-11').root, store.memoryStore('telegram-12').root]).toEqual([join(home, 'memory', 'telegram-11'), join(home, 'memory', 'telegram-12')]);
    expect(await sessions.load('telegram-11')).toEqual({ id: 'telegram-11', messages: [] });
    expect(existsSync(join(home, 'sessions', 'telegram-11.jsonl'))).toBe(true);
  });
});
