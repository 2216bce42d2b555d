// Lunar's MCP client against an independent MCP server process (test/fakes/mcp-echo-server.mjs,
// the SDK's own server API), over real stdio and streamable HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAgent } from '../loop.ts';
import { ScriptedModel } from '../providers/scripted.ts';
import { builtinRegistry } from '../tools/builtin.ts';
import { ToolRegistry, type Tool, type ToolContext } from '../tools/tool.ts';
import { InputError } from '../../core/errors.ts';
import { resolveMcpServers, type McpServerConfig } from './config.ts';
import { addMcpTools, McpConnections } from './connections.ts';

const root = resolve(import.meta.dirname, '../..');
const ECHO = join(root, 'test', 'fakes', 'mcp-echo-server.mjs');
const SOURCE = join(root, 'suite.yaml');

function echoServer(entry: Record<string, unknown> = {}): McpServerConfig[] {
  return resolveMcpServers([{ name: 'echo', command: 'node', args: [ECHO], ...entry } as never], root, SOURCE);
}

const pools: McpConnections[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function pool(log?: (line: string) => void): McpConnections {
  const made = new McpConnections({ log });
  pools.push(made);
  return made;
}

const context = (): ToolContext => ({ workspaceRoot: root, signal: new AbortController().signal, now: () => new Date() });
const byName = (tools: Tool[], name: string) => tools.find((t) => t.name === name)!;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('an MCP server over stdio', () => {
  it("offers the server's tools as <server>__<tool>, in its order, with its JSON Schema (less zod's safe-integer bounds)", async () => {
    const lines: string[] = [];
    const tools = await pool((line) => lines.push(line)).tools(echoServer());
    expect(tools.map((t) => t.name)).toEqual(['echo__echo', 'echo__add', 'echo__fail', 'echo__slow', 'echo__whoami', 'echo__crash']);
    expect(byName(tools, 'echo__add').parameters).toEqual({ type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] });
    expect(byName(tools, 'echo__slow').parameters).toEqual({ type: 'object', properties: { ms: { type: 'integer', minimum: 0 } }, required: ['ms'] });
    expect(byName(tools, 'echo__echo').description).toBe('Repeat the given text back, prefixed with "echo: "');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mcp server echo \(echo-fixture 1\.2\.3\): 6 tools, connected in \d+ ms$/);
  });

  it("answers a call with the server's text, and refuses bad arguments before they reach the server", async () => {
    const registry = new ToolRegistry(await pool().tools(echoServer()));
    expect(await registry.get('echo__add')!.run({ a: 2, b: 3 }, context())).toBe('5');
    expect(registry.validate('echo__add', { a: 'two' })).toEqual({ ok: false, error: "invalid arguments for echo__add: (arguments): must have required property 'b'; a: must be number" });
  });

  it('starts a server listed by two configurations, or two suites of one run, once', async () => {
    const connections = pool();
    const first = byName(await connections.tools(echoServer()), 'echo__whoami');
    const second = byName(await connections.tools(resolveMcpServers([{ name: 'echo', command: 'node', args: [ECHO] }], root, join(root, 'other.yaml'))), 'echo__whoami');
    expect(await second.run({}, context())).toBe(await first.run({}, context()));
  });

  it("gives up on a call after the server's timeout_ms, and the server still answers the next one", async () => {
    const tools = await pool().tools(echoServer({ timeout_ms: 300 }));
    await expect(byName(tools, 'echo__slow').run({ ms: 3_000 }, context())).rejects.toThrow(
      "mcp server echo: slow gave no answer within 300 ms (timeout_ms in the suite's mcp entry sets the limit)",
    );
    expect(await byName(tools, 'echo__echo').run({ text: 'still up' }, context())).toBe('echo: still up');
  });

  it('records a server that dies mid-run as tool errors, and the run completes with its answer', async () => {
    const registry = builtinRegistry();
    await addMcpTools(registry, echoServer(), pool(), SOURCE);
    const model = new ScriptedModel([
      { tool_calls: [{ name: 'echo__echo', arguments: { text: 'before' } }] },
      { tool_calls: [{ name: 'echo__fail', arguments: { why: 'asked' } }] },
      { tool_calls: [{ name: 'echo__crash', arguments: { code: 7 } }] },
      { tool_calls: [{ name: 'echo__echo', arguments: { text: 'after' } }] },
      { text: 'the echo server is gone' },
    ]);
    const trace = await runAgent({ model, tools: registry, messages: [{ role: 'user', content: 'go' }], workspaceRoot: root });
    expect(trace.stopReason).toBe('final');
    expect(trace.finalAnswer).toBe('the echo server is gone');
    const gone = 'mcp server echo is not running: it exited with code 7; its stderr ended with: echo-fixture: serving on stdio | echo-fixture: crashing on request';
    expect(trace.toolCalls.map((c) => [c.name, c.result ?? null, c.error ?? null, c.errorKind ?? null])).toEqual([
      ['echo__echo', 'echo: before', null, null],
      ['echo__fail', null, 'echo__fail failed: failed on purpose: asked', 'threw'],
      ['echo__crash', null, `echo__crash failed: ${gone}`, 'threw'],
      ['echo__echo', null, `echo__echo failed: ${gone}`, 'threw'],
    ]);
  });

  it('ends the server process when the run closes its connections, with SIGTERM if closing its stdin is not enough', async () => {
    const connections = new McpConnections();
    const pid = Number(await byName(await connections.tools(echoServer({ args: [ECHO, '--linger'] })), 'echo__whoami').run({}, context()));
    expect(alive(pid)).toBe(true);
    await connections.close();
    expect(alive(pid)).toBe(false);
  });
});

