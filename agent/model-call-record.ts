// A model call as a Trace records it, answered or failed: the one shape the tool loop, the episode
// loop and external agents' turns all write.

import { isCachedResult } from './providers/cached-models.ts';
import { ProviderError } from './providers/errors.ts';
import type { ChatResult } from './providers/types.ts';
import type { ModelCallRecord } from './trace.ts';

/** What was asked: the step and the request's summary. */
export type CallRequest = Pick<ModelCallRecord, 'step' | 'request'>;

/** A call that answered; `priced` says whether its cost is known (the price table, or an agent that reported one). */
export function answeredCall(asked: CallRequest, result: ChatResult, priced: boolean): ModelCallRecord {
  return {
    ...asked,
    response: { text: result.text, toolCalls: result.toolCalls, finishReason: result.finishReason },
    usage: result.usage,
    latencyMs: result.latencyMs,
    costUsd: result.costUsd,
    attempts: result.attempts,
    priced,
    ...(isCachedResult(result) ? { cached: true } : {}),
  };
}

/** A call that failed after `startedAt` (performance.now()), with the error and the attempts a provider made. */
export function failedCall(asked: CallRequest, caught: unknown, startedAt: number, priced: boolean): ModelCallRecord {
  return {
    ...asked,
    usage: { inputTokens: 0, outputTokens: 0 },
    latencyMs: performance.now() - startedAt,
    costUsd: 0,
    // A provider that gave up after retries says how many attempts it made.
    attempts: caught instanceof ProviderError ? (caught.attempts ?? 1) : 0,
    priced,
    error: caught instanceof Error ? caught.message : String(caught),
  };
}
