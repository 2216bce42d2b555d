import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../agent/providers/errors.ts';
import { InputError } from '../core/errors.ts';
import { OpenAiFake, TEST_KEY } from '../test/fakes/openai-server.ts';
import { JudgeBreaker } from './breaker.ts';
import { NO_JUDGE } from './outcome.ts';
import { resolveJudge } from './resolve.ts';

describe('resolveJudge', () => {
  it('has no judge, with how to add one, when the suite names none', () => {
    expect(resolveJudge(undefined)).toEqual({ available: false, reason: NO_JUDGE });
  });

  it('makes a missing key an unavailable judge naming the variable, not bad input', () => {
    expect(resolveJudge('openai:gpt-4o-mini', { providerOptions: { env: {} } })).toEqual({
      available: false,
      id: 'openai:gpt-4o-mini',
      reason: 'judge openai:gpt-4o-mini: OPENAI_API_KEY is not set, so judge scores are skipped. Export it (e.g. `export OPENAI_API_KEY=...`) to run them.',
    });
  });

  it('makes an unknown provider an unavailable judge with the reason', () => {
    const judge = resolveJudge('anthropic:claude-3', { providerOptions: { env: {} } });
    expect(judge).toMatchObject({ available: false, reason: expect.stringMatching(/^judge anthropic:claude-3: unknown target "anthropic:claude-3": the provider must be one of /) });
  });

  it('does not check keys when told not to (a replay), and refuses the baseline as a judge', () => {
    expect(resolveJudge('openai:gpt-4o-mini', { providerOptions: { env: {} }, keys: false })).toMatchObject({ available: true, id: 'openai:gpt-4o-mini' });
    expect(resolveJudge('ollama:qwen2.5:7b')).toMatchObject({ available: true, id: 'ollama:qwen2.5:7b' });
    expect(resolveJudge('baseline')).toMatchObject({ available: false, reason: expect.stringContaining('non-LLM policy and cannot judge') });
  });

  it('treats a scripted judge without a readable file as bad input (exit 2)', () => {
    expect(() => resolveJudge('scripted')).toThrow(InputError);
    expect(() => resolveJudge('scripted:/nonexistent/judge.jsonl')).toThrow(/cannot read script \(ENOENT\)/);
    const file = join(mkdtempSync(join(tmpdir(), 'lunar-judge-')), 'j.jsonl');
    writeFileSync(file, '{"text":"{}"}\n');
    expect(resolveJudge(`scripted:${file}`)).toMatchObject({ available: true, id: `scripted:${file}` });
  });
});

describe('JudgeBreaker', () => {
  let fake: OpenAiFake;
  beforeEach(async () => {
    fake = await new OpenAiFake().start();
  });
  afterEach(() => fake.close());

  it('after a refused key, fails later judge calls at once with that reason instead of calling again', async () => {
    fake.fault({ kind: 'status', status: 401, body: { error: { message: 'Incorrect API key provided' } } });
    const judge = resolveJudge('openai:gpt-4o-mini', { providerOptions: { baseUrl: `${fake.url}/v1`, apiKey: TEST_KEY, env: {}, retries: 0 } });
    if (!judge.available) throw new Error(judge.reason);
    const ask = () => judge.breaker.wrap(judge.target.model()).chat({ messages: [{ role: 'user', content: 'hi' }] });
    const first = await ask().catch((e: unknown) => e as ProviderError);
    expect(first).toMatchObject({ kind: 'auth' });
    const second = await ask().catch((e: unknown) => e as ProviderError);
    expect(second).toMatchObject({ kind: 'auth', message: expect.stringContaining('(an earlier judge call failed this way; not tried again in this run)') });
    expect(fake.requests).toHaveLength(1);
    expect(judge.breaker.tripped).toBe(first);
  });

  it('stays closed after a failure that may mend (a bad reply is not a reason to stop)', async () => {
    fake.fault({ kind: 'status', status: 400 }).say({ text: 'fine' });
    const breaker = new JudgeBreaker();
    const judge = resolveJudge('openai:gpt-4o-mini', { providerOptions: { baseUrl: `${fake.url}/v1`, apiKey: TEST_KEY, env: {}, retries: 0 } });
    if (!judge.available) throw new Error(judge.reason);
    const model = breaker.wrap(judge.target.model());
    await expect(model.chat({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ kind: 'bad_request' });
    expect((await model.chat({ messages: [{ role: 'user', content: 'hi' }] })).text).toBe('fine');
    expect(breaker.tripped).toBeUndefined();
  });
});
