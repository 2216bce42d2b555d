// External agents under `lunar bench` end to end (agent/external/): module, exec and http targets
// run a small tools suite through the real run path (plan, lanes, cache, store, reporters), each
// with its failure modes, and `lunar serve` benchmarked through an http target against a direct
// run of the same model.
import { readFileSync, writeFileSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBench, type BenchOptions, type BenchResult } from '../runners/bench.ts';
import { loadSuite } from '../runners/suite.ts';
import { REPORTERS } from '../reports/reporters.ts';
import { HttpFake } from './fakes/http-fake.ts';
import { agentService, type AgentServiceBody } from './fakes/agent-service.ts';
import type { SpanCollector, SpanTrajectory } from '../agent/external/span-collector.ts';
import { InMemoryChatSessions } from '../agent/channels/sessions.ts';
import { runServe } from '../cli/serve.ts';
import { InputError } from '../core/errors.ts';

const root = resolve(import.meta.dirname, '..');
const agents = join(root, 'test', 'fakes', 'agents');
const MODULE = join(agents, 'module-agent.ts');
const EXEC = join(agents, 'exec-agent.mjs');

const CASES = [
  { id: 'port', category: 'file_read', input: 'What port does config/settings.json set?', expected_tool_calls: [{ name: 'read_file', arguments: { path: 'config/settings.json' } }], expected_contains: 'config/settings.json' },
  { id: 'hello', category: 'chat', input: 'Just say hello.', expected_no_tool: true },
];

/** Running or sleeping: not gone, and not a zombie waiting for a parent that will never reap it. */
function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}/stat`)) {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
  const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0];
  return state !== 'Z' && state !== 'X';
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A suite over `cases` in a fresh folder; `targets` is the YAML of its targets list. */
function suiteWith(targets: string, options: { cases?: object[]; extra?: string } = {}): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lunar-external-'));
  writeFileSync(join(dir, 'cases.jsonl'), (options.cases ?? CASES).map((c) => JSON.stringify(c)).join('\n') + '\n');
  const file = join(dir, 'agent.yaml');
  writeFileSync(file, `name: agent\ndataset: cases.jsonl\nscorers: [tool_name_match, tool_args_match, answer_contains]\n${options.extra ?? ''}targets:\n${targets}\n`);
  return { dir, file };
}

function bench(file: string, dir: string, extra: Partial<BenchOptions> = {}): Promise<BenchResult> {
  return runBench({ suites: [loadSuite(file)], fallbackTargets: ['baseline'], home: join(dir, 'home'), progressStream: null, reporters: REPORTERS, cache: 'off', ...extra });
}

/** Each attempt's verdict per scorer: pass / fail / skipped / error, or the attempt's error. */
function verdicts(result: BenchResult): Record<string, Record<string, string> | string> {
  return Object.fromEntries(
    result.attempts.map((a) => [
      a.caseId,
      a.status === 'error' ? `error: ${a.error}` : Object.fromEntries(a.scores.map((s) => [s.scorer, s.status === 'scored' ? (s.pass ? 'pass' : 'fail') : s.status])),
    ]),
  );
}

describe('module targets', () => {
  it('loads a TypeScript export and scores the tool calls its response reports', async () => {
    const { dir, file } = suiteWith(`  - module:${MODULE}#reader`);
    const result = await bench(file, dir);
    expect(verdicts(result)).toEqual({
      port: { tool_name_match: 'pass', tool_args_match: 'pass', answer_contains: 'pass' },
      // reader always reads a file: here README.md, where no tool was expected.
      hello: { tool_name_match: 'fail' },
    });
    const port = result.attempts.find((a) => a.caseId === 'port')!;
    expect(port.target).toBe(`module:${MODULE}#reader`);
    expect(port.finalAnswer).toBe('read config/settings.json for case port');
    // What the agent reported: its usage and cost, summed over its one turn.
    expect([port.inputTokens, port.outputTokens, port.costUsd]).toEqual([12, 5, 0.0015]);
  });

  it('resolves a relative module path against the suite and takes the default export without #', async () => {
    const { dir, file } = suiteWith('  - id: echo\n    module: ./agent.ts', { cases: [{ id: 'one', category: 'c', input: 'ping', expected_contains: 'echo: ping (1 messages)' }] });
    writeFileSync(join(dir, 'agent.ts'), `export { default } from ${JSON.stringify(MODULE)};\n`);
    const result = await bench(file, dir);
    expect(verdicts(result)).toEqual({ one: { answer_contains: 'pass' } });
    expect(result.attempts[0]!.target).toBe('echo');
  });

  it('makes a response that does not fit the schema an errored attempt naming the field', async () => {
    const { dir, file } = suiteWith(`  - module:${MODULE}#wrong`, { cases: [CASES[0]!] });
    const result = await bench(file, dir);
    expect(verdicts(result)).toEqual({ port: `error: module ${MODULE}#wrong: bad response: text: Invalid input: expected string, received number` });
  });

  it('leaves a function that never answers behind at the per-call timeout', async () => {
    const { dir, file } = suiteWith(`  - module:${MODULE}#stuck`, { cases: [CASES[0]!], extra: 'timeout_ms: 300\n' });
    const started = performance.now();
    const result = await bench(file, dir);
    expect(verdicts(result)).toEqual({ port: 'error: module: no answer within 300 ms' });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('makes an export that is not there an errored attempt naming the functions the file exports', async () => {
    const { dir, file } = suiteWith(`  - module:${MODULE}#nosuch`, { cases: [CASES[0]!] });
    const result = await bench(file, dir);
    expect(verdicts(result).port).toMatch(/export "nosuch" is not a function \(functions exported: default, memory, reader, silent, stuck, wrong\)/);
  });
});

