import { Command } from 'commander';
import { mkdtempSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryChatSessions } from '../agent/channels/memory-sessions.ts';
import { InMemoryChatSessions } from '../agent/channels/sessions.ts';
import { scriptFile } from '../test/fakes/script-file.ts';
import { parseSse } from '../agent/server/test-sse.ts';
import { InputError } from '../core/errors.ts';
import { registerServeCommand, runServe, serverConversations, type RunServeOptions } from './serve.ts';

const TOKEN = 'serve-test-token-0123456789';
const stoppers: AbortController[] = [];
afterEach(() => {
  for (const stop of stoppers.splice(0)) stop.abort();
});


/** Starts `lunar serve` in process; resolves with its address once it listens. */
async function serve(
  flags: RunServeOptions['flags'],
  env: NodeJS.ProcessEnv = {},
  conversations: Pick<RunServeOptions, 'sessions' | 'turns'> = { sessions: new InMemoryChatSessions() },
): Promise<{ address: string; logs: string[]; done: Promise<void>; stop: AbortController }> {
  const stop = new AbortController();
  stoppers.push(stop);
  const logs: string[] = [];
  let ready!: (address: string) => void;
  const listening = new Promise<string>((resolve) => (ready = resolve));
  const done = runServe({ flags, ...conversations, stop: stop.signal, env, cwd: mkdtempSync(join(tmpdir(), 'lunar-serve-cwd-')), log: (l) => logs.push(l), onReady: ready });
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

  it('keeps sessions in agent/memory by default, with one memory root for the whole server', () => {
    const home = mkdtempSync(join(tmpdir(), 'lunar-home-'));
    const { sessions, turns } = serverConversations(home);
    try {
      expect(turns).toBeTypeOf('function');
      const store = sessions as MemoryChatSessions;
      expect(store.memoryStore('http-a')).toBe(store.memoryStore('http-b'));
      expect(store.memoryStore('http-a').root).toBe(join(home, 'memory', 'http'));
    } finally {
      sessions.close?.();
    }
  });

  it("keeps each session's transcript under <home>/sessions/ and one memory for the server, which every session reaches", async () => {
    const home = mkdtempSync(join(tmpdir(), 'lunar-serve-home-'));
    const conversations = serverConversations(home);
    let running: Awaited<ReturnType<typeof serve>> | undefined;
    try {
      running = await serve({ target: 'baseline', port: 0 }, {}, conversations);
      const { address } = running;
      const chat = async (session: string, message: string) => {
        const response = await fetch(`${address}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message, session }) });
        return (await response.json()) as { answer: string };
      };
      // The baseline saves a message with "remember" and looks up a question, quoting what the tool said.
      expect((await chat('a', 'Remember that my cat is called Miso.')).answer).toMatch(/^memory_write says: Saved to memory\/\d{4}-\d{2}-\d{2}\.md \(lines 4-4\)\.$/);
      const recalled = (await chat('b', 'What is my cat called?')).answer;
      expect(recalled).toMatch(/^memory_search says: \[memory\/\d{4}-\d{2}-\d{2}\.md:4-4\]\n/);
      expect(recalled.endsWith('\n\nRemember that my cat is called Miso.')).toBe(true);
      expect((await fs.readdir(join(home, 'sessions'))).sort()).toEqual(['http-a.jsonl', 'http-b.jsonl']);
      expect(await fs.readdir(join(home, 'memory'))).toEqual(['http']);
    } finally {
      running?.stop.abort();
      await running?.done;
      conversations.sessions.close?.();
      await fs.rm(home, { recursive: true, force: true });
    }
  });
});
