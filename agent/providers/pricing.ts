// Price table, USD per million tokens, so every model call has a cost. Local servers are free.
// Figures are list prices for standard (non-batch) use; override with ProviderOptions.prices or
// a LUNAR_PRICES file (JSON object keyed `provider:model`). A model with no known price costs 0
// and isPriced says so, so reports can mark it unpriced instead of showing a free model.

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { capabilitiesOf } from './capabilities.ts';
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


const PriceFile = z.record(z.string(), z.object({ input: z.number().nonnegative(), output: z.number().nonnegative() }));

/** A LUNAR_PRICES file that cannot be used; the message is one line naming the file. */
export class PriceFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PriceFileError';
  }
}

/** Each file's prices, or why it cannot be used, by path: read once per path per process. */
const files = new Map<string, Record<string, Price> | PriceFileError>();

function readPriceFile(path: string): Record<string, Price> | PriceFileError {
  const where = `LUNAR_PRICES file ${path}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return new PriceFileError(`${where}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return new PriceFileError(`${where}: not valid JSON: ${(error as Error).message.replace(/\s+/g, ' ')}`);
  }
  const parsed = PriceFile.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join('.') || '(top level)';
  return new PriceFileError(`${where}: ${field}: ${issue.message.replace(/\s+/g, ' ')} (expected {"provider:model": {"input": USD per 1M, "output": USD per 1M}})`);
}

function fileOutcome(path: string): Record<string, Price> | PriceFileError {
  let outcome = files.get(path);
  if (!outcome) {
    outcome = readPriceFile(path);
    files.set(path, outcome);
  }
  return outcome;
}

/**
 * The prices in the LUNAR_PRICES file, {} when it is not set. Throws PriceFileError (one line,
 * naming the file) when the file cannot be read or is not a valid price table: the CLI calls this
 * before a run, so a bad file stops the run up front rather than being ignored later.
 */
export function loadPriceOverrides(env: NodeJS.ProcessEnv = process.env): Record<string, Price> {
  const path = env.LUNAR_PRICES;
  if (!path) return {};
  const outcome = fileOutcome(path);
  if (outcome instanceof PriceFileError) throw outcome;
  return outcome;
}

/** The file's prices at call time: never throws (a bad file was reported by loadPriceOverrides). */
function filePrices(env: NodeJS.ProcessEnv): Record<string, Price> {
  const path = env.LUNAR_PRICES;
  if (!path) return {};
  const outcome = fileOutcome(path);
  return outcome instanceof PriceFileError ? {} : outcome;
}

/**
 * A trailing snapshot date, -YYYY-MM-DD, -YYYYMMDD or -MMDD (`gpt-4o-mini-2024-07-18`, `o3-20250416`,
 * `gpt-4-0613`): only such a model is priced as its family, never one with any other suffix.
 */
const DATE_SUFFIX = /-(?:20\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])|20\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])|(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))$/;

/**
 * The price for a target, or undefined when it is not known (its cost is then 0 and isPriced is
 * false, never a guess). Options' overrides come first, then the LUNAR_PRICES file, then the
 * table; a dated snapshot with no price of its own costs what its family costs. Never throws.
 */
export function priceOf(
  provider: string,
  model: string,
  overrides: Record<string, Price> = {},
  env: NodeJS.ProcessEnv = process.env,
): Price | undefined {
  const key = `${provider}:${model}`;
  const given = overrides[key] ?? filePrices(env)[key];
  if (given) return given;
  // Providers that run on the user's own machine: every model is free.
  if (capabilitiesOf(provider).free) return { input: 0, output: 0 };
  if (PRICES[key]) return PRICES[key];
  const family = model.replace(DATE_SUFFIX, '');
  return family !== model ? priceOf(provider, family, overrides, env) : undefined;
}

/** Whether a target's cost is known (free local models included): false means costUsd 0 is "unpriced", not "free". */
export function isPriced(
  provider: string,
  model: string,
  overrides: Record<string, Price> = {},
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return priceOf(provider, model, overrides, env) !== undefined;
}

export function costOf(price: Price | undefined, usage: Usage): number {
  if (!price) return 0;
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}