describe('a server that cannot be used', () => {
  it('is bad configuration when its command does not exist, naming the file that lists it', async () => {
    const servers = resolveMcpServers([{ name: 'nope', command: 'lunar-no-such-command-xyz' }], root, SOURCE);
    const failure = pool().tools(servers);
    await expect(failure).rejects.toThrow(InputError);
    await expect(failure).rejects.toThrow(`${SOURCE}: mcp server nope (lunar-no-such-command-xyz in ${root}): could not start: the command was not found`);
  });

  it('never puts a token from the environment into the message: the arguments are shown as written', async () => {
    const servers = resolveMcpServers([{ name: 'nope', command: 'lunar-no-such-command-xyz', args: ['--token', '${LUNAR_TEST_TOKEN}'] }], root, SOURCE);
    const failure = new McpConnections({ env: { ...process.env, LUNAR_TEST_TOKEN: 'tok-secret-4711' } }).tools(servers);
    await expect(failure).rejects.toThrow('lunar-no-such-command-xyz --token ${LUNAR_TEST_TOKEN} in');
    await expect(failure).rejects.not.toThrow('tok-secret-4711');
  });

  it('is bad configuration when it exits while starting, with its exit code and last words', async () => {
    const servers = resolveMcpServers([{ name: 'bad', command: 'node', args: ['-e', "process.stderr.write('missing API_TOKEN\\n'); process.exit(2)"] }], root, SOURCE);
    await expect(pool().tools(servers)).rejects.toThrow(/: could not start: it exited with code 2; its stderr ended with: missing API_TOKEN$/);
  });

  it('refuses two servers whose tools would share a name, with the fix', async () => {
    const servers = resolveMcpServers(
      [
        { name: 'a', command: 'node', args: [ECHO], prefix: false },
        { name: 'b', command: 'node', args: [ECHO], prefix: false },
      ],
      root,
      SOURCE,
    );
    await expect(pool().tools(servers)).rejects.toThrow(
      `${SOURCE}: mcp: b: tool echo would be offered as "echo", which is already the name of tool echo of mcp server a; list the server with prefix: true (the default) so its tools are offered as <server>__<tool>`,
    );
  });

  it('refuses a tool named like a built-in rather than shadow it', async () => {
    const registry = builtinRegistry();
    const servers = echoServer({ prefix: false, args: [ECHO, '--add-as', 'calculator'] });
    await expect(addMcpTools(registry, servers, pool(), SOURCE)).rejects.toThrow('tool calculator would be offered as "calculator", which is already the name of a tool Lunar offers itself');
  });
});

describe('an MCP server over streamable HTTP', () => {
  async function httpEcho(): Promise<string> {
    const child = spawn('node', [ECHO, '--http'], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(child);
    const port = await new Promise<string>((done, fail) => {
      child.stdout!.on('data', (chunk) => {
        const match = /listening (\d+)/.exec(String(chunk));
        if (match) done(match[1]!);
      });
      child.once('exit', (code) => fail(new Error(`the http echo server exited (${code})`)));
    });
    return `http://127.0.0.1:${port}/mcp`;
  }

  it('calls its tools by URL, and a server that has gone is "not reachable", not a crash', async () => {
    const url = await httpEcho();
    const servers = resolveMcpServers([{ name: 'web', url }], root, SOURCE);
    const tools = await pool().tools(servers);
    expect(await byName(tools, 'web__add').run({ a: 20, b: 22 }, context())).toBe('42');
    await expect(byName(tools, 'web__crash').run({}, context())).rejects.toThrow(`mcp server web is not reachable at ${url}: `);
    await expect(byName(tools, 'web__echo').run({ text: 'x' }, context())).rejects.toThrow(`mcp server web is not reachable at ${url}: `);
  });
});

describe('a Lunar process that exits', () => {
  it('keeps its servers through a Ctrl-C to its process group, and ends them when it exits', async () => {
    // A Lunar stand-in in its own process group, as a terminal's foreground job is: SIGINT to
    // the group reaches Lunar; the server, in a group of its own, must keep answering until Lunar
    // exits, and must not outlive it even though it lingers after its stdin closes.
    const dir = mkdtempSync(join(tmpdir(), 'lunar-mcp-exit-'));
    const script = join(dir, 'stand-in.mts');
    writeFileSync(
      script,
      `import { McpConnections } from ${JSON.stringify(join(root, 'agent/mcp/connections.ts'))};
import { resolveMcpServers } from ${JSON.stringify(join(root, 'agent/mcp/config.ts'))};
const servers = resolveMcpServers([{ name: 'echo', command: 'node', args: [${JSON.stringify(ECHO)}, '--linger'] }], ${JSON.stringify(root)}, 'x.yaml');
const tools = await new McpConnections().tools(servers);
const ctx = { workspaceRoot: '.', signal: new AbortController().signal, now: () => new Date() };
const call = (name: string, args: object) => tools.find((t) => t.name === name)!.run(args, ctx);
process.once('SIGINT', async () => {
  console.log('after Ctrl-C: ' + (await call('echo__echo', { text: 'still here' })));
  process.exit(130);
});
console.log('server ' + (await call('echo__whoami', {})));
`,
    );
    const child = spawn('node', ['--import', 'tsx', script], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (chunk) => (out += String(chunk)));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    await until(() => /server \d+\n/.test(out), 'the stand-in to start its server', 15_000);
    const pid = Number(/server (\d+)/.exec(out)![1]);
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited).toBe(130);
    expect(out).toContain('after Ctrl-C: echo: still here');
    await until(() => !alive(pid), `server ${pid} to end`);
  });
});
