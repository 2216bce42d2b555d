// OpenAI, and any OpenAI-compatible server (vLLM, LM Studio, llama.cpp, OpenRouter) reached
// through a base URL. Everything but building the client lives in chat-completions.ts.

import type { OpenAI } from 'openai';
import { packages as sdks } from '../../core/packages.ts';
import { chatCompletionsModel } from './chat-completions.ts';
import { missingKey } from './errors.ts';
import { retryPolicyFrom } from './retry.ts';
import { type ProviderDefinition, type ProviderOptions } from './types.ts';
import { nodeFetch } from './node-fetch.ts';

const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
/** Local servers accept any key, but the SDK refuses to start without one. */
const PLACEHOLDER_KEY = 'sk-local-no-key';

export const openaiProvider: ProviderDefinition = {
  name: 'openai',
  keyVariable: 'OPENAI_API_KEY',
  create(model, options) {
    const { client, baseURL, key, official } = openaiClient(options);
    const sdk = (): OpenAI => {
      if (!client) throw missingKey('openai', 'OPENAI_API_KEY');
      return client;
    };
    return chatCompletionsModel(model, options, {
      provider: 'openai',
      address: baseURL,
      secrets: [key],
      // Reasoning models on api.openai.com require max_completion_tokens; compatible servers
      // reliably understand only the older max_tokens.
      maxTokensField: official ? 'max_completion_tokens' : 'max_tokens',
      errors: sdks.openai.OpenAI,
      complete: (params, signal, timeout) => sdk().chat.completions.create({ ...params, stream: false }, { signal, timeout }),
      open: (params, signal, timeout) => sdk().chat.completions.create(params, { signal, timeout }).withResponse(),
    });
  },
};

/**
 * The client for a set of options (also used by the embedder in agent/rag/embedders/openai.ts),
 * its address and key, and whether it is api.openai.com itself. `client` is undefined without a key.
 */
export function openaiClient(options: ProviderOptions): { client?: OpenAI; baseURL: string; key?: string; official: boolean } {
  const env = options.env ?? process.env;
  const baseURL = (options.baseUrl || env.OPENAI_BASE_URL || DEFAULT_BASE_URL).replace(/\/+$/, '');
  const official = baseURL === DEFAULT_BASE_URL;
  const key = options.apiKey || env.OPENAI_API_KEY || (official ? undefined : PLACEHOLDER_KEY);
  // Built only with a key: the constructor throws without one, and a missing key must surface
  // at call time so listing and planning work without credentials.
  const client = key ? sharedClient(key, baseURL, env, retryPolicyFrom(options).timeoutMs + 1_000) : undefined;
  return { client, baseURL, key, official };
}

/**
 * One client per key, address and timeout, reused by every attempt: building one costs more
 * than a fast local call, and the shared one keeps its connections alive. Held in memory only.
 */
const clients = new Map<string, OpenAI>();

function sharedClient(key: string, baseURL: string, env: NodeJS.ProcessEnv, timeout: number): OpenAI {
  const organization = env.OPENAI_ORG_ID ?? null;
  const project = env.OPENAI_PROJECT_ID ?? null;
  const id = JSON.stringify([key, baseURL, organization, project, timeout]);
  let client = clients.get(id);
  if (!client) {
    // maxRetries 0: retry.ts is the one retry loop. The timeout a little over ours, so our
    // per-attempt timer is the one that fires and names the limit.
    client = new sdks.openai.OpenAI({ apiKey: key, baseURL, organization, project, maxRetries: 0, timeout, fetch: nodeFetch });
    clients.set(id, client);
  }
  return client;
}
