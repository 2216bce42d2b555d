// A suite that lists `tools:` and an MCP server, end to end through a real stdio MCP server
// (test/fakes/mcp-echo-server.mjs, built on @modelcontextprotocol/sdk): the server's tools are
// offered beside the listed built-ins, their definitions kept in the Trace, a name nothing
// provides refused, calls to unknown tools counted after the table, and the run exported for
// fine-tuning with the MCP tools' definitions.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportFinetune } from '../interop/finetune/export.ts';
import { runBench } from '../runners/bench.ts';
import { ResultsStore } from '../runners/store.ts';
import { loadSuite } from '../runners/suite.ts';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'lunar.js');
const ECHO = join(root, 'test', 'fakes', 'mcp-echo-server.mjs');

function lunar(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn('node', [bin, ...args], { cwd: root, env: { ...process.env, OPENAI_API_KEY: '', CI: '' } });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (out.stdout += String(chunk)));
  child.stderr.on('data', (chunk) => (out.stderr += String(chunk)));
  child.stdin.end();
  return new Promise((done) => child.on('close', (code) => done({ code: code ?? 1, ...out })));
}

/** A folder with the cases and a suite listing `tools` and the echo server (twice, as echo and keep). */
function suiteFolder(tools: string, cases: object[]): { dir: string; suite: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lunar-mcp-tools-'));
  writeFileSync(join(dir, 'data.jsonl'), cases.map((c) => JSON.stringify(c)).join('\n') + '\n');
  const servers = ['echo', 'keep'].map((name) => `  - name: ${name}\n    command: node\n    args: [${JSON.stringify(ECHO)}]\n`).join('');
  writeFileSync(join(dir, 'suite.yaml'), `name: mcptools\ndataset: data.jsonl\nmcp:\n${servers}tools: ${tools}\nscorers: [answer_contains]\n`);
  return { dir, suite: join(dir, 'suite.yaml') };
}

const ECHO_CASE = {
  id: 'echo',
  input: 'echo hi, then add 2 and 3',
  expected_contains: ['echo: hi', '5'],
  script: [{ tool_calls: [{ name: 'echo__echo', arguments: { text: 'hi' } }, { name: 'calculator', arguments: { expression: '2+3' } }] }, { text: 'echo: hi and 5' }],
};
const ECHO_TOOLS = ['echo', 'add', 'fail', 'slow', 'whoami', 'crash'];

describe('a suite that lists tools: and an MCP server', () => {
  it("offers the listed built-in and every tool of each server, keeps their definitions in the Trace, and exports the run for fine-tuning", async () => {
    const { dir, suite } = suiteFolder('[calculator]', [ECHO_CASE]);
    const home = join(dir, 'home');
    const result = await runBench({ suites: [loadSuite(suite)], targets: ['scripted'], fallbackTargets: [], home, concurrency: 1, progressStream: null });
    expect(result.aggregates.map((a) => [a.attempts, a.passed, a.errors])).toEqual([[1, 1, 0]]);
    expect(result.unknownTools.note()).toBeUndefined();

    const store = new ResultsStore(join(home, 'results.db'));
    const trace = store.trace({ runId: result.runId, suite: 'mcptools', caseId: 'echo', target: 'scripted' })!;
    store.close();
    const offered = ['calculator', ...['echo', 'keep'].flatMap((server) => ECHO_TOOLS.map((t) => `${server}__${t}`))];
    expect(trace.modelCalls[0]!.request.tools).toEqual(offered);
    expect(trace.toolCalls.map((c) => [c.name, c.result, c.error ?? null])).toEqual([
      ['echo__echo', 'echo: hi', null],
      ['calculator', '5', null],
    ]);
    // Once per trace, the definitions as the model saw them: the server's description and JSON Schema.
    expect(trace.offeredTools!.map((t) => t.name)).toEqual(offered);
    expect(trace.offeredTools!.find((t) => t.name === 'echo__echo')).toEqual({
      name: 'echo__echo',
      description: 'Repeat the given text back, prefixed with "echo: "',
      parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    });

    const exported = exportFinetune({ home, runId: result.runId, format: 'openai', out: join(dir, 'ft'), split: 0, env: {} });
    expect([exported.train, exported.dropped]).toEqual([1, {}]);
    const example = JSON.parse(readFileSync(join(dir, 'ft', 'train.jsonl'), 'utf8'));
    expect(example.tools.map((t: { function: { name: string } }) => t.function.name)).toEqual(offered);
    expect(example.tools[1].function.description).toBe('Repeat the given text back, prefixed with "echo: "');

    // A trace recorded before traces kept the definitions: one line for all, naming the tools.
    const db = new Database(join(home, 'results.db'));
    db.prepare("UPDATE attempts SET trace = json_remove(trace, '$.offeredTools')").run();
    db.close();
    expect(() => exportFinetune({ home, runId: result.runId, format: 'openai', out: join(dir, 'ft-old'), split: 0, env: {} })).toThrow(
      '1 tool definitions unknown (echo__add, echo__crash, echo__echo, echo__fail, echo__slow and 7 more): the run was recorded before traces kept the tools offered; run it again to export it',
    );
  }, 60_000);

  it("keeps only the tools of a server that tools: names (by name or server__*), and every tool of the others", async () => {
    const { suite } = suiteFolder('[calculator, echo__add, "keep__w*"]', [{ ...ECHO_CASE, script: [{ text: 'echo: hi and 5' }] }]);
    const dir = resolve(suite, '..');
    const result = await runBench({ suites: [loadSuite(suite)], targets: ['scripted'], fallbackTargets: [], home: join(dir, 'home'), concurrency: 1, progressStream: null });
    const store = new ResultsStore(join(dir, 'home', 'results.db'));
    const trace = store.trace({ runId: result.runId, suite: 'mcptools', caseId: 'echo', target: 'scripted' })!;
    store.close();
    expect(trace.modelCalls[0]!.request.tools).toEqual(['calculator', 'echo__add', 'keep__whoami']);
  }, 60_000);

  it('refuses a name in tools: that nothing provides: exit 2, naming the suite file and the name', async () => {
    const { dir, suite } = suiteFolder('[calculator, echo__shout]', [ECHO_CASE]);
    const ran = await lunar(['bench', suite, '-t', 'scripted', '--home', join(dir, 'home')]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(`lunar: ${suite}: tools: nothing provides echo__shout: the tools here are read_file, list_files, calculator, current_time, echo__echo,`);
  }, 60_000);

  it('says after the table how many attempts called tools nothing provides, and which', async () => {
    const invent = (id: string, names: string[]) => ({ id, input: 'x', expected_contains: 'done', script: [{ tool_calls: names.map((name) => ({ name, arguments: {} })) }, { text: 'done' }] });
    const { dir, suite } = suiteFolder('[calculator]', [invent('a', ['shout', 'echo__whoami']), invent('b', ['shout', 'sing']), invent('c', ['echo__whoami'])]);
    const ran = await lunar(['bench', suite, '-t', 'scripted', '--home', join(dir, 'home')]);
    expect(ran.code).toBe(0);
    const lines = ran.stdout.split('\n');
    const table = lines.findIndex((l) => l.startsWith('mcptools'));
    expect(lines[table + 1]).toBe('2 of 3 attempts called tools nothing provides: shout (2), sing (1). Offer them (tools:, mcp: in the suite) or check the system prompt.');
  }, 60_000);
});
