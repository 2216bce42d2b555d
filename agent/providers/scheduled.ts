// A chat model whose calls go through a Scheduler (agent/providers/scheduler/scheduler.ts): each chat() and
// stream() waits for a slot in its provider's lane and for request and token budget, so a run
// against a hosted API stays under its quota. The estimate a call is charged is its input
// (cl100k_base over messages and tool specs) plus the most it may write (maxTokens, else 512),
// which is how hosted APIs reserve tokens against a per-minute limit; the usage the answer
// reports raises the charge when it was more. A stream holds its slot until it ends (or its
// consumer leaves it). A call aborted while queued rejects with ProviderError 'aborted'.

import type { Lease } from './scheduler/lane.ts';
import type { Scheduler } from './scheduler/scheduler.ts';
import { estimateInputTokens } from './usage.ts';
import type { ChatModel, ChatRequest, ChatResult, StreamEvent } from './types.ts';

/** Output tokens assumed for a call that sets no maxTokens. */
export const DEFAULT_OUTPUT_ESTIMATE = 512;

/** The tokens a call is charged against its lane's tpm budget before it runs. */
export function estimateCallTokens(request: ChatRequest): number {
  return estimateInputTokens(request) + (request.maxTokens ?? DEFAULT_OUTPUT_ESTIMATE);
}

/** Counting a prompt's tokens costs real time: only a lane with a tokens-per-minute budget needs it. */
function chargeFor(scheduler: Scheduler, provider: string, request: ChatRequest): number {
  return scheduler.limitsFor(provider).tpm === undefined ? 0 : estimateCallTokens(request);
}

export function scheduledChatModel(inner: ChatModel, scheduler: Scheduler): ChatModel {
  return {
    id: inner.id,
    provider: inner.provider,
    model: inner.model,
    chat(request) {
      return scheduler.run(
        inner.provider,
        chargeFor(scheduler, inner.provider, request),
        async (lease) => settled(lease, await inner.chat(request)),
        request.signal,
      );
    },
    stream(request) {
      return scheduledStream(inner, scheduler, request);
    },
  };
}

async function* scheduledStream(inner: ChatModel, scheduler: Scheduler, request: ChatRequest): AsyncGenerator<StreamEvent> {
  const lease = await scheduler.acquire(inner.provider, chargeFor(scheduler, inner.provider, request), request.signal);
  try {
    for await (const event of inner.stream(request)) {
      if (event.type === 'done') settled(lease, event.result);
      yield event;
    }
    lease.success();
  } catch (error) {
    lease.failure(error);
    throw error;
  } finally {
    lease.release(); // the consumer left early: free the slot, count nothing (no-op after success/failure)
  }
}

function settled(lease: Lease, result: ChatResult): ChatResult {
  lease.settle(result.usage.inputTokens + result.usage.outputTokens);
  return result;
}
