// `--dry-run`: what a plan would cost before it runs. Model calls per attempt and their tokens
// are estimated from the dataset (the prompt, the tool specs, whether tools are expected) and
// priced from the price table; a target with no price is said to be unpriced, not free.

import { priceOf } from '../agent/providers/pricing.ts';
import { countTokens } from '../agent/rag/tokens.ts';
import { caseMessages } from '../datasets/case.ts';
import type { PlannedAttempt } from './plan.ts';

/** Assumed per model call: what a short answer or a tool call costs in output tokens. */
const OUTPUT_TOKENS_PER_CALL = 150;
/** Assumed size of the tool results fed back before the second call. */
const TOOL_RESULT_TOKENS = 300;

export interface Estimate {
  target: string;
  attempts: number;
  modelCalls: number;
  judgeCalls: number;
  inputTokens: number;
  outputTokens: number;
  /** Null when the target's model has no price. */
  costUsd: number | null;
}

export function estimatePlan(plan: readonly PlannedAttempt[], env: NodeJS.ProcessEnv = process.env): Estimate[] {
  const byTarget = new Map<string, Estimate>();
  const refs = new Map(plan.map((a) => [a.target.id, a.target.ref]));
  const specTokens = new Map<PlannedAttempt['prepared'], number>();
  for (const attempt of plan) {
    const { prepared, case: c } = attempt;
    let specs = specTokens.get(prepared);
    if (specs === undefined) {
      specs = countTokens(JSON.stringify(prepared.tools.specs())) + countTokens(prepared.variant.system ?? '');
      specTokens.set(prepared, specs);
    }
    const prompt = specs + caseMessages(c).reduce((n, m) => n + countTokens(m.content), 0);
    // A case that expects tools (or a suite with a knowledge base) takes a call to ask and one to answer.
    const calls = c.expected_tool_calls || prepared.variant.knowledge ? 2 : 1;
    const input = prompt * calls + (calls - 1) * TOOL_RESULT_TOKENS;
    const output = OUTPUT_TOKENS_PER_CALL * calls;
    const entry = byTarget.get(attempt.target.id) ?? { target: attempt.target.id, attempts: 0, modelCalls: 0, judgeCalls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
    entry.attempts += 1;
    entry.modelCalls += calls;
    entry.inputTokens += input;
    entry.outputTokens += output;
    byTarget.set(attempt.target.id, entry);
  }
  for (const entry of byTarget.values()) {
    const { provider, model } = refs.get(entry.target)!;
    const price = priceOf(provider, model, {}, env);
    entry.costUsd = price ? (entry.inputTokens * price.input + entry.outputTokens * price.output) / 1_000_000 : null;
  }
  return [...byTarget.values()];
}

export function formatEstimate(plan: readonly PlannedAttempt[], estimates: readonly Estimate[]): string {
  const groups = new Map<string, number>();
  for (const a of plan) {
    const key = `${a.prepared.suite.name}  ${a.prepared.variant.config}  ${a.target.id}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  const lines = [`plan: ${plan.length} attempts`];
  for (const [key, n] of groups) lines.push(`  ${key}: ${n} attempts`);
  lines.push('estimate (model calls and tokens from the dataset; judge calls: none of the scorers is a judge):');
  let total = 0;
  let unpriced = false;
  for (const e of estimates) {
    if (e.costUsd === null) unpriced = true;
    else total += e.costUsd;
    lines.push(`  ${e.target}: ${e.modelCalls} model calls, ~${e.inputTokens} tokens in, ~${e.outputTokens} out, ${e.costUsd === null ? 'unpriced' : `$${e.costUsd.toFixed(4)}`}`);
  }
  lines.push(`  total: $${total.toFixed(4)}${unpriced ? ' plus unpriced targets' : ''}`);
  return lines.join('\n');
}
