// The `scripted` target: replies and tool calls come from a script, one step per model call.
// A case may carry its own script (`script` field) or the target may name a file
// (`scripted:path/to/script.json`, a JSON array of steps or JSONL, one step a line).

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ScriptStep } from '../../datasets/case.ts';
import { ProviderError } from './errors.ts';
import type { ChatModel, ChatRequest, ChatResult, StreamEvent } from './types.ts';

export class ScriptedModel implements ChatModel {
  readonly provider = 'scripted';
  readonly id: string;
  readonly model: string;
  private next = 0;

  constructor(
    private readonly steps: readonly ScriptStep[],
    source = '',
  ) {
    this.model = source;
    this.id = source ? `scripted:${source}` : 'scripted';
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    request.signal?.throwIfAborted();
    const index = this.next++;
    const step = this.steps[index];
    if (!step) {
      throw new ProviderError('scripted', 'bad_response', `scripted: the script has ${this.steps.length} step(s); step ${index + 1} was asked for`);
    }
    const toolCalls = (step.tool_calls ?? []).map((call, i) => ({
      id: call.id ?? `call_${index + 1}_${i + 1}`,
      name: call.name,
      arguments: call.arguments,
    }));
    return {
      text: step.text ?? '',
      toolCalls,
      usage: { inputTokens: 0, outputTokens: 0 },
      finishReason: toolCalls.length ? 'tool_calls' : 'stop',
      latencyMs: 0,
      costUsd: 0,
      attempts: 1,
    };
  }

  async *stream(request: ChatRequest): AsyncIterable<StreamEvent> {
    const result = await this.chat(request);
    if (result.text) yield { type: 'text', delta: result.text };
    for (const call of result.toolCalls) yield { type: 'tool_call', call };
    yield { type: 'done', result };
  }
}

/** Reads a script file: a JSON array of steps, or JSONL with one step a line. */
export function loadScript(path: string): ScriptStep[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ProviderError('scripted', 'bad_request', `scripted: cannot read script ${path} (${(error as NodeJS.ErrnoException).code})`);
  }
  const trimmed = text.trim();
  const raw: unknown[] = trimmed.startsWith('[')
    ? JSON.parse(trimmed)
    : trimmed.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  const parsed = z.array(ScriptStep).min(1).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ProviderError('scripted', 'bad_request', `${path}: step ${Number(issue.path[0]) + 1}: ${issue.path.slice(1).join('.') || '(step)'}: ${issue.message}`);
  }
  return parsed.data;
}
