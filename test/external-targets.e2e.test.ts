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
    expect(reason).toBe('the agent reported no tool calls and no OpenTelemetry receiver ran: its tool calls are unknown');
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
