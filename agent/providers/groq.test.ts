import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenAiFake, TEST_KEY, collect, rejection } from '../../test/fakes/openai-server.ts';
import { chatCompletionsContract, type ContractSpec } from '../../test/fakes/chat-completions-contract.ts';
import { misbehavingServerContract } from '../../test/fakes/openai-misbehaving.ts';
import { groqProvider } from './groq.ts';

const SPEC: ContractSpec = {
  provider: groqProvider,
  model: 'llama-3.1-8b-instant',
  // 1000 × $0.05/M + 500 × $0.08/M = 0.00005 + 0.00004
  costOf1000In500Out: 0.00009,
  // groq-sdk appends /openai/v1/chat/completions to its base URL.
  chatPath: '/openai/v1/chat/completions',
  baseUrlFor: (origin) => origin,
  maxTokensField: 'max_completion_tokens',
};

describe('groq provider', () => {
  chatCompletionsContract(SPEC);
});

describe('groq provider with a misbehaving server', () => {
  misbehavingServerContract(SPEC);
});

describe('groq keys and usage', () => {
  let fake: OpenAiFake;
  beforeEach(async () => {
    fake = await new OpenAiFake().start();
  });
  afterEach(() => fake.close());

  it('rejects at call time with missing_key when GROQ_API_KEY is not set, even with a base URL', async () => {
    const model = groqProvider.create('llama-3.1-8b-instant', { baseUrl: fake.url, env: {} });
    const error = await rejection(model.chat({ messages: [{ role: 'user', content: 'hi' }] }));
    expect(error.kind).toBe('missing_key');
    expect(error.message).toContain('GROQ_API_KEY');
    expect(fake.requests).toHaveLength(0);
  });

  it('reads GROQ_BASE_URL and GROQ_API_KEY from options.env', async () => {
    fake.say({ text: 'hi' });
    const model = groqProvider.create('llama-3.1-8b-instant', { env: { GROQ_BASE_URL: fake.url, GROQ_API_KEY: TEST_KEY } });
    expect((await model.chat({ messages: [{ role: 'user', content: 'hi' }] })).text).toBe('hi');
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
  });

  it('takes stream usage from x_groq when Groq puts it there', async () => {
    fake.groqUsage = true;
    fake.say({ text: 'fast', usage: { input: 12, output: 3 } });
    const model = groqProvider.create('llama-3.1-8b-instant', { baseUrl: fake.url, apiKey: TEST_KEY, env: {} });
    const events = await collect(model.stream({ messages: [{ role: 'user', content: 'hi' }] }));
    expect(events.at(-1)).toMatchObject({ type: 'done', result: { text: 'fast', usage: { inputTokens: 12, outputTokens: 3 } } });
  });
});
