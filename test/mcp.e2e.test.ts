// MCP end to end, through real stdio processes: Lunar's client against `lunar mcp`, a raw
// JSON-RPC session with `lunar mcp` (stdout must hold the protocol and nothing else), and a bench
// run whose suite lists an independent MCP server (test/fakes/mcp-echo-server.mjs).
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveMcpServers } from '../agent/mcp/config.ts';
import { McpConnections } from '../agent/mcp/connections.ts';
import type { Tool, ToolContext } from '../agent/tools/tool.ts';
import { runBench } from '../runners/bench.ts';
import { ResultsStore } from '../runners/store.ts';
import { loadSuite } from '../runners/suite.ts';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'lunar.js');
const ECHO = join(root, 'test', 'fakes', 'mcp-echo-server.mjs');

function lunarMcpCommand(): { command: string; args: string[] } {
  return { command: 'node', args: [bin, 'mcp'] };
}

/** A folder with a two-file corpus, a memory root, and a suite of two scripted cases (one passes). */
function workspace(): { dir: string; home: string; corpus: string; memory: string; suite: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lunar-mcp-e2e-'));
  const corpus = join(dir, 'corpus');
  mkdirSync(corpus);
  writeFileSync(join(corpus, 'refunds.md'), '# Refunds\n\nRefunds are paid within 14 days of the request.\n');
  writeFileSync(join(corpus, 'shipping.md'), '# Shipping\n\nParcels ship from Lyon every weekday.\n');
  const cases = [
    { id: 'yes', input: 'say done', category: 'k', expected_contains: 'done', script: [{ text: 'done' }] },
    { id: 'no', input: 'say done', category: 'k', expected_contains: 'done', script: [{ text: 'not yet' }] },
  ];
  writeFileSync(join(dir, 'data.jsonl'), cases.map((c) => JSON.stringify(c)).join('\n') + '\n');
  writeFileSync(join(dir, 'tiny.yaml'), 'name: tiny\ndataset: data.jsonl\ntools: [calculator]\nscorers: [answer_contains]\n');
  return { dir, home: join(dir, 'home'), corpus, memory: join(dir, 'memory'), suite: join(dir, 'tiny.yaml') };
}

const pools: McpConnections[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
});

const context = (): ToolContext => ({ workspaceRoot: root, signal: new AbortController().signal, now: () => new Date() });
/** MCP tools answer with text (mcp-tool.ts). */
const call = async (tools: Tool[], name: string, args: Record<string, unknown>): Promise<string> => (await tools.find((t) => t.name === name)!.run(args, context())) as string;

