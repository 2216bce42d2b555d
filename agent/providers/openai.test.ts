import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenAiFake, TEST_KEY, rejection } from '../../test/fakes/openai-server.ts';
import { chatCompletionsContract, type ContractSpec } from '../../test/fakes/chat-completions-contract.ts';
import { misbehavingServerContract } from '../../test/fakes/openai-misbehaving.ts';
import { openaiProvider } from './openai.ts';

const SPEC: ContractSpec = {
  provider: openaiProvider,
  model: 'gpt-4o-mini',
  // 1000 × $0.15/M + 500 × $0.60/M = 0.00015 + 0.0003
  costOf1000In500Out: 0.00045,
  chatPath: '/v1/chat/completions',
  baseUrlFor: (origin) => `${origin}/v1`,
  // A non-default base URL is a compatible server, which gets the widely understood field.
  maxTokensField: 'max_tokens',
};

describe('openai provider', () => {
  chatCompletionsContract(SPEC);
});

describe('openai provider with a misbehaving server', () => {
  misbehavingServerContract(SPEC);
});

describe('openai keys and addresses', () => {
  let fake: OpenAiFake;
  beforeEach(async () => {
    fake = await new OpenAiFake().start();
  });
  afterEach(() => fake.close());

  it('rejects at call time, not at create time, when OPENAI_API_KEY is missing for api.openai.com', async () => {
    const model = openaiProvider.create('gpt-4o-mini', { env: {} });
    expect(model.id).toBe('openai:gpt-4o-mini');
    const error = await rejection(model.chat({ messages: [{ role: 'user', content: 'hi' }] }));
    expect(error.kind).toBe('missing_key');
    expect(error.message).toContain('OPENAI_API_KEY');
    expect(error.message).not.toContain('\n');
    const streamed = model.stream({ messages: [{ role: 'user', content: 'hi' }] })[Symbol.asyncIterator]().next();
    expect((await rejection(streamed)).kind).toBe('missing_key');
  });

  it('needs no key for a local server and reads OPENAI_BASE_URL and OPENAI_API_KEY from options.env', async () => {
    fake.say({ text: 'local' }, { text: 'keyed' });
    const local = openaiProvider.create('qwen2.5:7b', { env: { OPENAI_BASE_URL: `${fake.url}/v1` } });
    expect(await local.chat({ messages: [{ role: 'user', content: 'hi' }] })).toMatchObject({ text: 'local', costUsd: 0 });
    expect(fake.requests[0]!.headers.authorization).toMatch(/^Bearer \S+/);

    const keyed = openaiProvider.create('gpt-4o-mini', { env: { OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_API_KEY: TEST_KEY } });
    await keyed.chat({ messages: [{ role: 'user', content: 'hi' }] });
    expect(fake.requests[1]!.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
  });

  it('lets options.baseUrl win over OPENAI_BASE_URL', async () => {
    fake.say({ text: 'from option' });
    const model = openaiProvider.create('m', { baseUrl: `${fake.url}/v1/`, env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' } });
    expect((await model.chat({ messages: [{ role: 'user', content: 'hi' }] })).text).toBe('from option');
  });

  it('prices a paid call from the built-in table when the LUNAR_PRICES file is broken, rather than failing it', async () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'lunar-prices-')), 'prices.json');
    writeFileSync(broken, '{"openai:gpt-4o-mini": ');
    fake.say({ text: 'paid for', usage: { input: 1000, output: 500 } });
    const model = openaiProvider.create('gpt-4o-mini', { baseUrl: `${fake.url}/v1`, apiKey: TEST_KEY, env: { LUNAR_PRICES: broken } });
    const result = await model.chat({ messages: [{ role: 'user', content: 'hi' }] });
    expect(result).toMatchObject({ text: 'paid for', costUsd: expect.closeTo(0.00045, 12) });
  });
});
