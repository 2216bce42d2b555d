// lunar/vitest used as a team would: imported by its package name (package.json "exports"), the
// matchers awaited on runCase's promise. Scripted cases give known answers, so each score and
// each failure message below is worked out by hand from the scorer's rule.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSessions, runCase } from 'lunar/vitest';
import { InputError } from '../../core/errors.ts';
import { OpenAiFake, TEST_KEY } from '../../test/fakes/openai-server.ts';

const WORKSPACE = resolve(import.meta.dirname, '../../datasets/workspace');
const home = mkdtempSync(join(tmpdir(), 'lunar-vitest-'));
afterAll(() => closeSessions());

/** Reads config/settings.json (port 8080), then answers `answer`. */
function portCase(id: string, answer: string, expected: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    input: 'Which port does the server use?',
    category: 'file_read',
    expected_contains: expected,
    expected_tool_calls: [{ name: 'read_file', arguments: { path: 'config/settings.json' } }],
    script: [{ tool_calls: [{ name: 'read_file', arguments: { path: 'config/settings.json' } }] }, { text: answer }],
    ...extra,
  };
}

const options = { home, workspace: WORKSPACE };

describe('lunar/vitest matchers on scripted cases', () => {
  it('toPass with a scorer passes when that scorer passed, and with none when every check passed', async () => {
    const run = runCase(portCase('port-ok', 'The server listens on port 8080.', '8080'), 'scripted', options);
    await expect(run).toPass('answer_contains');
    await expect(run).toPass('tool_args_match');
    await expect(run).toPass();
    const result = await run;
    // The default scorers that apply to this case: answer_contains, tool_name_match, tool_args_match.
    expect(result.scores.map((s) => [s.scorer, s.pass])).toEqual([
      ['answer_contains', true],
      ['tool_name_match', true],
      ['tool_args_match', true],
    ]);
  });

  it('a failing toPass rejects with the scorer reason in its message', async () => {
    const run = runCase(portCase('port-wrong', 'The server listens on port 8081.', '8080'), 'scripted', options);
    await expect(expect(run).toPass('answer_contains')).rejects.toThrow('case port-wrong on scripted: answer_contains failed (0): missing "8080"');
    // The whole run fails on that one check; the message lists every score.
    let message = '';
    try {
      await expect(run).toPass();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('case port-wrong on scripted failed answer_contains');
    expect(message).toContain('answer_contains: failed (0): missing "8080"');
    expect(message).toContain('tool_args_match: passed (1)');
    await expect(run).not.toPass();
  });

  it('respects the boundary rule of answer_contains: "12" is not found in "120"', async () => {
    const c = { id: 'boundary', input: 'How many?', category: 'k', expected_contains: '12', script: [{ text: 'There are 120.' }] };
    await expect(expect(runCase(c, 'scripted', options)).toPass('answer_contains')).rejects.toThrow('missing "12"');
  });

  it('toScoreAtLeast compares the value: tool_selection F1 of one expected tool among two called is 2/3', async () => {
    const c = portCase('two-tools', '8080', '8080', {
      script: [{ tool_calls: [{ name: 'read_file', arguments: { path: 'config/settings.json' } }, { name: 'calculator', arguments: { expression: '8000+80' } }] }, { text: '8080' }],
    });
    const run = runCase(c, 'scripted', options);
    // Precision 1/2, recall 1/1: F1 = 2 · 0.5 · 1 / 1.5 = 0.667.
    await expect(run).toScoreAtLeast('tool_selection', 0.6);
    await expect(expect(run).toScoreAtLeast('tool_selection', 0.7)).rejects.toThrow('tool_selection scored 0.667, below 0.7');
    // A scorer given with options, as a suite lists it: with allow_extra false the extra call fails it.
    await expect(expect(run).toPass({ tool_name_match: { allow_extra: false } })).rejects.toThrow('tool_name_match failed');
  });

  it('a skipped judge score is never a pass, and a scorer with nothing to check is not one either', async () => {
    const run = runCase(portCase('judged', 'Port 8080.', '8080'), 'scripted', options);
    const rubric = { rubric: { criteria: 'The answer names the port.' } };
    // No judge is configured, so the rubric cannot run.
    await expect(expect(run).toPass(rubric)).rejects.toThrow(/rubric was skipped \(never a pass\): .*judge/);
    await expect(expect(run).toScoreAtLeast(rubric, 0)).rejects.toThrow('rubric was skipped (never a score)');
    await expect(expect(run).toPass('exact_match')).rejects.toThrow('exact_match has nothing to check on this case');
    // Nor does its negation pass on nothing checked.
    await expect(expect(run).not.toPass(rubric)).rejects.toThrow('rubric was skipped');
    await expect(expect(run).not.toScoreAtLeast(rubric, 0.5)).rejects.toThrow('rubric was skipped');
  });

  it('an attempt that errored fails every matcher with the error', async () => {
    // One step of tool calls and no reply after it: the script runs out at the second model call.
    const c = portCase('runs-out', 'unused', '8080', { script: [{ tool_calls: [{ name: 'read_file', arguments: { path: 'config/settings.json' } }] }] });
    const result = await runCase(c, 'scripted', options);
    expect(result.status).toBe('error');
    await expect(expect(result).toPass()).rejects.toThrow('case runs-out on scripted errored: scripted: the script has 1 step(s); step 2 was asked for');
  });

  it('bad input throws an InputError naming the field', async () => {
    await expect(runCase({ id: 'x', category: 'k', expected_contains: 'a' }, 'scripted', options)).rejects.toThrow(InputError);
    await expect(runCase({ id: 'x', category: 'k', expected_contains: 'a' }, 'scripted', options)).rejects.toThrow('runCase: case x: input: give exactly one of "input", "messages" or "sessions"');
    await expect(runCase({ id: 'x', input: 'q', category: 'k', expected_contains: 'a' }, 'scripted', options)).rejects.toThrow('case x: script: the scripted target needs a script');
    await expect(runCase(portCase('p', 'a', 'b'), 'scripted', { ...options, scorers: ['no_such_scorer'] })).rejects.toThrow('unknown scorer "no_such_scorer"');
  });
});

describe('runCase with a suite', () => {
  it('runs a case of the suite by id with its tools, workspace and scorers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-vitest-suite-'));
    writeFileSync(join(dir, 'cases.jsonl'), `${JSON.stringify(portCase('port', 'It is 8080.', '8080'))}\n`);
    writeFileSync(join(dir, 'suite.yaml'), `name: ports\ndataset: cases.jsonl\nworkspace: ${WORKSPACE}\ntools: [read_file]\nscorers: [answer_contains]\n`);
    const result = await runCase('port', 'scripted', { home, suite: join(dir, 'suite.yaml') });
    // Only the suite's scorer ran; the file tool read the suite's workspace.
    expect(result.scores.map((s) => s.scorer)).toEqual(['answer_contains']);
    expect(result.trace.toolCalls[0]!.result).toContain('"port": 8080');
    await expect(result).toPass();
    await expect(runCase('nope', 'scripted', { home, suite: join(dir, 'suite.yaml') })).rejects.toThrow('no case with id "nope"');
  });
});

describe('runCase on a model target', () => {
  let fake: OpenAiFake;
  beforeAll(async () => {
    fake = await new OpenAiFake().start();
  });
  afterAll(() => fake.close());

  it('goes through the model-call cache as lunar bench does: the second run is served from cache.db', async () => {
    fake.say({ text: 'The capital of France is Paris.' });
    const env = { OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: `${fake.url}/v1` };
    const c = { id: 'capital', input: 'Capital of France?', category: 'k', expected_contains: 'Paris' };
    const cacheHome = mkdtempSync(join(tmpdir(), 'lunar-vitest-cache-'));
    const first = await runCase(c, 'openai:gpt-4o-mini', { home: cacheHome, env });
    const second = await runCase(c, 'openai:gpt-4o-mini', { home: cacheHome, env });
    expect(fake.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(1);
    expect(first.trace.modelCalls[0]!.cached).toBeUndefined();
    expect(second.trace.modelCalls[0]!.cached).toBe(true);
    await expect(second).toPass('answer_contains');
  });
});
