// Price table, USD per million tokens, so every model call has a cost. Local servers are free.
// Figures are list prices for standard (non-batch) use; override with ProviderOptions.prices or
// a LUNAR_PRICES file (JSON object keyed `provider:model`).

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Usage } from './types.ts';

export interface Price {
  input: number;
  output: number;
}

export const PRICES: Readonly<Record<string, Price>> = {
  'openai:gpt-4o': { input: 2.5, output: 10 },
  'openai:gpt-4o-mini': { input: 0.15, output: 0.6 },
  'openai:gpt-4.1': { input: 2, output: 8 },
  'openai:gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'openai:gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'openai:gpt-5': { input: 1.25, output: 10 },
  'openai:gpt-5-mini': { input: 0.25, output: 2 },
  'openai:gpt-5-nano': { input: 0.05, output: 0.4 },
  'openai:o4-mini': { input: 1.1, output: 4.4 },
  'openai:text-embedding-3-small': { input: 0.02, output: 0 },
  'openai:text-embedding-3-large': { input: 0.13, output: 0 },
  'gemini:gemini-2.5-pro': { input: 1.25, output: 10 },
  'gemini:gemini-2.5-flash': { input: 0.3, output: 2.5 },
  'gemini:gemini-2.5-flash-lite': { input: 0.1, output: 0.4 },
  'gemini:gemini-2.0-flash': { input: 0.1, output: 0.4 },
  'gemini:gemini-embedding-001': { input: 0.15, output: 0 },
  'groq:llama-3.3-70b-versatile': { input: 0.59, output: 0.79 },
  'groq:llama-3.1-8b-instant': { input: 0.05, output: 0.08 },
  'groq:openai/gpt-oss-120b': { input: 0.15, output: 0.75 },
  'groq:openai/gpt-oss-20b': { input: 0.1, output: 0.5 },
  'groq:qwen/qwen3-32b': { input: 0.29, output: 0.59 },
};

/** Providers that run on the user's own machine: every model is free. */
const FREE_PROVIDERS = new Set(['ollama', 'baseline', 'scripted']);

const PriceFile = z.record(z.string(), z.object({ input: z.number().nonnegative(), output: z.number().nonnegative() }));

let filePrices: Record<string, Price> | undefined;

function pricesFromFile(env: NodeJS.ProcessEnv): Record<string, Price> {
  const path = env.LUNAR_PRICES;
  if (!path) return {};
  if (filePrices) return filePrices;
  const parsed = PriceFile.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  filePrices = parsed.data;
  return filePrices;
}

/**
 * The price for a target, or undefined when it is not known (the cost is then reported as 0 and
 * the target is listed as unpriced, never silently guessed).
 */
export function priceOf(
  provider: string,
  model: string,
  overrides: Record<string, Price> = {},
  env: NodeJS.ProcessEnv = process.env,
): Price | undefined {
  const key = `${provider}:${model}`;
  if (overrides[key]) return overrides[key];
  const fromFile = pricesFromFile(env)[key];
  if (fromFile) return fromFile;
  if (FREE_PROVIDERS.has(provider)) return { input: 0, output: 0 };
  if (PRICES[key]) return PRICES[key];
  // Dated snapshots (gpt-4o-mini-2024-07-18) cost what their family costs.
  const family = Object.keys(PRICES)
    .filter((k) => key.startsWith(`${k}-`))
    .sort((a, b) => b.length - a.length)[0];
  return family ? PRICES[family] : undefined;
}

export function costOf(price: Price | undefined, usage: Usage): number {
  if (!price) return 0;
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}
