// A suite's `judge:` resolved once, before a run. A judge is an optional extra: when it cannot be
// had here (no judge named, its API key missing, a provider this version does not know) the
// run goes on and the judge scores are skipped with that reason — offline runs still work. A
// scripted judge file that cannot be read is bad input like any other file in a suite (exit 2).

import { capabilitiesOf, needsCaseScript } from '../agent/providers/capabilities.ts';
import { missingKeyVariable, parseTargetId, UnknownTargetError } from '../agent/providers/registry.ts';
import type { ProviderOptions } from '../agent/providers/types.ts';
import { InputError } from '../core/errors.ts';
import { resolveTarget, type ResolvedTarget } from '../agent/targets.ts';
import { JudgeBreaker } from './breaker.ts';
import { NO_JUDGE } from './outcome.ts';

export type PreparedJudge =
  | { available: true; id: string; target: ResolvedTarget; breaker: JudgeBreaker }
  | { available: false; id?: string; reason: string };

export interface ResolveJudgeOptions {
  /** Keys, addresses and the retry hook the judge's provider uses (as for targets). */
  providerOptions?: ProviderOptions;
  /** Check that the judge's API key is set (default true; a replay needs none). */
  keys?: boolean;
}

export function resolveJudge(id: string | undefined, options: ResolveJudgeOptions = {}): PreparedJudge {
  if (id === undefined) return { available: false, reason: NO_JUDGE };
  const providerOptions = options.providerOptions ?? {};
  let provider: string;
  try {
    ({ provider } = parseTargetId(id));
  } catch (error) {
    if (error instanceof UnknownTargetError) return { available: false, id, reason: `judge ${id}: ${error.message}; judge scores are skipped` };
    throw error;
  }
  if (needsCaseScript(id)) throw new InputError(`a ${id} judge replays a file: write judge: ${id}:FILE`);
  const { generative, perCaseScript } = capabilitiesOf(provider);
  if (!generative && !perCaseScript) return { available: false, id, reason: `judge ${id}: the ${id} is a non-LLM policy and cannot judge; name a model (e.g. judge: openai:gpt-4o-mini)` };
  const variable = options.keys === false ? undefined : missingKeyVariable(id, providerOptions);
  if (variable) return { available: false, id, reason: `judge ${id}: ${variable} is not set, so judge scores are skipped. Export it (e.g. \`export ${variable}=...\`) to run them.` };
  return { available: true, id, target: resolveTarget(id, providerOptions, { keys: false }), breaker: new JudgeBreaker() };
}
