// `lunar telegram` and `lunar serve` as child processes: with the Bot API unreachable (a closed
// port, or a server that takes the connection and never answers) the bot says so within seconds,
// naming the address and not the token, and keeps trying, a line per try; Ctrl-C (SIGINT) ends
// it at once; both commands say in their own words that they stopped.

import { mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_BOT_TOKEN, TelegramBotApiFake } from './fakes/telegram-bot-api.ts';
import { startLunar, until, type Running } from './lunar-process.ts';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A TCP server that accepts connections and never answers. */
async function silentServer(): Promise<string> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** An address where nothing listens: a port taken, then let go. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

function telegram(apiRoot: string): Running {
  const cwd = mkdtempSync(join(tmpdir(), 'lunar-telegram-'));
  const running = startLunar(['telegram', '-t', 'baseline', '--home', join(cwd, 'home')], { TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN, TELEGRAM_API_ROOT: apiRoot }, cwd);
  cleanups.push(() => void running.child.kill('SIGKILL'));
  return running;
}

const secretPart = TEST_BOT_TOKEN.split(':')[1]!;

/** Sends SIGINT and returns how long the process took to exit, with what it printed. */
async function interrupt(running: Running): Promise<{ ms: number; code: number | null; stderr: string }> {
  const sent = performance.now();
  running.child.kill('SIGINT');
  const ran = await running.done;
  return { ms: performance.now() - sent, code: ran.code, stderr: ran.stderr };
}

describe('lunar telegram with the Bot API unreachable', () => {
  it('says it cannot reach it at a closed port, try after try, and stops at once on Ctrl-C', async () => {
    const apiRoot = await closedPort();
    const bot = telegram(apiRoot);
    const tries = () => bot.out.stderr.split('\n').filter((l) => l.startsWith('telegram: cannot reach'));
    await until(() => tries().length >= 2, 'two tries', 15_000);
    expect(tries().slice(0, 2)).toEqual([
      `telegram: cannot reach the Telegram Bot API at ${apiRoot} (try 1: connection refused); trying again in 1 s, Ctrl-C to stop`,
      `telegram: cannot reach the Telegram Bot API at ${apiRoot} (try 2: connection refused); trying again in 2 s, Ctrl-C to stop`,
    ]);
    const stopped = await interrupt(bot);
    expect(stopped.ms).toBeLessThan(2_000);
    expect(stopped.code).toBe(0);
    expect(stopped.stderr.trimEnd().split('\n').slice(-2)).toEqual(['telegram: stopping: no new messages are taken; answers in progress finish (Ctrl-C again to quit now)', 'telegram: stopped']);
    expect(stopped.stderr).not.toContain(secretPart);
  }, 30_000);

  it('says so within seconds when the Bot API takes the connection and never answers, and stops at once on Ctrl-C mid-try', async () => {
    const apiRoot = await silentServer();
    const bot = telegram(apiRoot);
    const started = performance.now();
    await until(() => bot.out.stderr.includes('telegram: cannot reach'), 'the first try to fail', 15_000);
    // The try's deadline (5 s) plus start-up.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(bot.out.stderr).toContain(`telegram: cannot reach the Telegram Bot API at ${apiRoot} (try 1: no answer within 5 s); trying again in 1 s, Ctrl-C to stop`);
    // Into the second try (after the 1 s wait), which hangs too: Ctrl-C must not wait for it.
    await new Promise((r) => setTimeout(r, 1_500));
    const stopped = await interrupt(bot);
    expect(stopped.ms).toBeLessThan(2_000);
    expect(stopped.code).toBe(0);
    expect(stopped.stderr.trimEnd().endsWith('telegram: stopped')).toBe(true);
    expect(stopped.stderr).not.toContain(secretPart);
  }, 30_000);
});

describe('lunar telegram losing the Bot API while polling', () => {
  it('says so for each failed poll, and Ctrl-C still stops it promptly', async () => {
    const fake = await new TelegramBotApiFake().start();
    const apiRoot = fake.apiRoot;
    const bot = telegram(apiRoot);
    await until(() => bot.out.stderr.includes('telegram: long polling; Ctrl-C to stop'), 'polling');
    await fake.close();
    await until(() => bot.out.stderr.includes('telegram: cannot reach'), 'a failed poll');
    expect(bot.out.stderr).toContain(`telegram: cannot reach the Telegram Bot API at ${apiRoot} (`);
    const stopped = await interrupt(bot);
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(5_000);
    expect(stopped.stderr.trimEnd().endsWith('telegram: stopped')).toBe(true);
    expect(stopped.stderr).not.toContain(secretPart);
  }, 30_000);
});

describe('shutdown in their own words', () => {
  it('lunar telegram, long polling a Bot API that answers: Ctrl-C stops it promptly and it says so', async () => {
    const fake = await new TelegramBotApiFake().start();
    cleanups.push(() => fake.close());
    const bot = telegram(fake.apiRoot);
    await until(() => bot.out.stderr.includes('telegram: long polling; Ctrl-C to stop'), 'polling');
    const stopped = await interrupt(bot);
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(3_000);
    expect(stopped.stderr.trimEnd().split('\n').slice(-3)).toEqual([
      'telegram: stopping: no new messages are taken; answers in progress finish (Ctrl-C again to quit now)',
      'telegram: stopped taking messages; finishing answers in progress',
      'telegram: stopped',
    ]);
  }, 30_000);

  it('lunar serve: Ctrl-C stops it promptly and it says so', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'lunar-serve-'));
    const server = startLunar(['serve', '-t', 'baseline', '--port', '0', '--home', join(cwd, 'home')], {}, cwd);
    cleanups.push(() => void server.child.kill('SIGKILL'));
    await until(() => server.out.stderr.includes('Ctrl-C to stop'), 'the server to listen');
    const stopped = await interrupt(server);
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(3_000);
    expect(stopped.stderr.trimEnd().split('\n').slice(-2)).toEqual(['serve: stopping: no new requests are taken; those in flight finish (Ctrl-C again to quit now)', 'serve: stopped']);
  }, 30_000);
});