describe("Lunar's MCP client against lunar mcp", () => {
  it('lists its tools, searches the knowledge index, writes and finds a memory, and runs a suite with its headline figures', async () => {
    const w = workspace();
    const lunar = lunarMcpCommand();
    const servers = resolveMcpServers(
      [{ name: 'lunar', command: lunar.command, args: [...lunar.args, '--home', w.home, '--corpus', w.corpus, '--memory', w.memory], cwd: root, prefix: false }],
      w.dir,
      join(w.dir, 'mcp-test.yaml'),
    );
    const connections = new McpConnections();
    pools.push(connections);
    const tools = await connections.tools(servers);
    expect(tools.map((t) => t.name)).toEqual(['search_knowledge', 'memory_write', 'memory_search', 'memory_get', 'run_suite']);

    // Each file is a heading, a blank line and one line of text: the passage is line 3.
    expect(await call(tools, 'search_knowledge', { query: 'when are refunds paid', k: 1 })).toBe('[refunds.md:3-3]\nRefunds\n\nRefunds are paid within 14 days of the request.');

    // MEMORY.md starts "# Memory", a blank line, the note's "## <date> <time>" heading: the note is line 4.
    expect(await call(tools, 'memory_write', { text: "The user's cat is called Miso.", file: 'MEMORY.md' })).toBe('Saved to MEMORY.md (lines 4-4).');
    const found = await call(tools, 'memory_search', { query: 'what is the cat called' });
    expect(found).toMatch(/^\[MEMORY\.md:4-4\]\n/);
    expect(found).toContain("The user's cat is called Miso.");
    expect(readFileSync(join(w.memory, 'MEMORY.md'), 'utf8')).toContain("The user's cat is called Miso.");

    const summary = JSON.parse(await call(tools, 'run_suite', { suite: w.suite, target: ['scripted'] }));
    expect(summary).toMatchObject({
      status: 'completed',
      suite: 'tiny',
      attempts: 2,
      errors: 0,
      cost_usd: 0,
      results: [{ config: 'default', target: 'scripted', attempts: 2, passed: 1, errors: 0, unscored: 0, pass_rate: 0.5, cost_usd: 0 }],
      failures: [],
    });
    const db = new Database(join(w.home, 'results.db'), { readonly: true });
    try {
      const runs = db.prepare('SELECT id, status FROM runs').all();
      expect(runs).toEqual([{ id: summary.run_id, status: 'completed' }]);
    } finally {
      db.close();
    }
  }, 60_000);

  it("searches a suite's knowledge index (--suite), and the same index file opened on its own (--index)", async () => {
    const w = workspace();
    writeFileSync(join(w.dir, 'kb.yaml'), 'name: kb\ndataset: data.jsonl\nknowledge:\n  corpus: corpus\n  index: kb-index.db\nscorers: [answer_contains]\n');
    const lunar = lunarMcpCommand();
    const answers: string[] = [];
    for (const knowledge of [['--suite', join(w.dir, 'kb.yaml')], ['--index', join(w.dir, 'kb-index.db')]]) {
      const servers = resolveMcpServers([{ name: 'lunar', command: lunar.command, args: [...lunar.args, '--home', w.home, ...knowledge], cwd: root, prefix: false }], w.dir, join(w.dir, 'x.yaml'));
      const connections = new McpConnections();
      const tools = await connections.tools(servers);
      answers.push(await call(tools, 'search_knowledge', { query: 'where do parcels ship from', k: 1 }));
      await connections.close();
    }
    expect(answers).toEqual(Array(2).fill('[shipping.md:3-3]\nShipping\n\nParcels ship from Lyon every weekday.'));
  }, 60_000);

  it('answers a run_suite for a suite that does not exist with an error result naming the file', async () => {
    const w = workspace();
    const lunar = lunarMcpCommand();
    const servers = resolveMcpServers([{ name: 'lunar', command: lunar.command, args: [...lunar.args, '--home', w.home, '--memory', w.memory], cwd: root }], w.dir, join(w.dir, 'x.yaml'));
    const connections = new McpConnections();
    pools.push(connections);
    const tools = await connections.tools(servers);
    // No --corpus and no <home>/index.db: search_knowledge is not offered.
    expect(tools.map((t) => t.name)).toEqual(['lunar__memory_write', 'lunar__memory_search', 'lunar__memory_get', 'lunar__run_suite']);
    await expect(call(tools, 'lunar__run_suite', { suite: join(w.dir, 'missing.yaml') })).rejects.toThrow(`${join(w.dir, 'missing.yaml')}: cannot read suite (ENOENT)`);
  }, 60_000);
});

