import { Command } from 'commander';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryChatSessions } from '../agent/channels/sessions.ts';
import { scriptFile } from '../test/fakes/script-file.ts';
import { parseSse } from '../agent/server/test-sse.ts';
import { InputError } from './input-error.ts';
import { registerServeCommand, runServe, type RunServeOptions } from './serve-command.ts';

const TOKEN = 'serve-test-token-0123456789';
const stoppers: AbortController[] = [];
afterEach(() => {
  for (const stop of stoppers.splice(0)) stop.abort();
});


/** Starts `lunar serve` in process; resolves with its address once it listens. */
async function serve(flags: RunServeOptions['flags'], env: NodeJS.ProcessEnv = {}): Promise<{ address: string; logs: string[]; done: Promise<void>; stop: AbortController }> {
  const stop = new AbortController();
  stoppers.push(stop);
  const logs: string[] = [];
  let ready!: (address: string) => void;
  const listening = new Promise<string>((resolve) => (ready = resolve));
  const done = runServe({ flags, sessions: new InMemoryChatSessions(), stop: stop.signal, env, cwd: mkdtempSync(join(tmpdir(), 'lunar-serve-cwd-')), log: (l) => logs.push(l), onReady: ready });
  const address = await Promise.race([listening, done.then(() => Promise.reject(new Error('serve ended before listening')))]);
  return { address, logs, done, stop };
}

describe('lunar serve', () => {
  it('refuses to start on a non-loopback address without a token: exit 2 through the command', async () => {
    const program = new Command('lunar').exitOverride();
    registerServeCommand(program, () => mkdtempSync(join(tmpdir(), 'lunar-home-')));
    const error = await program.parseAsync(['node', 'lunar', 'serve', '--host', '0.0.0.0', '--target', 'baseline']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/^refusing to listen on 0\.0\.0\.0 without a token/);
  });

  it('refuses an unknown default target before listening', async () => {
    const error = await runServe({ flags: { target: 'nope:x', port: 0 }, sessions: new InMemoryChatSessions(), stop: new AbortController().signal, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^unknown target "nope:x"/);
  });

  it('answers over real HTTP on loopback, as JSON and as a stream of events, and stops on request', async () => {
    const file = scriptFile([{ text: 'Served.' }]);
    const { address, logs, done, stop } = await serve({ target: `scripted:${file}`, port: 0 });
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(logs).toEqual([`serve: scripted:${file} at ${address} (POST /v1/chat, GET /health; loopback only, no token); Ctrl-C to stop`]);
    const post = (headers: Record<string, string> = {}) => fetch(`${address}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ message: 'hello' }) });
    const plain = await post();
    expect(plain.status).toBe(200);
    expect(await plain.json()).toMatchObject({ answer: 'Served.', trace: { stopReason: 'final', modelCalls: 1 } });
    const streamed = await post({ accept: 'text/event-stream' });
    expect(streamed.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(parseSse(await streamed.text()).map((e) => e.event)).toEqual(['delta', 'done']);
    stop.abort();
    await done;
    await expect(fetch(`${address}/health`)).rejects.toThrow();
  });

  it('on a non-loopback address, answers only requests carrying the token', async () => {
    const file = scriptFile([{ text: 'Guarded.' }]);
    const { address, logs } = await serve({ target: `scripted:${file}`, host: '0.0.0.0', port: 0 }, { LUNAR_SERVER_TOKEN: TOKEN });
    const port = new URL(address).port;
    expect(logs[0]).toContain('every request needs its bearer token');
    const health = (authorization?: string) => fetch(`http://127.0.0.1:${port}/health`, { headers: authorization ? { authorization } : {} });
    expect((await health()).status).toBe(401);
    expect((await health('Bearer not-the-token-0123456789')).status).toBe(401);
    const ok = await health(`Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok', target: `scripted:${file}` });
  });
});
