// The model-call cache's keys. A chat key hashes what the model sees (provider, model, messages,
// tools, sampling settings) plus the repeat index, so `--repeat 5` makes five independent draws
// the first time and replays the same five later, and the occurrence of an identical request
// within one wrapper (a second identical call in the same attempt is a second draw, not the first
// one again). Never in a key: the abort signal, API keys, addresses.

import { createHash } from 'node:crypto';
import type { EmbedKind } from '../rag/types.ts';
import type { ChatRequest, Message } from './types.ts';

/** JSON with object keys sorted (by UTF-16 code unit, never by locale) and undefined fields dropped. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sorted(value));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sorted(v)));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sorted(v);
  }
  return out;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export interface ChatKeyInput {
  provider: string;
  model: string;
  request: ChatRequest;
  /** The attempt's repeat index (0-based). */
  repeat: number;
  /** 0 for the first identical request within one wrapper, 1 for the second, ... */
  occurrence?: number;
}

/** The SHA-256 hex key of a chat call. */
export function cacheKey({ provider, model, request: r, repeat, occurrence = 0 }: ChatKeyInput): string {
  return sha256(
    canonicalJson({
      v: 1,
      kind: 'chat',
      provider,
      model,
      messages: r.messages.map(messageForKey),
      tools: r.tools?.length ? r.tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters })) : undefined,
      toolChoice: r.toolChoice,
      temperature: r.temperature,
      maxTokens: r.maxTokens,
      responseFormat: r.responseFormat,
      seed: r.seed,
      repeat,
      occurrence: occurrence || undefined,
    }),
  );
}

/** Only what a provider sends; an empty tool-call list and `isError: false` are the same as none. */
function messageForKey(m: Message): unknown {
  switch (m.role) {
    case 'system':
    case 'user':
      return { role: m.role, content: m.content };
    case 'assistant':
      return {
        role: m.role,
        content: m.content,
        toolCalls: m.toolCalls?.length
          ? m.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments, invalidArguments: c.invalidArguments, providerData: c.providerData }))
          : undefined,
      };
    case 'tool':
      return { role: m.role, toolCallId: m.toolCallId, name: m.name, content: m.content, isError: m.isError || undefined };
  }
}

/** The key of one text's embedding, from the text's SHA-256 (so an export can be checked without the text). */
export function embeddingKey(embedder: string, kind: EmbedKind, textSha256: string): string {
  return sha256(canonicalJson({ v: 1, kind: 'embedding', embedder, embedKind: kind, text: textSha256 }));
}

export const textHash = sha256;