describe('lunar mcp over a raw JSON-RPC session', () => {
  it('writes only JSON-RPC to stdout, logs to stderr, and exits 0 when the client closes stdin', async () => {
    const w = workspace();
    const lunar = lunarMcpCommand();
    const child = spawn(lunar.command, [...lunar.args, '--home', w.home, '--corpus', w.corpus, '--memory', w.memory], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
    const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
    const reply = async (id: number) => {
      for (let waited = 0; waited < 30_000; waited += 20) {
        const line = stdout.split('\n').find((l) => l.includes(`"id":${id}`));
        if (line) return JSON.parse(line);
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no reply ${id}; stderr: ${stderr}`);
    };
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    expect((await reply(1)).result.serverInfo.name).toBe('lunar');
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'memory_get', arguments: { path: '../secrets.txt' } } });
    const refused = (await reply(2)).result;
    expect(refused.isError).toBe(true);
    send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'search_knowledge', arguments: { query: '' } } });
    expect((await reply(3)).result.isError).toBe(true);
    child.stdin.end();
    expect(await exited).toBe(0);
    const lines = stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    expect(stderr).toContain('lunar mcp: serving search_knowledge, memory_write, memory_search, memory_get, run_suite on stdio');
    expect(stderr).toMatch(/lunar mcp: memory_get: failed in \d+ ms: /);
  }, 60_000);
});

describe('a bench run whose suite lists an MCP server', () => {
  it('offers their tools to a scripted target, keeps the calls in the Trace, survives a server dying, and ends the others after the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-mcp-bench-'));
    const cases = [
      {
        id: 'c1',
        input: 'echo hi',
        category: 'mcp',
        expected_contains: 'echo: hi',
        script: [{ tool_calls: [{ name: 'echo__echo', arguments: { text: 'hi' } }, { name: 'keep__whoami', arguments: {} }] }, { text: 'the server said echo: hi' }],
      },
      {
        id: 'c2',
        input: 'crash it',
        category: 'mcp',
        expected_contains: 'gone',
        script: [{ tool_calls: [{ name: 'echo__crash', arguments: {} }] }, { tool_calls: [{ name: 'echo__echo', arguments: { text: 'again' } }] }, { text: 'the server is gone' }],
      },
    ];
    writeFileSync(join(dir, 'data.jsonl'), cases.map((c) => JSON.stringify(c)).join('\n') + '\n');
    writeFileSync(
      join(dir, 'suite.yaml'),
      `name: mcpbench\ndataset: data.jsonl\nmcp:\n${['echo', 'keep'].map((name) => `  - name: ${name}\n    command: node\n    args: [${JSON.stringify(ECHO)}]\n`).join('')}tools: [echo__echo, echo__crash, keep__whoami]\nscorers: [answer_contains]\n`,
    );
    const home = join(dir, 'home');
    const result = await runBench({ suites: [loadSuite(join(dir, 'suite.yaml'))], targets: ['scripted'], fallbackTargets: [], home, concurrency: 1, progressStream: null });

    expect(result.status).toBe('completed');
    expect(result.aggregates.map((a) => [a.attempts, a.passed, a.errors])).toEqual([[2, 2, 0]]);
    // The Traces as stored: each call with its arguments, result or error.
    const store = new ResultsStore(join(home, 'results.db'));
    const [first, second] = ['c1', 'c2'].map((caseId) => store.trace({ runId: result.runId, suite: 'mcpbench', caseId, target: 'scripted' })!);
    store.close();
    expect(first!.toolCalls.map((c) => [c.name, c.arguments, c.error ?? null])).toEqual([
      ['echo__echo', { text: 'hi' }, null],
      ['keep__whoami', {}, null],
    ]);
    expect(first!.toolCalls[0]!.result).toBe('echo: hi');
    const gone = 'mcp server echo is not running: it exited with code 3; its stderr ended with: echo-fixture: serving on stdio | echo-fixture: crashing on request';
    expect(second!.toolCalls.map((c) => c.error)).toEqual([`echo__crash failed: ${gone}`, `echo__echo failed: ${gone}`]);
    expect(second!.stopReason).toBe('final');
    expect(second!.finalAnswer).toBe('the server is gone');
    // echo crashed in c2; keep, still up at the end, was ended with the run.
    expect(() => process.kill(Number(first!.toolCalls[1]!.result), 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  }, 60_000);

  it('refuses, before anything runs, a suite whose MCP server cannot start (exit code 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-mcp-bench-'));
    writeFileSync(join(dir, 'data.jsonl'), `${JSON.stringify({ id: 'c1', input: 'x', category: 'k', expected_contains: 'x', script: [{ text: 'x' }] })}\n`);
    writeFileSync(join(dir, 'suite.yaml'), 'name: broken\ndataset: data.jsonl\nmcp:\n  - name: gone\n    command: lunar-no-such-command-xyz\nscorers: [answer_contains]\n');
    const failure = runBench({ suites: [loadSuite(join(dir, 'suite.yaml'))], targets: ['scripted'], fallbackTargets: [], home: join(dir, 'home'), progressStream: null });
    await expect(failure).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining(`${join(dir, 'suite.yaml')}: mcp server gone (lunar-no-such-command-xyz in ${dir}): could not start`) });
  }, 30_000);
});
