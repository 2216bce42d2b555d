import { Command } from 'commander';
import { mkdirSync, mkdtempSync, promises as fs, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryChatSessions } from '../agent/channels/memory-sessions.ts';
import { InMemoryChatSessions } from '../agent/channels/sessions.ts';
import { scriptFile } from '../test/fakes/script-file.ts';
import { parseSse } from '../agent/server/test-sse.ts';
import { rawRequest } from '../agent/server/test-http.ts';
import { runTurn, type TurnRunner } from '../agent/channels/turn.ts';
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

  it('takes --target and --allowed-host repeated, checking every target and name before listening', async () => {
    const run = (...args: string[]) => {
      const program = new Command('lunar').exitOverride();
      registerServeCommand(program, () => mkdtempSync(join(tmpdir(), 'lunar-home-')));
      return program.parseAsync(['node', 'lunar', 'serve', '--port', '0', ...args]).catch((e: unknown) => e);
    };
    expect(((await run('--target', 'baseline', '--target', 'nope:x')) as Error).message).toMatch(/^unknown target "nope:x"/);
    const bad = await run('--target', 'baseline', '--allowed-host', 'ok.example', '--allowed-host', 'http://evil.example');
    expect(bad).toBeInstanceOf(InputError);
    expect((bad as Error).message).toBe('--allowed-host "http://evil.example": give a host name or an IP address, without scheme, port or path (e.g. lunar.example.com)');
  });

  it('refuses an unknown default target before listening', async () => {
    const error = await runServe({ flags: { target: ['nope:x'], port: 0 }, sessions: new InMemoryChatSessions(), stop: new AbortController().signal, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^unknown target "nope:x"/);
  });

  it('answers over real HTTP on loopback, as JSON and as a stream of events, and stops on request', async () => {
    const file = scriptFile([{ text: 'Served.' }]);
    const { address, logs, done, stop } = await serve({ target: [`scripted:${file}`], port: 0 });
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
    const { address, logs } = await serve({ target: [`scripted:${file}`], host: '0.0.0.0', port: 0 }, { LUNAR_SERVER_TOKEN: TOKEN });
    const port = new URL(address).port;
    expect(logs[0]).toContain('every request needs its bearer token');
    const health = (authorization?: string) => fetch(`http://127.0.0.1:${port}/health`, { headers: authorization ? { authorization } : {} });
    expect((await health()).status).toBe(401);
    expect((await health('Bearer not-the-token-0123456789')).status).toBe(401);
    const ok = await health(`Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok', target: `scripted:${file}`, targets: [`scripted:${file}`] });
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
      running = await serve({ target: ['baseline'], port: 0 }, {}, conversations);
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

/** A turn runner counting the session turns that ran: an attack that got through would show here. */
function countingTurns(): { turns: TurnRunner; count: () => number } {
  let count = 0;
  return {
    turns: (options) => {
      count++;
      return runTurn(options);
    },
    count: () => count,
  };
}

describe('lunar serve under attack, over real HTTP', () => {
  it('serves only the targets it was started with, by name: a request naming a file, a folder, a missing path or another provider is 400 alike, with nothing from the filesystem', async () => {
    const a = scriptFile([{ text: 'From A.' }]);
    const b = scriptFile([{ text: 'From B.' }]);
    const { address } = await serve({ target: [`scripted:${a}`, `scripted:${b}`], port: 0 }, { OPENAI_API_KEY: 'sk-operator-key-not-for-requests' });
    const chat = (target?: string) => rawRequest(address, { method: 'POST', path: '/v1/chat', json: { message: 'hello', ...(target ? { target } : {}) } });
    expect(JSON.parse((await chat()).body)).toMatchObject({ answer: 'From A.' });
    expect(JSON.parse((await chat(`scripted:${b}`)).body)).toMatchObject({ answer: 'From B.' });
    const dir = mkdtempSync(join(tmpdir(), 'lunar-serve-attack-'));
    writeFileSync(join(dir, 'secret.txt'), 'TOP-SECRET-CONTENTS\n');
    const named = ['scripted:/etc/passwd', 'scripted:/etc/shadow', `scripted:${join(dir, 'secret.txt')}`, `scripted:${join(dir, 'missing.json')}`, `scripted:${dir}`, 'scripted', 'openai:gpt-4o-mini', 'nope:x'];
    for (const target of named) {
      const response = await chat(target);
      expect(response.status, target).toBe(400);
      // The same answer for every name but the name itself: nothing tells what exists or what it holds.
      expect(JSON.parse(response.body), target).toEqual({ error: `target ${JSON.stringify(target)} is not served; served: scripted:${a}, scripted:${b}`, field: 'target' });
      expect(response.body).not.toMatch(/root:|TOP-SECRET|ENOENT|EISDIR|EACCES|cannot read/);
    }
    const health = await rawRequest(address, { path: '/health' });
    expect(JSON.parse(health.body)).toEqual({ status: 'ok', target: `scripted:${a}`, targets: [`scripted:${a}`, `scripted:${b}`] });
  });

  it('refuses a page that rebound its name to loopback with 421, and a post from another site with 403, before anything runs', async () => {
    const counting = countingTurns();
    const { address } = await serve({ target: ['baseline'], port: 0, allowedHost: ['lunar.test'] }, {}, { sessions: new InMemoryChatSessions(), turns: counting.turns });
    const port = new URL(address).port;
    const chat = (headers: Record<string, string>) => rawRequest(address, { method: 'POST', path: '/v1/chat', headers, json: { message: 'What is 2+2?', session: 's' } });
    // DNS rebinding: the browser sends the attacker's name as Host, and as Origin on a post.
    const rebound = await chat({ host: `attacker.example:${port}`, origin: `http://attacker.example:${port}` });
    expect(rebound.status).toBe(421);
    expect(JSON.parse(rebound.body).error).toMatch(/^host "attacker\.example:\d+": this server answers only to the names it was started for/);
    expect((await rawRequest(address, { path: '/health', headers: { host: `attacker.example:${port}` } })).status).toBe(421);
    // A page on another site (or another port of this machine) posting to 127.0.0.1 directly.
    for (const origin of ['https://attacker.example', 'http://localhost:3000', 'null']) {
      const response = await chat({ host: `127.0.0.1:${port}`, origin });
      expect(response.status, origin).toBe(403);
      expect(JSON.parse(response.body).error).toMatch(/^origin ".*" may not send POST requests here/);
    }
    expect(counting.count()).toBe(0);
    // The operator's own names still work, --allowed-host ones on any port.
    expect((await chat({ host: `localhost:${port}`, origin: `http://localhost:${port}` })).status).toBe(200);
    expect((await chat({ host: 'lunar.test', origin: 'https://lunar.test' })).status).toBe(200);
    expect(counting.count()).toBe(2);
  });

  it('checks the host before the token: a rebound page does not even learn that a token is asked for', async () => {
    const { address } = await serve({ target: ['baseline'], host: '0.0.0.0', port: 0 }, { LUNAR_SERVER_TOKEN: TOKEN });
    const port = new URL(address).port;
    const local = `http://127.0.0.1:${port}`;
    const rebound = await rawRequest(local, { path: '/health', headers: { host: `attacker.example:${port}`, authorization: `Bearer ${TOKEN}` } });
    expect(rebound.status).toBe(421);
    expect(rebound.headers['www-authenticate']).toBeUndefined();
    expect((await rawRequest(local, { path: '/health', headers: { host: `localhost:${port}` } })).status).toBe(401);
    expect((await rawRequest(local, { path: '/health', headers: { host: `localhost:${port}`, authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it("never shows a client what a file holds when something fails inside: a damaged transcript's bytes stay in the log", async () => {
    const home = mkdtempSync(join(tmpdir(), 'lunar-serve-damaged-'));
    mkdirSync(join(home, 'sessions'));
    writeFileSync(join(home, 'sessions', 'http-x.jsonl'), 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n');
    const conversations = serverConversations(home);
    try {
      const { address, logs } = await serve({ target: ['baseline'], port: 0 }, {}, conversations);
      const plain = await rawRequest(address, { method: 'POST', path: '/v1/chat', json: { message: 'hello', session: 'x' } });
      expect(plain.status).toBe(500);
      expect(JSON.parse(plain.body)).toEqual({ error: 'internal error: the server log says what failed' });
      const streamed = await rawRequest(address, { method: 'POST', path: '/v1/chat', json: { message: 'hello', session: 'x', stream: true } });
      expect(parseSse(streamed.body)).toEqual([{ event: 'error', data: { error: 'internal error: the server log says what failed' } }]);
      for (const body of [plain.body, streamed.body]) expect(body).not.toMatch(/root|bin\/bash|http-x\.jsonl/);
      // The operator still learns what failed, and where.
      expect(logs.filter((line) => line.includes('http-x.jsonl:1: not a transcript line'))).toHaveLength(2);
    } finally {
      conversations.sessions.close?.();
    }
  });
});
