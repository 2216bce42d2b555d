// Target ids name a provider and a model: `ollama:qwen2.5:7b`, `openai:gpt-4o-mini`,
// `gemini:gemini-2.5-flash`, `groq:llama-3.3-70b-versatile`, `baseline`, `scripted:FILE`, and the
// external agents `http:FILE`, `module:PATH#export`, `exec:COMMAND` (agent/external/). The provider is
// everything before the first colon; the model is the rest (Ollama tags keep their colons).
// Adding a provider is adding its file, one line to this table and one to capabilities.ts, which
// says what it can do (costs, runs locally, writes text, streams): never a comparison of names.

import { BaselineModel } from '../baseline/model.ts';
import { geminiConnection, geminiProvider } from './gemini.ts';
import { groqProvider } from './groq.ts';
import { ollamaProvider } from './ollama.ts';
import { openaiClient, openaiProvider } from './openai.ts';
import { scriptedProvider } from './scripted.ts';
import { importedProvider } from '../otel/imported.ts';
import { capabilitiesOf } from './capabilities.ts';
import type { ChatModel, ProviderDefinition, ProviderOptions } from './types.ts';

const baselineProvider: ProviderDefinition = { name: 'baseline', create: () => new BaselineModel() };

/** An agent outside Lunar (agent/external/): resolveTarget builds it; it is no chat model to judge, play a user or chat with. */
const externalAgent = (name: string): ProviderDefinition => ({
  name,
  create: (model) => {
    throw new UnknownTargetError(`${name}:${model} is an external agent: it answers whole turns of a suite's cases, and cannot serve as a chat model (a judge, a simulated user, lunar chat or lunar serve)`);
  },
});

export const PROVIDERS: Readonly<Record<string, ProviderDefinition>> = {
  ollama: ollamaProvider,
  openai: openaiProvider,
  gemini: geminiProvider,
  groq: groqProvider,
  baseline: baselineProvider,
  scripted: scriptedProvider,
  http: externalAgent('http'),
  module: externalAgent('module'),
  exec: externalAgent('exec'),
  imported: importedProvider,
};

export interface TargetId {
  provider: string;
  model: string;
}

export class UnknownTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownTargetError';
  }
}

export function parseTargetId(id: string): TargetId {
  const colon = id.indexOf(':');
  const provider = colon < 0 ? id : id.slice(0, colon);
  const model = colon < 0 ? '' : id.slice(colon + 1);
  const known = Object.keys(PROVIDERS);
  if (!known.includes(provider)) {
    throw new UnknownTargetError(`unknown target "${id}": the provider must be one of ${known.join(', ')} (e.g. ollama:qwen2.5:7b, openai:gpt-4o-mini)`);
  }
  if (!model && !capabilitiesOf(provider).modelOptional) {
    throw new UnknownTargetError(`target "${id}" names no model: write ${provider}:<model>`);
  }
  return { provider, model };
}

export function createChatModel(id: string, options: ProviderOptions = {}): ChatModel {
  const { provider, model } = parseTargetId(id);
  return PROVIDERS[provider]!.create(model, options);
}

/**
 * Whether a provider has the key it needs, for those whose own connection logic decides: an
 * OpenAI-compatible server at a non-default OPENAI_BASE_URL needs none, and Gemini also reads
 * GOOGLE_API_KEY. Any other provider with a keyVariable needs that variable set.
 */
const HAS_KEY: Readonly<Record<string, (options: ProviderOptions) => boolean>> = {
  openai: (options) => openaiClient(options).key !== undefined,
  gemini: (options) => geminiConnection(options).apiKey !== undefined,
};

/**
 * The environment variable a target needs and lacks, else undefined. Checked before a run, so a
 * missing key is one line and exit 2 rather than a run of errored attempts.
 */
export function missingKeyVariable(id: string, options: ProviderOptions = {}): string | undefined {
  const { provider } = parseTargetId(id);
  const variable = PROVIDERS[provider]?.keyVariable;
  if (!variable) return undefined;
  const hasKey = HAS_KEY[provider] ?? ((o: ProviderOptions) => Boolean(o.apiKey || (o.env ?? process.env)[variable]));
  return hasKey(options) ? undefined : variable;
}

