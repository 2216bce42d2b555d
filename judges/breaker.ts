// One judge for a whole run, shared by every attempt: once a judge call fails in a way that will
// not mend within the run (the server is not there, the key is refused or missing), the later
// calls fail at once with that reason instead of each waiting out the provider's retries. It
// wraps the raw model, under the cache, so answers already recorded are still served.

import { ProviderError, type ProviderErrorKind } from '../agent/providers/errors.ts';
import { streamFromChat } from '../agent/providers/stream-from-chat.ts';
import type { ChatModel, ChatRequest, ChatResult } from '../agent/providers/types.ts';

const LASTING: ReadonlySet<ProviderErrorKind> = new Set(['unreachable', 'auth', 'missing_key']);

export class JudgeBreaker {
  private failure?: ProviderError;

  /** The first lasting failure met, if any. */
  get tripped(): ProviderError | undefined {
    return this.failure;
  }

  wrap(model: ChatModel): ChatModel {
    const chat = (request: ChatRequest) => this.chat(model, request);
    return { id: model.id, provider: model.provider, model: model.model, chat, stream: (request) => streamFromChat(chat, request) };
  }

  private async chat(model: ChatModel, request: ChatRequest): Promise<ChatResult> {
    const failure = this.failure;
    if (failure) {
      throw new ProviderError(failure.provider, failure.kind, `${failure.message} (an earlier judge call failed this way; not tried again in this run)`, { status: failure.status });
    }
    try {
      return await model.chat(request);
    } catch (error) {
      if (error instanceof ProviderError && LASTING.has(error.kind)) this.failure ??= error;
      throw error;
    }
  }
}