describe('trajectories', () => {
  it('skips the tool scorers with the reason when the agent reports no tool calls and no spans arrive, never passing them', async () => {
    const { dir, file } = suiteWith(`  - module:${MODULE}#silent`);
    const result = await bench(file, dir);
    expect(verdicts(result)).toEqual({
      port: { tool_name_match: 'skipped', tool_args_match: 'skipped', answer_contains: 'pass' },
      hello: { tool_name_match: 'skipped' },
    });
    const reason = result.attempts.find((a) => a.caseId === 'hello')!.scores.find((s) => s.scorer === 'tool_name_match')!.reason;
    // The run's receiver was up (a run with external agents starts one) and heard nothing.
    expect(reason).toBe('no spans arrived for this trace: the agent sent no OpenTelemetry spans to Lunar (or sent them elsewhere)');
  });

  it("takes the tool calls from the attempt's spans when the response has none, one trace id per attempt", async () => {
    const asked: string[] = [];
    const spans: SpanCollector = {
      endpoint: 'http://127.0.0.1:9/otlp',
      async trajectory(traceId): Promise<SpanTrajectory> {
        asked.push(traceId);
        if (asked.length === 1) {
          return {
            spans: 3,
            modelCalls: [],
            toolCalls: [{ step: 1, id: 'span-1', name: 'read_file', arguments: { path: 'config/settings.json' }, result: '{"port": 8080}', latencyMs: 4 }],
            usage: { inputTokens: 40, outputTokens: 9 },
            costUsd: 0.002,
          };
        }
        return { spans: 0, modelCalls: [], toolCalls: [], usage: { inputTokens: 0, outputTokens: 0 }, note: 'no spans arrived within 50 ms' };
      },
      async close() {},
    };
    const { dir, file } = suiteWith(`  - module:${MODULE}#silent`, { cases: [CASES[0]!, { ...CASES[0]!, id: 'port-again' }], extra: '' });
    const result = await bench(file, dir, { spanCollector: spans, concurrency: 1 });
    expect(verdicts(result)).toEqual({
      port: { tool_name_match: 'pass', tool_args_match: 'pass', answer_contains: 'pass' },
      'port-again': { tool_name_match: 'skipped', tool_args_match: 'skipped', answer_contains: 'pass' },
    });
    expect(asked).toHaveLength(2);
    expect(asked[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(asked[0]).not.toBe(asked[1]);
    const port = result.attempts.find((a) => a.caseId === 'port')!;
    expect([port.inputTokens, port.outputTokens, port.costUsd]).toEqual([40, 9, 0.002]);
    expect(result.attempts.find((a) => a.caseId === 'port-again')!.scores.find((s) => s.scorer === 'tool_name_match')!.reason).toBe('no spans arrived within 50 ms');
  });
});

describe('exec targets', () => {
  it('sends one JSON request on stdin with TRACEPARENT set, and scores the tool calls it reports', async () => {
    const { dir, file } = suiteWith(`  - id: exec-ok\n    exec: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(EXEC)}, ok], env: { AGENT_TOKEN: "\${EXEC_AGENT_TOKEN}" } }`, {
      cases: [{ id: 'calc', category: 'math', input: 'What is 6*7?', expected_tool_calls: [{ name: 'calculator', arguments: { expression: '6*7' } }], expected_contains: ['traceparent matches', 'token set'] }],
    });
    const result = await bench(file, dir, { env: { ...process.env, EXEC_AGENT_TOKEN: 'exec-secret-value-123' } });
    expect(verdicts(result)).toEqual({ calc: { tool_name_match: 'pass', tool_args_match: 'pass', answer_contains: 'pass' } });
    expect(result.attempts[0]!.finalAnswer).toBe('exec saw What is 6*7?; traceparent matches; token set');
  });

  it('makes a non-zero exit an errored attempt whose reason is the last 20 lines of stderr', async () => {
    const { dir, file } = suiteWith(`  - exec:node ${EXEC} fail`, { cases: [CASES[0]!] });
    const result = await bench(file, dir);
    const tail = [...Array.from({ length: 19 }, (_, i) => `trace line ${i + 12}`), 'ValueError: the model key is wrong'].join(' | ');
    expect(verdicts(result)).toEqual({ port: `error: exec node ${EXEC} fail: exited with 3; stderr: ${tail}` });
  });

  it('makes stdout that is not JSON an errored attempt saying what it wrote', async () => {
    const { dir, file } = suiteWith(`  - exec:node ${EXEC} garbage`, { cases: [CASES[0]!] });
    const result = await bench(file, dir);
    expect(verdicts(result)).toEqual({ port: `error: exec node ${EXEC} garbage: stdout is not one JSON response (wrote "Thinking... {not json"); no stderr` });
  });

  it('kills the whole process group at the timeout', async () => {
    const { dir, file } = suiteWith(`  - id: hangs\n    exec: { command: node, args: [${JSON.stringify(EXEC)}, hang, grandchild.pid], timeout_ms: 400 }`, { cases: [CASES[0]!] });
    const result = await bench(file, dir);
    expect(verdicts(result)).toEqual({ port: 'error: exec: no answer within 400 ms' });
    const pid = Number(readFileSync(join(dir, 'grandchild.pid'), 'utf8'));
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(pid)).toBe(false);
  });
});

describe('http targets', () => {
  const TOKEN = 'tok-SECRET-5f3a9c2e71';
  const env = { ...process.env, SERVICE_TOKEN: TOKEN };
  const TRANSFORM = 'json => ({ text: json.data.reply, toolCalls: json.data.calls.map((c) => ({ name: c.tool, arguments: c.args })), usage: { inputTokens: json.data.tokens.in, outputTokens: json.data.tokens.out } })';
  const settings = (url: string, more = '') =>
    [
      `url: ${url}/chat`,
      'headers: { Authorization: "Bearer ${SERVICE_TOKEN}" }',
      'body: { message: "{{input}}", session: "{{session_id}}", history: "{{messages}}", case: "{{vars.case_id}}" }',
      `transform: ${JSON.stringify(TRANSFORM)}`,
      ...more.split('\n'),
    ].filter(Boolean);
  const block = (url: string, more = '') => `  - id: service\n    http:\n${settings(url, more).map((line) => `      ${line}`).join('\n')}`;
  const SESSION_CASES = [
    { id: 'one-session', category: 'memory', sessions: [['Remember that the code is 7421', 'What did I tell you?']], expected_contains: '7421', expected_tool_calls: [{ name: 'memory_write' }] },
    { id: 'two-sessions', category: 'memory', sessions: [['Remember that my cat is Miso'], ['What did I tell you?']], expected_contains: 'Miso' },
  ];

  async function service(): Promise<HttpFake> {
    const fake = await agentService(TOKEN);
    cleanups.push(() => fake.close());
    return fake;
  }

  it('carries one session id across the turns of an attempt, so a stateful service answers from what it was told', async () => {
    const fake = await service();
    const { dir, file } = suiteWith(block(fake.url), { cases: SESSION_CASES });
    const result = await bench(file, dir, { env, repeat: 2, concurrency: 1 });
    expect(result.attempts.map((a) => [a.caseId, a.repeat, a.status, a.finalAnswer])).toEqual([
      ['one-session', 0, 'ok', 'the code is 7421'],
      ['one-session', 1, 'ok', 'the code is 7421'],
      ['two-sessions', 0, 'ok', 'my cat is Miso'],
      ['two-sessions', 1, 'ok', 'my cat is Miso'],
    ]);
    expect(verdicts(result)['one-session']).toEqual({ tool_name_match: 'pass', answer_contains: 'pass' });
    // Four attempts of two turns: each attempt one session id and one traceparent on both its turns, no two attempts alike.
    const bodies = fake.requests.map((r) => ({ session: (r.body as AgentServiceBody).session, traceparent: r.headers.traceparent as string, history: (r.body as AgentServiceBody).history.length }));
    expect(bodies).toHaveLength(8);
    for (let i = 0; i < 8; i += 2) {
      expect(bodies[i]!.session).toBe(bodies[i + 1]!.session);
      expect(bodies[i]!.traceparent).toBe(bodies[i + 1]!.traceparent);
      expect(bodies[i]!.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    }
    expect(new Set(bodies.map((b) => b.session)).size).toBe(4);
    // One session: the second turn sends the conversation so far (user, assistant, user); a new session starts fresh.
    expect(bodies.slice(0, 2).map((b) => b.history)).toEqual([1, 3]);
    expect(bodies.slice(4, 6).map((b) => b.history)).toEqual([1, 1]);
  });

  it('fails the recall when the service sees a different session id on the second turn', async () => {
    // The same service and case through a template that sends a fresh id each turn ({{vars.x}} of nothing):
    // the check above is only worth something if this one fails.
    const fake = await service();
    const forgetful = block(fake.url).replace('session: "{{session_id}}"', 'session: "turn-{{input}}"');
    const { dir, file } = suiteWith(forgetful, { cases: [SESSION_CASES[0]!] });
    const result = await bench(file, dir, { env });
    expect(result.attempts[0]!.finalAnswer).toBe('you told me nothing');
    expect(verdicts(result)['one-session']).toEqual({ tool_name_match: 'pass', answer_contains: 'fail' });
  });

  it('never stores a header token: not in results.db, results.json, report.html nor the cache', async () => {
    const fake = await service();
    const { dir, file } = suiteWith(block(fake.url), { cases: [...SESSION_CASES, CASES[1]!] });
    fake.fault({ kind: 'status', status: 401, body: { error: `token ${TOKEN} refused` } });
    const result = await bench(file, dir, { env, cache: 'on', concurrency: 1 });
    // The first call met a 401 whose body quoted the token: an errored attempt that says so, redacted.
    expect(result.attempts.filter((a) => a.status === 'error').map((a) => a.error)).toEqual([`http: ${fake.url}/chat answered 401: {"error":"token [redacted] refused"}`]);
    expect(fake.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const home = join(dir, 'home');
    const files = [join(home, 'results.db'), join(home, 'results.db-wal'), join(home, 'cache.db'), join(home, 'cache.db-wal'), join(result.outDir, 'results.json'), join(result.outDir, 'report.html')].filter(existsSync);
    expect(files.map((f) => f.replace(dir, ''))).toEqual(expect.arrayContaining(['/home/results.db', '/home/cache.db', `${result.outDir.replace(dir, '')}/results.json`, `${result.outDir.replace(dir, '')}/report.html`]));
    for (const f of files) expect(readFileSync(f).includes(TOKEN), f).toBe(false);
    // ...and the run did store something about the target: its id and settings, with the header's name only.
    expect(readFileSync(join(result.outDir, 'results.json'), 'utf8')).toContain('"service"');
  });

  it('retries a 503, then reads its answer; a header naming an unset variable is exit 2 before the run', async () => {
    const fake = await service();
    fake.fault({ kind: 'status', status: 503 });
    const { dir, file } = suiteWith(block(fake.url), { cases: [{ id: 'hi', category: 'c', input: 'hi there', expected_contains: 'case hi: hi there (1 messages)' }] });
    const result = await bench(file, dir, { env });
    expect(verdicts(result)).toEqual({ hi: { answer_contains: 'pass' } });
    expect(fake.requests).toHaveLength(2);
    const { SERVICE_TOKEN: _, ...without } = env;
    const error = await bench(file, dir, { env: without }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe('target service: headers.Authorization: ${SERVICE_TOKEN} is not set in the environment (write ${SERVICE_TOKEN:-default} for a default)');
  });

  it('reads an answer from Server-Sent Events by a path per event, from a target file', async () => {
    const fake = await service();
    const { dir, file } = suiteWith('  - http:./service.yaml', { cases: [{ id: 'hi', category: 'c', input: 'hello', expected_contains: 'case hi: hello (1 messages)' }] });
    const yaml = settings(fake.url).filter((line) => !line.startsWith('transform')).map((line) => line.replace('/chat', '/stream'));
    writeFileSync(join(dir, 'service.yaml'), [...yaml, 'stream: true', 'answer: delta.content'].join('\n') + '\n');
    const result = await bench(file, dir, { env });
    expect(result.attempts[0]!.target).toBe('http:./service.yaml');
    expect(result.attempts[0]!.finalAnswer).toBe('case hi: hello (1 messages)');
    expect(fake.requests[0]!.headers.accept).toBe('text/event-stream');
  });

  it('makes a call with no answer within timeout_ms an errored attempt, and an answer without text a bad response', async () => {
    const fake = await service();
    fake.fault({ kind: 'hang' });
    const { dir, file } = suiteWith(block(fake.url, 'timeout_ms: 300\nretries: 0'), { cases: [{ id: 'hi', category: 'c', input: 'hello', expected_contains: 'x' }] });
    expect(verdicts(await bench(file, dir, { env }))).toEqual({ hi: 'error: http: no answer within 300 ms' });
    const noText = block(fake.url).replace(JSON.stringify(TRANSFORM), JSON.stringify('json => ({ reply: json.data.reply })'));
    const second = suiteWith(noText, { cases: [{ id: 'hi', category: 'c', input: 'hello', expected_contains: 'x' }] });
    expect(verdicts(await bench(second.file, second.dir, { env }))).toEqual({ hi: `error: http: ${fake.url}/chat: bad response: text: Invalid input: expected string, received undefined` });
  });
});

describe('lunar serve as an http target', () => {
  it('gives the tools suite the same verdicts through its API as a direct run of its model', async () => {
    const tools = loadSuite(join(root, 'suites', 'tools.yaml'));
    const stop = new AbortController();
    cleanups.push(() => stop.abort());
    let ready!: (address: string) => void;
    const listening = new Promise<string>((r) => (ready = r));
    const variant = tools.variants[0]!;
    void runServe({ flags: { target: ['baseline'], port: 0, workspace: variant.workspaceRoot, system: variant.system }, sessions: new InMemoryChatSessions(), stop: stop.signal, env: {}, log: () => {}, onReady: ready });
    const address = await listening;
    const dir = mkdtempSync(join(tmpdir(), 'lunar-serve-target-'));
    writeFileSync(
      join(dir, 'serve.yaml'),
      [`url: ${address}/v1/chat`, 'body: { messages: "{{messages}}" }', 'answer: answer', 'tool_calls: trace.toolCalls', 'usage: trace.usage', 'cost: trace.costUsd'].join('\n') + '\n',
    );
    const home = join(dir, 'home');
    const options = { suites: [tools], fallbackTargets: ['baseline'], home, progressStream: null, cache: 'off' as const };
    const direct = await runBench({ ...options, targets: ['baseline'] });
    const served = await runBench({ ...options, targets: [`http:${join(dir, 'serve.yaml')}`] });
    expect(served.attempts).toHaveLength(70);
    expect(served.attempts.filter((a) => a.status === 'error')).toEqual([]);
    const byCase = (result: BenchResult) => verdicts(result);
    expect(byCase(served)).toEqual(byCase(direct));
    // The baseline both ways: the same answers, and a real spread of verdicts to compare.
    const answers = (result: BenchResult) => result.attempts.map((a) => a.finalAnswer?.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<now>'));
    expect(answers(served)).toEqual(answers(direct));
    const all = Object.values(byCase(direct)).flatMap((v) => (typeof v === 'string' ? [v] : Object.values(v)));
    expect(new Set(all)).toEqual(new Set(['pass', 'fail']));
  });
});

describe('the cache', () => {
  it('replays a recorded external agent: the rerun sends nothing, and the key holds no session id, traceparent or header value', async () => {
    const TOKEN = 'tok-cache-7d1e44';
    const fake = await agentService(TOKEN);
    cleanups.push(() => fake.close());
    const target = `  - id: service\n    http:\n      url: ${fake.url}/chat\n      headers: { Authorization: "Bearer \${T}" }\n      body: { message: "{{input}}", session: "{{session_id}}", history: "{{messages}}", case: "{{vars.case_id}}" }\n      answer: data.reply`;
    const { dir, file } = suiteWith(target, { cases: [{ id: 'hi', category: 'c', input: 'hello', expected_contains: 'case hi: hello (1 messages)' }] });
    const first = await bench(file, dir, { env: { ...process.env, T: TOKEN }, cache: 'on' });
    // Another token: header values are not part of the key, so the recording still answers.
    const replayed = await bench(file, dir, { env: { ...process.env, T: 'another-token-99' }, cache: 'replay' });
    expect(fake.requests).toHaveLength(1);
    expect(verdicts(replayed)).toEqual(verdicts(first));
    expect(verdicts(replayed)).toEqual({ hi: { answer_contains: 'pass' } });
    // An agent with other settings under the same id is another model to the cache: a miss, not the old answer.
    writeFileSync(file, readFileSync(file, 'utf8').replace('answer: data.reply', 'answer: data.reply\n      timeout_ms: 5000'));
    const changed = await bench(file, dir, { env: { ...process.env, T: TOKEN }, cache: 'replay' });
    expect(verdicts(changed).hi).toMatch(/^error: replay: no cached answer for case hi on service/);
  });
});
