// What each provider is — free, local, generative, streaming, tool-calling, whether its id needs
// a model, whether it replays a per-case script, whether it is an agent outside Lunar — so
// callers ask this table instead of comparing provider names. It is a leaf module (no provider
// code imported) because pricing and the model call path ask it, and the provider files
// themselves import pricing.

import type { ProviderCapabilities } from './types.ts';

/** A model behind an API: what every provider not in the table is taken to be. */
export const HOSTED_MODEL: ProviderCapabilities = { free: false, local: false, generative: true, streams: true, tools: true, modelOptional: false, perCaseScript: false, externalAgent: false, replaysTrace: false };

const LOCAL_POLICY: ProviderCapabilities = { free: true, local: true, generative: false, streams: false, tools: true, modelOptional: true, perCaseScript: false, externalAgent: false, replaysTrace: false };

/**
 * An agent Lunar calls per turn (http, module, exec): its calls take its kind's lane and the
 * cache; what it costs is what it reports (never priced from a table); it plays no user or judge.
 */
const EXTERNAL_AGENT: ProviderCapabilities = { free: false, local: false, generative: false, streams: false, tools: true, modelOptional: false, perCaseScript: false, externalAgent: true, replaysTrace: false };

export const PROVIDER_CAPABILITIES: Readonly<Record<string, ProviderCapabilities>> = {
  // Runs on the user's machine: free, but a real model behind an API (its own lane, the cache).
  ollama: { ...HOSTED_MODEL, free: true },
  openai: HOSTED_MODEL,
  gemini: HOSTED_MODEL,
  groq: HOSTED_MODEL,
  baseline: LOCAL_POLICY,
  scripted: { ...LOCAL_POLICY, perCaseScript: true },
  http: EXTERNAL_AGENT,
  module: EXTERNAL_AGENT,
  exec: EXTERNAL_AGENT,
  // Replays the finished trace each case carries (agent/otel/imported.ts): no model, nothing to pay.
  imported: { ...LOCAL_POLICY, replaysTrace: true },
};

export function capabilitiesOf(provider: string): ProviderCapabilities {
  return PROVIDER_CAPABILITIES[provider] ?? HOSTED_MODEL;
}

/** Whether a target id is the bare form of a script provider, which needs each case's own script. */
/** Whether a target id names an agent outside Lunar (http, module, exec): no model Lunar's own agent can run on. */
export function isExternalAgent(id: string): boolean {
  // Never throws: an unknown target is for the caller's own check to name.
  const colon = id.indexOf(':');
  return PROVIDER_CAPABILITIES[colon < 0 ? id : id.slice(0, colon)]?.externalAgent ?? false;
}

/** Why a command that runs Lunar's own agent on a model refuses an external agent as its target. */
export const EXTERNAL_AGENT_REFUSED = (id: string, command: string) =>
  `target ${id} is an agent of its own (http, module, exec): lunar ${command} runs Lunar's agent on a model; put your agent under test with lunar bench`;

export function needsCaseScript(id: string): boolean {
  // Never throws: an unknown target is for the caller's own check to name.
  return !id.includes(':') && (PROVIDER_CAPABILITIES[id]?.perCaseScript ?? false);
}
