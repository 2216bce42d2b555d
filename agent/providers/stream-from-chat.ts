import type { ChatRequest, ChatResult, StreamEvent } from './types.ts';

/**
 * A stream for a model that answers whole (baseline, scripted): the text as one delta, each tool
 * call, then done, exactly as a streaming provider would end.
 */
export async function* streamFromChat(chat: (request: ChatRequest) => Promise<ChatResult>, request: ChatRequest): AsyncGenerator<StreamEvent> {
  const result = await chat(request);
  if (result.text) yield { type: 'text', delta: result.text };
  for (const call of result.toolCalls) yield { type: 'tool_call', call };
  yield { type: 'done', result };
}
