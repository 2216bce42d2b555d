// The `scripted` target: replies and tool calls come from a script, one step per model call.
// A case may carry its own script (`script` field) or the target may name a file
// (`scripted:path/to/script.json`, a JSON array of steps or JSONL, one step a line). A file is
// read once before a run; each attempt gets a fresh ScriptedModel over the same steps.

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ScriptStep } from '../../datasets/case.ts';
import { InputError } from '../../core/errors.ts';
import { ProviderError } from './errors.ts';
import { streamFromChat } from './stream-from-chat.ts';
import { finishReasonOf } from './tool-calls.ts';
import type { ChatModel, ChatRequest, ChatResult, ProviderDefinition, StreamEvent } from './types.ts';

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
      finishReason: finishReasonOf(toolCalls, 'stop'),
      latencyMs: 0,
      costUsd: 0,
      attempts: 1,
    };
  }

  stream(request: ChatRequest): AsyncIterable<StreamEvent> {
    return streamFromChat((r) => this.chat(r), request);
  }
}

/** A script file that cannot be read or is not a valid script; the message names the file and where. */
/** A script that cannot be used: bad input, so exit 2 like any other. */
export class ScriptError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'ScriptError';
  }
}

/**
 * Reads a script file: a JSON array of steps, or JSONL with one step a line. Errors name the file
 * and the line (bad JSON) or the step and field (a step that is not a valid step).
 */
export function loadScript(path: string): ScriptStep[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ScriptError(`${path}: cannot read script (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  // Where each step starts (1-based line), for messages.
  const lines: number[] = [];
  let raw: unknown;
  if (text.trimStart().startsWith('[')) {
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new ScriptError(`${path}:${lineAt(text, error as Error)}: not valid JSON: ${(error as Error).message}`);
    }
  } else {
    const steps: unknown[] = [];
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      try {
        steps.push(JSON.parse(line));
      } catch (error) {
        throw new ScriptError(`${path}:${i + 1}: not valid JSON: ${(error as Error).message}`);
      }
      lines.push(i + 1);
    });
    raw = steps;
  }
  const parsed = z.array(ScriptStep).min(1, 'the script has no steps').safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.path.length === 0) throw new ScriptError(`${path}: ${issue.message}`);
    const step = Number(issue.path[0]);
    const where = lines[step] !== undefined ? `${path}:${lines[step]}: step ${step + 1}` : `${path}: step ${step + 1}`;
    throw new ScriptError(`${where}: ${issue.path.slice(1).join('.') || '(step)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** The line of a JSON.parse error, from the position its message gives ("?" when it gives none). */
function lineAt(text: string, error: Error): number | string {
  const position = /at position (\d+)/.exec(error.message)?.[1];
  if (position === undefined) return /end of JSON input/.test(error.message) ? text.trimEnd().split('\n').length : '?';
  return text.slice(0, Number(position)).split('\n').length;
}

/**
 * `scripted` reads each case's own script; `scripted:FILE` reads the file once, before a run, and
 * every attempt replays its steps from the start.
 */
export const scriptedProvider: ProviderDefinition = {
  name: 'scripted',
  create(file) {
    if (!file) throw new ScriptError('the scripted target needs a script: a "script" field on each case, or scripted:FILE');
    return new ScriptedModel(loadScript(file), file);
  },
  prepare(file) {
    if (!file) {
      return (c) => {
        if (!c?.script) throw new ScriptError(`${c ? `case ${c.id}: ` : ''}the scripted target needs a "script" field on the case`);
        return new ScriptedModel(c.script);
      };
    }
    const steps = loadScript(file);
    return () => new ScriptedModel(steps, file);
  },
};
