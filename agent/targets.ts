// Which targets a run uses, and the chat model for one attempt. Targets come from --target, else
// from the suite, else from what is reachable (Ollama's pulled models, API keys in the
// environment); with nothing reachable, the built-in baseline alone, said plainly.

import type { Case } from '../datasets/case.ts';
import { packages as sdk } from '../core/packages.ts';
import { missingKeyVariable, parseTargetId, PROVIDERS, UnknownTargetError } from './providers/registry.ts';
import { ScriptError } from './providers/scripted.ts';
import type { ChatModel, ProviderOptions } from './providers/types.ts';
import { InputError } from '../core/errors.ts';
import { capabilitiesOf } from './providers/capabilities.ts';
import { agentChatModel, type AttemptBinding, type ExternalAgent } from './external/agent.ts';
import { describeTarget, ExternalTargetError, idTarget, type ExternalKind, type ExternalTarget } from './external/config.ts';
import { httpAgent } from './external/http.ts';
import { moduleAgent } from './external/module.ts';
import { execAgent } from './external/exec.ts';
import { expand, McpConfigError } from './mcp/config.ts';
import { canonicalJson, textHash } from './providers/cache-keys.ts';

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
export function validateTargets(ids: readonly string[], defined: ExternalTargets = {}): void {
  for (const id of ids) {
    if (defined.blocks?.has(id)) continue;
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
  /** What the run's lock records: the provider (an external agent's kind) and the model (the rest of the id). */
  ref: { provider: string; model: string };
  /**
   * A new model for one attempt (a scripted model keeps its place in the script, so one each).
   * `scripted` needs the case, for its script; the other targets ignore it.
   */
  model(c?: Case): ChatModel;
  /** Set for an agent outside Lunar: the channels call it per turn instead of running the tool loop. */
  agent?: ResolvedAgent;
}

export interface ResolvedAgent {
  kind: ExternalKind;
  /** Where it is and how it is called, with no header or env values: for the lock and for messages. */
  description: Record<string, unknown>;
  /** The agent as a ChatModel whose chat() is a whole turn, bound to one attempt's session and trace. */
  bind(binding: AttemptBinding): ChatModel;
}

/** External agents a suite defines: its `targets:` blocks by id, and its `http:`/`module:`/`exec:` ids with their paths resolved against the suite. */
export interface ExternalTargets {
  blocks?: ReadonlyMap<string, ExternalTarget>;
  /** Where the paths of an id not defined here are resolved (default: the working folder). */
  folder?: string;
}

/**
 * Resolves a target id once, before anything runs. Bad input is an InputError (exit 2): an
 * unknown provider, a missing API key (naming the variable), a `scripted:FILE` that cannot be
 * read or is not a script (naming the file and the line or step), an external agent whose file
 * cannot be read or whose header names an unset variable. `scripted` reads each case's own
 * script; `scripted:FILE` reads the file here, once, and every attempt replays its steps.
 */
export function resolveTarget(id: string, options: ProviderOptions = {}, check: { keys: boolean } = { keys: true }, external: ExternalTargets = {}): ResolvedTarget {
  const block = external.blocks?.get(id);
  if (block) return externalTarget(id, { provider: block.kind, model: id }, block, options, check);
  validateTargets([id]);
  const { provider, model } = parseTargetId(id);
  if (capabilitiesOf(provider).externalAgent) {
    try {
      return externalTarget(id, { provider, model }, idTarget(provider as ExternalKind, model, external.folder ?? process.cwd(), `target ${id}`), options, check);
    } catch (error) {
      if (error instanceof ExternalTargetError) throw new InputError(error.message);
      throw error;
    }
  }
  const variable = check.keys ? missingKeyVariable(id, options) : undefined;
  if (variable) throw new InputError(`target ${id}: ${variable} is not set. Export it (e.g. \`export ${variable}=...\`) or pick another target.`);
  const definition = PROVIDERS[provider]!;
  if (!definition.prepare) return { id, ref: { provider, model }, model: () => definition.create(model, options) };
  try {
    return { id, ref: { provider, model }, model: definition.prepare(model, options) };
  } catch (error) {
    if (error instanceof ScriptError) throw new InputError(`target ${id}: ${error.message}`);
    throw error;
  }
}

function externalTarget(id: string, ref: ResolvedTarget['ref'], target: ExternalTarget, options: ProviderOptions, check: { keys: boolean }): ResolvedTarget {
  const env = options.env ?? process.env;
  if (check.keys) checkVariables(id, target, env);
  let agent: ExternalAgent;
  try {
    agent = agentFor(target, `target ${id}`, env);
  } catch (error) {
    throw new InputError((error as Error).message);
  }
  const description = describeTarget(target);
  return {
    id,
    ref,
    model: () => definitionFor(ref.provider).create(ref.model, options),
    // The cache keys on the model name: with the settings' hash in it, an agent whose URL, template
    // or command changed under the same id never gets the old answers.
    agent: { kind: target.kind, description, bind: (binding) => agentChatModel(id, `${ref.model}@${textHash(canonicalJson(description)).slice(0, 12)}`, agent, binding) },
  };
}

const definitionFor = (provider: string) => PROVIDERS[provider]!;

function agentFor(target: ExternalTarget, where: string, env: NodeJS.ProcessEnv): ExternalAgent {
  if (target.kind === 'http') return httpAgent(target.settings, where, env);
  if (target.kind === 'module') return moduleAgent(target.path, target.export, target.timeoutMs);
  return execAgent(target.settings, target.cwd, target.shell, env);
}

/** A header, URL or env value naming an unset variable is exit 2 before the run, as a missing key is. */
function checkVariables(id: string, target: ExternalTarget, env: NodeJS.ProcessEnv): void {
  const values: [string, string][] =
    target.kind === 'http'
      ? [['url', target.settings.url], ...Object.entries(target.settings.headers).map(([k, v]): [string, string] => [`headers.${k}`, v])]
      : target.kind === 'exec'
        ? Object.entries(target.settings.env).map(([k, v]): [string, string] => [`env.${k}`, v])
        : [];
  for (const [field, value] of values) {
    try {
      expand(value, env, () => `target ${id}: ${field}`);
    } catch (error) {
      if (error instanceof McpConfigError) throw new InputError(error.message);
      throw error;
    }
  }
}
