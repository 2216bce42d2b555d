// JSON scorers over the final answer: is_json (it parses) and json_schema (it parses and conforms
// to a JSON Schema). Models often wrap JSON in prose and a ```json fence, so the fenced block is
// read when the whole answer is not JSON.

import type { ValidateFunction } from 'ajv';
import { z } from 'zod';
import { defineScorer, ScorerOptionsError, scored } from './score.ts';
import { packages } from '../core/packages.ts';

export type ExtractedJson = { ok: true; value: unknown; source: 'answer' | 'fence' } | { ok: false; error: string };

/** The first fenced block tagged json (```json ... ```), its body in group 1. */
const JSON_FENCE = /```json[^\S\n]*\n([\s\S]*?)```/i;

/**
 * The JSON value of an answer: the whole answer (trimmed) when it parses, else the first ```json
 * fenced block when there is one and it parses. Any JSON value counts, as RFC 8259 allows: "42"
 * and "\"yes\"" are JSON (json_schema with `type: object` is the stricter check).
 */
export function extractJson(answer: string): ExtractedJson {
  const whole = tryParse(answer.trim());
  if (whole.ok) return { ok: true, value: whole.value, source: 'answer' };
  const fence = JSON_FENCE.exec(answer);
  if (!fence) return { ok: false, error: `not JSON and no \`\`\`json block: ${whole.error}` };
  const body = tryParse(fence[1]!.trim());
  if (body.ok) return { ok: true, value: body.value, source: 'fence' };
  return { ok: false, error: `the \`\`\`json block is not JSON: ${body.error}` };
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

const IsJsonOptions = z.object({}).strict();

/** is_json: the final answer, or its first ```json block, parses as JSON. Applies to every case. */
export const isJson = defineScorer({
  name: 'is_json',
  options: IsJsonOptions,
  create: (_options, name) => ({ trace }) => {
    if (trace.finalAnswer === null) return scored(name, 0, false, `no final answer (${trace.stopReason})`);
    const json = extractJson(trace.finalAnswer);
    if (!json.ok) return scored(name, 0, false, json.error);
    return scored(name, 1, true, json.source === 'answer' ? 'the answer is JSON' : 'the ```json block is JSON', { source: json.source });
  },
});

const JsonSchemaOptions = z.object({ schema: z.record(z.string(), z.unknown()) }).strict();

/**
 * json_schema: the final answer's JSON (as extractJson reads it) conforms to `schema`, a JSON
 * Schema (draft-07, as ajv's default) compiled once when the suite loads. An invalid schema, an
 * unknown keyword (a typo would otherwise check nothing) or a string `format` (no format
 * validators are installed, and ignoring one would pass what it should refuse) is a
 * ScorerOptionsError. Every violation is reported, not only the first.
 */
export const jsonSchema = defineScorer({
  name: 'json_schema',
  options: JsonSchemaOptions,
  create({ schema }, name) {
    const validate = compileSchema(name, schema);
    return ({ trace }) => {
      if (trace.finalAnswer === null) return scored(name, 0, false, `no final answer (${trace.stopReason})`);
      const json = extractJson(trace.finalAnswer);
      if (!json.ok) return scored(name, 0, false, json.error);
      if (validate(json.value)) return scored(name, 1, true, 'conforms to the schema', { source: json.source });
      const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? e.keyword}`);
      return scored(name, 0, false, `does not conform: ${errors.join('; ')}`, { source: json.source, errors });
    };
  },
});

function compileSchema(scorer: string, schema: Record<string, unknown>): ValidateFunction {
  // strictSchema (on) refuses unknown keywords; strictTypes and strictTuples would refuse valid
  // schemas that merely leave a type implicit, and by default only log, so they are off.
  const ajv = new packages.ajv.Ajv({ allErrors: true, strictSchema: true, strictTypes: false, strictTuples: false, strictRequired: false });
  try {
    return ajv.compile(schema);
  } catch (error) {
    throw new ScorerOptionsError(`${scorer}: options: schema: ${(error as Error).message}`);
  }
}
