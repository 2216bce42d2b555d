// What the model-call cache stores: also the shape of an exported line
// (runners/cache-commands.ts validates a recording with it).

import { z } from 'zod';
import { ToolCall, Usage } from '../trace.ts';
import { embeddingKey } from './cache-keys.ts';

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits (a SHA-256)');

export const ChatResult = z.object({
  text: z.string(),
  toolCalls: z.array(ToolCall),
  usage: Usage,
  finishReason: z.enum(['stop', 'tool_calls', 'length', 'content_filter', 'other']),
  latencyMs: z.number().nonnegative(),
  costUsd: z.number().nonnegative(),
  attempts: z.number().int().positive(),
});

/** What was asked, for people reading an export (the messages themselves are only in the key). */
export const ChatRequestSummary = z.object({
  label: z.string().optional(),
  repeat: z.number().int().nonnegative(),
  occurrence: z.number().int().positive().optional(),
  messageCount: z.number().int().nonnegative(),
  tools: z.array(z.string()),
  toolChoice: z.union([z.enum(['auto', 'none', 'required']), z.object({ name: z.string() })]).optional(),
  temperature: z.number().optional(),
  maxTokens: z.number().optional(),
  seed: z.number().optional(),
  responseFormat: z.enum(['text', 'json', 'json_schema']).optional(),
});
export type ChatRequestSummary = z.infer<typeof ChatRequestSummary>;

const ChatEntry = z.object({
  kind: z.literal('chat'),
  key: Hex64,
  provider: z.string().min(1),
  model: z.string().min(1),
  request: ChatRequestSummary,
  result: ChatResult,
});

const EmbeddingEntry = z.object({
  kind: z.literal('embedding'),
  key: Hex64,
  provider: z.string().min(1),
  model: z.string(),
  request: z.object({ embedder: z.string().min(1), kind: z.enum(['document', 'query']), textSha256: Hex64 }),
  /** `vector`: base64 of little-endian float32s. */
  result: z.object({ dimensions: z.number().int().positive(), vector: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64') }),
});

export const CacheEntry = z.discriminatedUnion('kind', [ChatEntry, EmbeddingEntry]).superRefine((entry, ctx) => {
  if (entry.kind !== 'embedding') return;
  const { embedder, kind, textSha256 } = entry.request;
  if (entry.key !== embeddingKey(embedder, kind, textSha256)) ctx.addIssue({ code: 'custom', path: ['key'], message: 'does not match request.embedder, request.kind and request.textSha256' });
  const bytes = Buffer.from(entry.result.vector, 'base64').length;
  if (bytes !== entry.result.dimensions * 4) ctx.addIssue({ code: 'custom', path: ['result', 'vector'], message: `holds ${bytes / 4} floats, not result.dimensions (${entry.result.dimensions})` });
});
export type CacheEntry = z.infer<typeof CacheEntry>;
export type ChatEntry = z.infer<typeof ChatEntry>;
export type EmbeddingEntry = z.infer<typeof EmbeddingEntry>;

/** `openai:text-embedding-3-small:256` → provider `openai`, model `text-embedding-3-small:256`. */
export function splitId(id: string): { provider: string; model: string } {
  const at = id.indexOf(':');
  return at < 0 ? { provider: id, model: '' } : { provider: id.slice(0, at), model: id.slice(at + 1) };
}
