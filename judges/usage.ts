// What a judge scorer spent on one attempt: calls, tokens and dollars, kept in the score's
// details as `judge` so a report can show what judging cost next to what the target cost.

import { isCachedResult } from '../agent/providers/cached-models.ts';
import type { ChatResult } from '../agent/providers/types.ts';
import type { Score } from '../metrics/score.ts';

export interface JudgeUsageSummary {
  model: string;
  /** Model calls made, retries after an unusable reply included. */
  calls: number;
  /** Of those, answered from the model-call cache (their cost is the recorded one). */
  cached_calls: number;
  /** Answers taken from another judge scorer of the same attempt that asked the same question. */
  reused: number;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
}

export class JudgeUsage {
  private calls = 0;
  private cachedCalls = 0;
  private reusedAnswers = 0;
  private costUsd = 0;
  private inputTokens = 0;
  private outputTokens = 0;

  constructor(readonly model: string) {}

  add(result: ChatResult): void {
    this.calls++;
    if (isCachedResult(result)) this.cachedCalls++;
    this.costUsd += result.costUsd;
    this.inputTokens += result.usage.inputTokens;
    this.outputTokens += result.usage.outputTokens;
  }

  reused(): void {
    this.reusedAnswers++;
  }

  summary(): JudgeUsageSummary {
    return {
      model: this.model,
      calls: this.calls,
      cached_calls: this.cachedCalls,
      reused: this.reusedAnswers,
      cost_usd: this.costUsd,
      input_tokens: this.inputTokens,
      output_tokens: this.outputTokens,
    };
  }
}

/** Dollars the judges spent on these scores (for a run's budget and cost totals). */
export function judgeCost(scores: readonly Score[]): number {
  let total = 0;
  for (const score of scores) {
    const cost = (score.details?.judge as Partial<JudgeUsageSummary> | undefined)?.cost_usd;
    if (typeof cost === 'number' && Number.isFinite(cost)) total += cost;
  }
  return total;
}
