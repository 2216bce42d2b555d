// The one judge core: a judge model, a prompt and the zod schema its reply must fit. Every judge
// scorer asks through askJudge, so they all share one behaviour:
//
// - temperature 0 and structured output (responseFormat json_schema; each provider maps it to
//   its own field), with the JSON Schema also written into the system message for servers that
//   ignore the field;
// - the reply read as JSON (a ```json fence around it tolerated) and checked by the schema, and
//   by an optional check that depends on the input (one verdict per claim);
// - a reply that does not parse or fit is asked again with the problem quoted, at most
//   JUDGE_ATTEMPTS calls in all; then the result is an 'error' with the last problem — never a
//   pass and never a zero;
// - a call that fails for a provider reason (unreachable, key refused, timeout after the
//   provider's own retries, a replay cache miss) is 'skipped' with the reason;
// - within one attempt (one judge model object), the same question asked by two scorers is asked
//   once: faithfulness and hallucination share their claims, and so agree.

import { canonicalJson } from '../agent/providers/cache-keys.ts';
import { ProviderError } from '../agent/providers/errors.ts';
import type { ChatModel, ChatResult, Message } from '../agent/providers/types.ts';
import type { JudgeAccess } from '../metrics/score.ts';
import { FORMAT_INSTRUCTION, renderTemplate, replySchema, retryMessage, type JudgePrompt } from './prompts/template.ts';
import type { JudgeUsage } from './usage.ts';
import type { z } from 'zod';

/** A judge that can be called: its target id and the chat model for this attempt. */
export type JudgeModel = Extract<JudgeAccess, { available: true }>;

export type JudgeResult<T> = { ok: true; value: T } | { ok: false; status: 'error' | 'skipped'; reason: string };

/** Calls per question: the first and two more after an unusable reply. */
export const JUDGE_ATTEMPTS = 3;

export interface AskOptions<T> {
  /** A problem the schema cannot see (the wrong number of verdicts), as a message; undefined when fine. */
  check?: (value: T) => string | undefined;
}

/** Answers already given to a judge model object (one per attempt), by prompt and input. */
const answered = new WeakMap<ChatModel, Map<string, Promise<JudgeResult<unknown>>>>();

export async function askJudge<S extends z.ZodType>(
  judge: JudgeModel,
  prompt: JudgePrompt<S>,
  values: Readonly<Record<string, string>>,
  usage: JudgeUsage,
  options: AskOptions<z.output<S>> = {},
): Promise<JudgeResult<z.output<S>>> {
  let asked = answered.get(judge.model);
  if (!asked) answered.set(judge.model, (asked = new Map()));
  const key = canonicalJson({ prompt: prompt.id, values });
  const earlier = asked.get(key);
  if (earlier) {
    usage.reused();
    return (await earlier) as JudgeResult<z.output<S>>;
  }
  const pending = ask(judge, prompt, values, usage, options);
  asked.set(key, pending);
  return pending;
}

async function ask<S extends z.ZodType>(
  judge: JudgeModel,
  prompt: JudgePrompt<S>,
  values: Readonly<Record<string, string>>,
  usage: JudgeUsage,
  options: AskOptions<z.output<S>>,
): Promise<JudgeResult<z.output<S>>> {
  const schema = replySchema(prompt.schema);
  const messages: Message[] = [
    { role: 'system', content: `${prompt.system}\n\n${FORMAT_INSTRUCTION}\n${JSON.stringify(schema)}` },
    { role: 'user', content: renderTemplate(prompt.template, values) },
  ];
  let problem = '';
  for (let call = 1; call <= JUDGE_ATTEMPTS; call++) {
    let result: ChatResult;
    try {
      result = await judge.model.chat({
        messages: [...messages],
        temperature: 0,
        responseFormat: { type: 'json_schema', name: schemaName(prompt.id), schema },
      });
    } catch (error) {
      if (error instanceof ProviderError) return { ok: false, status: 'skipped', reason: `judge ${judge.id} could not be asked (${error.kind}): ${error.message}` };
      throw error;
    }
    usage.add(result);
    const parsed = parseJudgeReply(result.text, prompt.schema);
    const checked = parsed.ok ? options.check?.(parsed.value) : parsed.error;
    if (checked === undefined && parsed.ok) return { ok: true, value: parsed.value };
    problem = checked!;
    messages.push({ role: 'assistant', content: result.text }, { role: 'user', content: retryMessage(problem) });
  }
  return { ok: false, status: 'error', reason: `judge ${judge.id} gave no usable reply to ${prompt.id} in ${JUDGE_ATTEMPTS} calls; the last: ${problem}` };
}

/** OpenAI allows letters, digits, _ and - in a schema name. */
function schemaName(promptId: string): string {
  return promptId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}

/**
 * A judge's reply as the schema's value: JSON, possibly inside a Markdown code fence (```json),
 * that fits the schema. The error says what was wrong, to be quoted back to the judge.
 */
export function parseJudgeReply<S extends z.ZodType>(text: string, schema: S): { ok: true; value: z.output<S> } | { ok: false; error: string } {
  const body = unfenced(text);
  if (body === '') return { ok: false, error: 'the reply was empty' };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { ok: false, error: `the reply is not valid JSON (${(error as Error).message})` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems = parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(reply)'}: ${issue.message}`);
  return { ok: false, error: `the reply does not fit the schema (${problems.join('; ')})` };
}

/** The text of the first fenced code block when there is one, else the whole text; trimmed. */
function unfenced(text: string): string {
  const fence = /```[A-Za-z]*[ \t]*\r?\n?([\s\S]*?)```/.exec(text);
  return (fence ? fence[1]! : text).trim();
}
