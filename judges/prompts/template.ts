// A judge prompt: a stable id, a system text, a user template with {{slots}}, and the zod schema
// its reply must fit. The content hash covers all of it (the schema too, since a changed schema
// changes what the judge is asked), so a run's lock says exactly which prompts produced its
// judge scores.

import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../../agent/providers/cache-keys.ts';
import type { JsonSchema } from '../../agent/providers/types.ts';

export interface JudgePrompt<S extends z.ZodType = z.ZodType> {
  /** Stable id, e.g. `faithfulness.claims`; part of provenance. */
  id: string;
  system: string;
  /** The user message, with `{{name}}` slots filled by renderTemplate. */
  template: string;
  /** The reply's shape. Give objects `.strict()`: the JSON Schema sent to the provider follows it. */
  schema: S;
}

export function definePrompt<S extends z.ZodType>(prompt: JudgePrompt<S>): JudgePrompt<S> {
  return prompt;
}

/** Ends every judge's system text, followed by the reply's JSON Schema. */
export const FORMAT_INSTRUCTION = 'Reply with one JSON object and nothing else. It must fit this JSON Schema:';

/** What a judge is told after a reply that could not be used; `problem` says why. */
export function retryMessage(problem: string): string {
  return `That reply could not be used: ${problem}. Reply again with only the JSON object, fitting the schema.`;
}

/** A slot the template names but the caller did not fill is a bug, not an empty string. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** Fills `{{name}}` slots; every slot must be given. Values go in as they are (no escaping). */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new TemplateError(`judge template slot {{${name}}} was not filled`);
    return value;
  });
}

/** The JSON Schema of a reply shape, without `$schema` (some providers refuse unknown keywords). */
export function replySchema(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema) as JsonSchema;
  return rest;
}

/** SHA-256 hex over the prompt's id, texts and reply schema. */
export function promptHash(prompt: JudgePrompt): string {
  const content = canonicalJson({ id: prompt.id, system: prompt.system, template: prompt.template, schema: replySchema(prompt.schema) });
  return createHash('sha256').update(content, 'utf8').digest('hex');
}
