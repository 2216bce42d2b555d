// The provider and assertion functions the generated modules call, run in this process on the
// round-trip fixture suite (test/fixtures/promptfoo): answers and verdicts worked out by hand
// from each case's script.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Score } from '../../metrics/score.ts';
import { OpenAiFake, TEST_KEY } from '../../test/fakes/openai-server.ts';
import { closeSessions } from '../vitest/session.ts';
import { callProvider, gradeAssertion, verdict } from './runtime.ts';

const SUITE = resolve(import.meta.dirname, '../../test/fixtures/promptfoo/roundtrip.yaml');
const config = { suite: SUITE, target: 'scripted', home: mkdtempSync(join(tmpdir(), 'lunar-pf-runtime-')), cache: 'off', basePath: '.' };
afterAll(() => closeSessions());

const score = (scorer: string, status: Score['status'], pass: boolean | null = null): Score => ({ scorer, value: pass === null ? null : Number(pass), pass, status, reason: `${scorer} said so` });

describe('callProvider', () => {
  it("runs the test's case on the target and answers with the final answer, the Trace and Lunar's scores", async () => {
    const response = await callProvider(config, 'ignored: the case is run', { vars: { case_id: 'pass-all' } });
    expect(response.output).toBe('{"port": 8080}');
    const lunar = response.metadata!.lunar;
    expect([lunar.caseId, lunar.target, lunar.config, lunar.status]).toEqual(['pass-all', 'scripted', 'default', 'ok']);
    expect(lunar.trace.toolCalls.map((t) => t.name)).toEqual(['read_file']);
    // The suite's six scorers; answer_excludes has no forbidden_contains here, so five apply.
    expect(lunar.scores.map((s) => [s.scorer, s.status, s.pass])).toEqual([
      ['answer_contains', 'scored', true],
      ['regex', 'scored', true],
      ['is_json', 'scored', true],
      ['tool_name_match', 'scored', true],
      ['rubric', 'skipped', null],
    ]);
  });

  it('answers an attempt that errored with an error, and a bad config with what is wrong', async () => {
    expect((await callProvider(config, '', { vars: { case_id: 'errored' } })).error).toBe('lunar: case errored on scripted: scripted: the script has 1 step(s); step 2 was asked for');
    expect((await callProvider({ ...config, target: undefined }, '', { vars: { case_id: 'x' } })).error).toMatch(/^lunar-provider: config: target: /);
    expect((await callProvider(config, '', { vars: { case_id: 'nope' } })).error).toMatch(/no case with id "nope"$/);
  });

  it('runs a prompt without a case_id as a case of its own, in the suite configuration', async () => {
    const response = await callProvider({ ...config, target: 'baseline' }, 'What is 6*7?', { vars: {} });
    expect(response.error).toBeUndefined();
    expect(response.metadata!.lunar.caseId).toBe('promptfoo-prompt');
    expect(response.metadata!.lunar.trace.messages[0]).toEqual({ role: 'user', content: 'What is 6*7?' });
  });
});

describe('callProvider on a model target', () => {
  it("takes promptfoo's repeatIndex as Lunar's repeat: a new draw per repeat, each cached on its own", async () => {
    const fake = await new OpenAiFake().start();
    const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
    process.env.OPENAI_API_KEY = TEST_KEY;
    process.env.OPENAI_BASE_URL = `${fake.url}/v1`;
    try {
      fake.say({ text: '{"city": "Paris"} first' }, { text: '{"city": "Paris"} second' });
      const cached = { ...config, target: 'openai:gpt-4o-mini', cache: 'on', home: mkdtempSync(join(tmpdir(), 'lunar-pf-runtime-cache-')) };
      const outputs = [];
      for (const repeatIndex of [0, 1, 0]) outputs.push((await callProvider(cached, '', { vars: { case_id: 'fenced' }, repeatIndex })).output);
      // Repeat 0 again is served from the cache: two requests for three calls.
      expect(outputs).toEqual(['{"city": "Paris"} first', '{"city": "Paris"} second', '{"city": "Paris"} first']);
      expect(fake.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(2);
    } finally {
      process.env.OPENAI_API_KEY = saved.key;
      process.env.OPENAI_BASE_URL = saved.url;
      if (saved.key === undefined) delete process.env.OPENAI_API_KEY;
      if (saved.url === undefined) delete process.env.OPENAI_BASE_URL;
      await fake.close();
    }
  });
});

describe('gradeAssertion', () => {
  it("runs the assertion's scorer on the provider's Trace: answer_contains keeps its boundary rule", async () => {
    const response = await callProvider(config, '', { vars: { case_id: 'boundary' } });
    const graded = await gradeAssertion(response.output, { config: { scorer: 'answer_contains', options: {} }, providerResponse: response });
    expect(graded).toMatchObject({ pass: false, score: 0, reason: 'answer_contains: missing "12"' });
  });

  it("takes a judge scorer's score from the provider's run instead of asking the judge again", async () => {
    const response = await callProvider(config, '', { vars: { case_id: 'fenced' } });
    const graded = await gradeAssertion(response.output, { config: { scorer: 'rubric', options: { criteria: 'The answer is short and in JSON.' } }, providerResponse: response });
    expect(graded.pass).toBe(true);
    expect(graded.score).toBe(0);
    expect(graded.reason).toMatch(/^rubric skipped \(not counted, as in Lunar\): /);
  });

  it('fails without the provider metadata, naming what is missing', async () => {
    const graded = await gradeAssertion('x', { config: { scorer: 'is_json' }, providerResponse: { output: 'x' } });
    expect(graded.pass).toBe(false);
    expect(graded.reason).toMatch(/^lunar-assert: providerResponse\.metadata: /);
  });
});

describe('verdict', () => {
  it('passes a scored pass, fails a scored failure and an error', () => {
    expect(verdict(score('a', 'scored', true), 'a', [])).toMatchObject({ pass: true, score: 1 });
    expect(verdict(score('a', 'scored', false), 'a', [])).toMatchObject({ pass: false, score: 0, reason: 'a: a said so' });
    expect(verdict(score('a', 'error'), 'a', [])).toMatchObject({ pass: false, reason: 'a errored: a said so' });
  });

  it('lets a skip pass only when something else scored the run: an unscored run is never a pass', () => {
    expect(verdict(score('j', 'skipped'), 'j', [score('a', 'scored', false), score('j', 'skipped')])).toMatchObject({ pass: true, score: 0 });
    const alone = verdict(score('j', 'skipped'), 'j', [score('j', 'skipped')]);
    expect(alone.pass).toBe(false);
    expect(alone.reason).toMatch(/^unscored: nothing could check this run/);
  });
});
