// Groq through groq-sdk. Groq speaks the OpenAI chat-completions format (under /openai/v1), so
// everything but building the client lives in chat-completions.ts.

import type { Groq } from 'groq-sdk';
import { packages as sdks } from '../../core/packages.ts';
import { chatCompletionsModel, type WireChunk } from './chat-completions.ts';
import { missingKey } from './errors.ts';
import { retryPolicyFrom } from './retry.ts';
import { type ProviderDefinition } from './types.ts';
import { nodeFetch } from './node-fetch.ts';

const DEFAULT_BASE_URL = 'https://api.groq.com';

export const groqProvider: ProviderDefinition = {
  name: 'groq',
  keyVariable: 'GROQ_API_KEY',
  create(model, options) {
    const env = options.env ?? process.env;
    const baseURL = (options.baseUrl || env.GROQ_BASE_URL || DEFAULT_BASE_URL).replace(/\/+$/, '');
    // Groq is hosted only, so a key is always required (a custom base URL is a proxy, not a local server).
    const key = options.apiKey || env.GROQ_API_KEY;
    const client = key
      ? new sdks.groq.Groq({
          apiKey: key,
          baseURL,
          maxRetries: 0, // retry.ts is the one retry loop
          timeout: retryPolicyFrom(options).timeoutMs + 1_000,
          fetch: nodeFetch,
        })
      : undefined;
    const sdk = (): Groq => {
      if (!client) throw missingKey('groq', 'GROQ_API_KEY');
      return client;
    };
    return chatCompletionsModel(model, options, {
      provider: 'groq',
      address: baseURL,
      secrets: [key],
      maxTokensField: 'max_completion_tokens',
      errors: sdks.groq.Groq,
      complete: (params, signal, timeout) => sdk().chat.completions.create({ ...params, stream: false }, { signal, timeout }),
      open: async (params, signal, timeout) => {
        const { data, response } = await sdk().chat.completions.create(params, { signal, timeout }).withResponse();
        return { data: withGroqUsage(data), response };
      },
    });
  },
};

type GroqChunk = WireChunk & { x_groq?: { usage?: WireChunk['usage'] } | null };

/** Groq reports stream usage in x_groq.usage on the last chunk; lift it to where OpenAI puts it. */
async function* withGroqUsage(chunks: AsyncIterable<GroqChunk>): AsyncGenerator<WireChunk> {
  for await (const chunk of chunks) {
    yield !chunk.usage && chunk.x_groq?.usage ? { ...chunk, usage: chunk.x_groq.usage } : chunk;
  }
}
