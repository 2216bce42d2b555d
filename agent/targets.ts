// Which targets a run uses, and the chat model for one attempt. Targets come from --target, else
// from the suite, else from what is reachable (Ollama's pulled models, API keys in the
// environment); with nothing reachable, the built-in baseline alone, said plainly.

import type { Case } from '../datasets/case.ts';
import { packages as sdk } from '../core/packages.ts';
import { missingKeyVariable, parseTargetId, PROVIDERS, UnknownTargetError } from './providers/registry.ts';
import { ScriptError } from './providers/scripted.ts';
import type { ChatModel, ProviderOptions } from './providers/types.ts';
import { InputError } from '../core/errors.ts';

/** A model per provider that `bench` picks when only a key is present. */
export const DEFAULT_MODELS: Readonly<Record<string, string>> = {
  openai: 'openai:gpt-4o-mini',
  gemini: 'gemini:gemini-2.5-flash',
  groq: 'groq:llama-3.3-70b-versatile',
};

export const HOW_TO_ADD_A_MODEL =
  'No model is reachable, so this run uses the built-in baseline (a non-LLM policy). To add a model: start Ollama (`ollama serve`, `ollama pull qwen2.5:7b`) or export OPENAI_API_KEY, GEMINI_API_KEY or GROQ_API_KEY, or pass --target.';

export interface Detected {
  targets: string[];
  /** One line for the user about what was found. */
  message: string;
}

export async function detectTargets(env: NodeJS.ProcessEnv = process.env, ollamaTimeoutMs = 400): Promise<Detected> {
  const found: string[] = [];
  for (const model of await ollamaModels(env, ollamaTimeoutMs)) found.push(`ollama:${model}`);
  if (env.OPENAI_API_KEY) found.push(DEFAULT_MODELS.openai!);
  if (env.GEMINI_API_KEY || env.GOOGLE_API_KEY) found.push(DEFAULT_MODELS.gemini!);
  if (env.GROQ_API_KEY) found.push(DEFAULT_MODELS.groq!);
  if (found.length === 0) return { targets: ['baseline'], message: HOW_TO_ADD_A_MODEL };
  return { targets: [...found, 'baseline'], message: `Targets found: ${found.join(', ')} (and baseline, the floor to beat).` };
}

async function ollamaModels(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string[]> {
  const host = env.OLLAMA_HOST ?? 'http://127.0.0.1:11434';
  const signal = AbortSignal.timeout(timeoutMs);
  const client = new sdk.ollama.Ollama({ host, fetch: (input, init) => fetch(input, { ...init, signal }) });
  try {
    const { models } = await client.list();
    return models.map((m) => m.name).sort();
  } catch {
    return [];
  }
}

/** Checks target ids before a run starts, so a typo is exit 2 and not fifty errored attempts. */
export function validateTargets(ids: readonly string[]): void {
  for (const id of ids) {
    try {
      parseTargetId(id);
    } catch (error) {
      if (error instanceof UnknownTargetError) throw new InputError(error.message);
      throw error;
    }
  }
}

/** A target checked before a run: its id and a fresh chat model for each attempt. */
export interface ResolvedTarget {
  id: string;
  /**
   * A new model for one attempt (a scripted model keeps its place in the script, so one each).
   * `scripted` needs the case, for its script; the other targets ignore it.
   */
  model(c?: Case): ChatModel;
}

/**
 * Resolves a target id once, before anything runs. Bad input is an InputError (exit 2): an
 * unknown provider, a missing API key (naming the variable), a `scripted:FILE` that cannot be
 * read or is not a script (naming the file and the line or step). `scripted` reads each case's
 * own script; `scripted:FILE` reads the file here, once, and every attempt replays its steps.
 */
export function resolveTarget(id: string, options: ProviderOptions = {}, check: { keys: boolean } = { keys: true }): ResolvedTarget {
  validateTargets([id]);
  const variable = check.keys ? missingKeyVariable(id, options) : undefined;
  if (variable) throw new InputError(`target ${id}: ${variable} is not set. Export it (e.g. \`export ${variable}=...\`) or pick another target.`);
  const { provider, model } = parseTargetId(id);
  const definition = PROVIDERS[provider]!;
  if (!definition.prepare) return { id, model: () => definition.create(model, options) };
  try {
    return { id, model: definition.prepare(model, options) };
  } catch (error) {
    if (error instanceof ScriptError) throw new InputError(`target ${id}: ${error.message}`);
    throw error;
  }
}
