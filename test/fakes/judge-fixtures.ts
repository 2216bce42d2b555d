// What judge tests share: a case, a trace with retrieved chunks, and a judge model that is real —
// the openai provider (its SDK) pointed at the loopback OpenAiFake, or the scripted target
// replaying a JSONL file — plus readers for what the fake was sent.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openaiProvider } from '../../agent/providers/openai.ts';
import type { ProviderOptions } from '../../agent/providers/types.ts';
import type { RetrievedChunk, Trace } from '../../agent/trace.ts';
import { Case } from '../../datasets/case.ts';
import type { JudgeModel } from '../../judges/core.ts';
import { resolveTarget } from '../../agent/targets.ts';
import { TEST_KEY, type OpenAiFake } from './openai-server.ts';

export const QUESTION = 'How long is the refund window for annual plans?';
export const ANSWER = 'Annual plans can be refunded within 30 days. Refunds go back to the original card.';
export const REFERENCE = 'Annual plans are refundable within 30 days of purchase.';

export function judgeCase(fields: Record<string, unknown> = {}): Case {
  return Case.parse({ id: 'refund-1', input: QUESTION, category: 'rag', expected_answer: REFERENCE, ...fields });
}

export function chunk(id: string, text: string): RetrievedChunk {
  return { id, path: id.split('#')[0]!, score: 1, text };
}

export function judgeTrace(fields: Partial<Trace> = {}): Trace {
  return {
    target: 'scripted',
    messages: [],
    modelCalls: [],
    toolCalls: [],
    retrieved: [],
    citations: [],
    finalAnswer: ANSWER,
    stopReason: 'final',
    usage: { inputTokens: 0, outputTokens: 0 },
    latencyMs: 0,
    costUsd: 0,
    ...fields,
  };
}

/** The openai provider at the fake (no retries, so a failure is one request), as a judge. */
export function openAiJudge(fake: OpenAiFake | string, options: ProviderOptions = {}): JudgeModel {
  const url = typeof fake === 'string' ? fake : fake.url;
  const model = openaiProvider.create('gpt-4o-mini', { baseUrl: `${url}/v1`, apiKey: TEST_KEY, env: {}, retries: 0, backoffBaseMs: 1, ...options });
  return { available: true, id: model.id, model };
}

/** A `scripted:FILE` judge whose replies are these texts, one per call, through resolveTarget as a suite's judge is. */
export function scriptedJudge(replies: readonly string[]): JudgeModel {
  const file = join(mkdtempSync(join(tmpdir(), 'lunar-judge-')), 'judge.jsonl');
  writeFileSync(file, replies.map((text) => JSON.stringify({ text })).join('\n') + '\n');
  const target = resolveTarget(`scripted:${file}`);
  return { available: true, id: target.id, model: target.model() };
}

/** The system and user texts of the n-th chat request the fake received (0-based). */
export function sentTo(fake: OpenAiFake, n: number): { system: string; user: string; messages: { role: string; content: string }[]; body: any } {
  const chats = fake.requests.filter((r) => /chat\/completions$/.test(r.path));
  const body = chats[n]?.body;
  if (!body) throw new Error(`the fake received ${chats.length} chat requests, not ${n + 1}`);
  const messages = body.messages as { role: string; content: string }[];
  return { system: messages[0]!.content, user: messages[1]!.content, messages, body };
}

/** Chat requests the fake received. */
export function chatCount(fake: OpenAiFake): number {
  return fake.requests.filter((r) => /chat\/completions$/.test(r.path)).length;
}

export const json = (value: unknown) => JSON.stringify(value);
