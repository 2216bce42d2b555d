// BFCL's function docs as Lunar tool specs (agent/providers/types.ts ToolSpec), the way BFCL's
// own function-calling handlers offer them (model_handler/utils.py convert_to_tool): BFCL's type
// names become JSON Schema's, and names lose their dots when the model cannot emit them.

import type { JsonSchema, ToolSpec } from '../../agent/providers/types.ts';
import { expectedName } from './match-call.ts';
import type { BfclParam, BfclType, CheckOptions, FunctionDoc, PyValue } from '../../datasets/bfcl/types.ts';

/**
 * `dict` → object, `float` → number, `tuple` → array. `any` gets no `type` at all, so the model
 * may send any JSON value; note that BFCL's checker still wants a string there (it maps `any` to
 * str), and BFCL's own handlers offer it as `"type": "string"`.
 */
const JSON_TYPE: Readonly<Record<BfclType, string | null>> = {
  string: 'string',
  integer: 'integer',
  float: 'number',
  boolean: 'boolean',
  array: 'array',
  tuple: 'array',
  dict: 'object',
  any: null,
};

/**
 * JSON Schema keywords passed through as they are. BFCL's `optional: true` is dropped (it is not
 * JSON Schema, and `required` already says it), as is anything else a strict provider such as
 * Gemini could refuse.
 */
const KEPT_KEYWORDS = ['enum', 'default', 'format', 'minimum', 'maximum', 'minItems', 'maxItems', 'minLength', 'maxLength', 'pattern'];

/**
 * The offered functions as tool specs. With `underscoreToDot` every "." in a name becomes "_"
 * (OpenAI-style APIs allow only `[a-zA-Z0-9_-]`); check the calls with the same option, so the
 * expected names are converted the same way.
 */
export function bfclToolSpecs(functions: readonly FunctionDoc[], options: Pick<CheckOptions, 'underscoreToDot'> = {}): ToolSpec[] {
  return functions.map((doc) => ({
    name: expectedName(doc.name, options),
    description: doc.description,
    parameters: {
      type: 'object',
      properties: propertiesSchema(doc.parameters.properties),
      required: [...doc.parameters.required],
    },
  }));
}

function propertiesSchema(properties: Readonly<Record<string, BfclParam>>): Record<string, JsonSchema> {
  return Object.fromEntries(Object.entries(properties).map(([name, param]) => [name, paramSchema(param, true)]));
}

/**
 * One parameter. As BFCL does, a float parameter (not an array's item) also says `format: float`
 * and ends its description with " This is a float type value.", since "number" alone lets a model
 * think an integer is wanted.
 */
function paramSchema(param: BfclParam, isProperty: boolean): JsonSchema {
  const schema: JsonSchema = {};
  const type = JSON_TYPE[param.type];
  if (type !== null) schema.type = type;
  const floatHint = isProperty && param.type === 'float';
  if (param.description !== undefined || floatHint) {
    schema.description = [param.description, floatHint ? 'This is a float type value.' : undefined].filter((part) => part !== undefined).join(' ');
  }
  for (const keyword of KEPT_KEYWORDS) {
    if (param[keyword] !== undefined) schema[keyword] = plainJson(param[keyword] as PyValue);
  }
  if (floatHint) schema.format = 'float';
  if (param.items) schema.items = paramSchema(param.items, false);
  if (param.properties) schema.properties = propertiesSchema(param.properties);
  if (param.required) schema.required = [...param.required];
  return schema;
}

/** A value read losslessly back to plain JSON for a provider: ints become numbers (exact up to 2^53). */
function plainJson(value: PyValue): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(plainJson);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainJson(v)]));
  return value;
}
