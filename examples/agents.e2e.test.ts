// The two example agents under `lunar bench`, as module targets and served over HTTP as http
// targets, against the loopback fake OpenAI server (test/fakes/weather-script.ts): their tool calls
// must reach the Trace from their own telemetry and the scorers give the verdicts the script
// implies. Then spans the OpenTelemetry JS exporter posted, written as the collector's file,
// round-trip through `lunar import traces` with the live run's verdicts.
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTraceparent } from '../agent/external/span-collector.ts';
import { startSpanCollector } from '../agent/otel/collector.ts';
import { OpenAiFake } from '../test/fakes/openai-server.ts';
import { weatherScript } from '../test/fakes/weather-script.ts';

const root = resolve(import.meta.dirname, '..');
const lunar = join(root, 'bin', 'lunar.js');

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('node', [lunar, ...args], { cwd: root, env: { ...process.env, CI: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

type Verdicts = Record<string, Record<string, boolean | null>>;

/** Per target, per case, each scorer's pass from a run's results.json. */
function verdicts(out: string): Record<string, Verdicts> {
  const attempts = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).attempts as { target: string; caseId: string; scores: { scorer: string; pass: boolean | null }[] }[];
  const byTarget: Record<string, Verdicts> = {};
  for (const a of attempts) (byTarget[a.target] ??= {})[a.caseId] = Object.fromEntries(a.scores.map((s) => [s.scorer, s.pass]));
  return byTarget;
}

/** What the script implies: Paris and Lima right; Oslo's city misspelt in the call, so its answer misses "snow". */
const EXPECTED: Verdicts = {
  'weather-paris': { tool_name_match: true, tool_args_match: true, answer_contains: true },
  'weather-lima-f': { tool_name_match: true, tool_args_match: true, answer_contains: true },
  'weather-oslo': { tool_name_match: true, tool_args_match: false, answer_contains: false },
};

/** The tool calls each attempt's Trace holds, as name(arguments), from results.db. */
function toolCalls(home: string): Record<string, string[]> {
  const db = new Database(join(home, 'results.db'), { readonly: true });
  const rows = db.prepare('SELECT target, case_id AS caseId, trace FROM attempts').all() as { target: string; caseId: string; trace: string }[];
  db.close();
  return Object.fromEntries(rows.map((r) => [`${r.target} ${r.caseId}`, (JSON.parse(r.trace).toolCalls as { name: string; arguments: object }[]).map((c) => `${c.name}(${JSON.stringify(c.arguments)})`)]));
}

describe('the example agents under lunar bench', () => {
  let fake: OpenAiFake;
  const dir = mkdtempSync(join(tmpdir(), 'lunar-examples-'));
  let env: Record<string, string>;
  const servers: ChildProcess[] = [];

  beforeAll(async () => {
    fake = await new OpenAiFake().answerWith(weatherScript).start();
    env = { OPENAI_API_KEY: 'sk-example', OPENAI_BASE_URL: `${fake.url}/v1` };
  });
  afterAll(async () => {
    for (const s of servers) s.kill('SIGTERM');
    await fake.close();
  });

  it('as module targets: tool calls from their own spans, and the verdicts the script implies', async () => {
    const home = join(dir, 'module');
    const result = await run(['bench', 'examples/agents.yaml', '--home', home, '--out', join(home, 'out'), '--cache', 'off'], env);
    expect(result.code, result.stderr).toBe(0);
    const got = verdicts(join(home, 'out'));
    expect(Object.keys(got).sort()).toEqual(['module:./openai-agents/agent.ts#agent', 'module:./vercel-ai/agent.ts#agent']);
    for (const target of Object.keys(got)) expect(got[target], target).toEqual(EXPECTED);
    const calls = toolCalls(home);
    for (const target of Object.keys(got)) {
      expect(calls[`${target} weather-lima-f`]).toEqual(['get_weather({"city":"Lima"})', 'convert_temperature({"celsius":22})']);
      expect(calls[`${target} weather-oslo`]).toEqual(['get_weather({"city":"Olso"})']);
    }
  }, 120_000);

  it('served over HTTP as http targets, exporting to the run receiver on --otlp-port: the same verdicts', async () => {
    const otlpPort = await freePort();
    const targets: string[] = [];
    for (const which of ['vercel-ai', 'openai-agents']) {
      const port = await freePort();
      const server = spawn('node', ['--import', 'tsx', join(root, 'examples', 'serve.ts'), which, String(port)], { cwd: root, env: { ...process.env, ...env, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}` }, stdio: ['ignore', 'pipe', 'inherit'] });
      servers.push(server);
      await new Promise<void>((ready) => server.stdout!.once('data', () => ready()));
      targets.push(`  - id: ${which}-http\n    http: { url: "http://127.0.0.1:${port}/chat", body: { input: "{{input}}", messages: "{{messages}}" }, answer: output }`);
    }
    const suite = join(dir, 'http.yaml');
    writeFileSync(suite, `name: example-agents-http\ndataset: ${join(root, 'examples', 'weather', 'cases.jsonl')}\ntargets:\n${targets.join('\n')}\nscorers: [tool_name_match, tool_args_match, answer_contains]\n`);
    const home = join(dir, 'http');
    const result = await run(['bench', suite, '--home', home, '--out', join(home, 'out'), '--cache', 'off', '--otlp-port', String(otlpPort)], env);
    expect(result.code, result.stderr).toBe(0);
    const got = verdicts(join(home, 'out'));
    expect(Object.keys(got).sort()).toEqual(['openai-agents-http', 'vercel-ai-http']);
    for (const target of Object.keys(got)) expect(got[target], target).toEqual(EXPECTED);
  }, 120_000);

  it('spans the OpenTelemetry JS exporter posted, as a collector file, re-score through lunar import traces with the live verdicts', async () => {
    const file = join(dir, 'spans.jsonl');
    writeFileSync(file, '');
    // Lunar's own receiver, writing each request's body as the collector's file exporter does.
    const collector = await startSpanCollector({ onRequest: (body, encoding) => encoding === 'json' && appendFileSync(file, `${JSON.stringify(JSON.parse(body.toString('utf8')))}\n`) });
    const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
    Object.assign(process.env, env);
    try {
      const { agent } = await import('./vercel-ai/agent.ts');
      const cases = readFileSync(join(root, 'examples', 'weather', 'cases.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; input: string });
      for (const c of cases) {
        const { traceparent, traceId } = newTraceparent();
        await agent({ input: c.input }, { traceparent, otlpEndpoint: collector.endpoint });
        await collector.trajectory(traceId);
      }
    } finally {
      process.env.OPENAI_API_KEY = saved.key;
      process.env.OPENAI_BASE_URL = saved.url;
      await collector.close();
    }
    const out = join(dir, 'imported');
    const imported = await run(['import', 'traces', file, '-o', out], {});
    expect(imported.code, imported.stderr).toBe(0);
    // The expectations are the dataset's, joined on the question each trace carries.
    const expectations = new Map(readFileSync(join(root, 'examples', 'weather', 'cases.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).map((c) => [c.input, c]));
    const lines = readFileSync(join(out, 'dataset.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    const joined = lines.map((line) => {
      const c = expectations.get(line.input)!;
      return JSON.stringify({ ...line, id: c.id, expected_tool_calls: c.expected_tool_calls, expected_contains: c.expected_contains });
    });
    writeFileSync(join(out, 'dataset.jsonl'), `${joined.join('\n')}\n`);
    // The suite the import wrote, with the live run's scorers in place of its own.
    const written = readFileSync(join(out, 'suite.yaml'), 'utf8');
    writeFileSync(join(out, 'suite.yaml'), `${written.slice(0, written.indexOf('scorers:'))}scorers: [tool_name_match, tool_args_match, answer_contains]\n`);
    const home = join(dir, 'replayed');
    const rescored = await run(['bench', join(out, 'suite.yaml'), '--home', home, '--out', join(home, 'out')], {});
    expect(rescored.code, rescored.stderr).toBe(0);
    expect(Object.values(verdicts(join(home, 'out')))).toEqual([EXPECTED]);
  }, 120_000);
});
