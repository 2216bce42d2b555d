// BFCL's function docs as Lunar tool specs (agent/providers/types.ts ToolSpec), the way BFCL's
// own function-calling handlers offer them (model_handler/utils.py convert_to_tool): BFCL's type
// names become JSON Schema's, and names lose their dots when the model cannot emit them.

import type { JsonSchema, ToolSpec } from '../../agent/providers/types.ts';
import { bfclCategoryRule } from '../../datasets/bfcl/categories.ts';
import { expectedName } from './match-call.ts';
import { pyJsonDumps } from '../../datasets/bfcl/python.ts';
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

export interface ToolSpecOptions extends Pick<CheckOptions, 'underscoreToDot'> {
  /** The entry's category: simple_java and simple_javascript offer every parameter as a string of source text. Default: a Python category. */
  category?: string;
}

/**
 * The offered functions as tool specs. With `underscoreToDot` every "." in a name becomes "_"
 * (OpenAI-style APIs allow only `[a-zA-Z0-9_-]`); check the calls with the same option, so the
 * expected names are converted the same way.
 *
 * Java and JavaScript entries are offered as BFCL offers them (utils.py,
 * _func_doc_language_specific_pre_processing): the function's description says which syntax the
 * function is in, and every parameter becomes a string whose description names its Java or
 * JavaScript type (an array's item type; a JavaScript dict's property schema, as JSON), since
 * the checker wants source text it converts by type (java-types.ts, javascript-types.ts).
 */
export function bfclToolSpecs(functions: readonly FunctionDoc[], options: ToolSpecOptions = {}): ToolSpec[] {
  const language = options.category === undefined ? 'python' : bfclCategoryRule(options.category).language;
  return functions.map((doc) => ({
    name: expectedName(doc.name, options),
    description: language === 'python' ? doc.description : `${doc.description}${SOURCE_LANGUAGE[language].hint}`,
    parameters: {
      type: 'object',
      properties: language === 'python' ? propertiesSchema(doc.parameters.properties) : sourceTextProperties(doc.parameters.properties, language),
      required: [...doc.parameters.required],
    },
  }));
}

const SOURCE_LANGUAGE = {
  java: { name: 'Java', hint: ' Note that the provided function is in Java 8 SDK syntax.', list: ['Array', 'ArrayList'] },
  javascript: { name: 'JavaScript', hint: ' Note that the provided function is in JavaScript syntax.', list: ['array'] },
} as const;

/** Every parameter a string, its description saying what source text to write (BFCL's wording). */
function sourceTextProperties(properties: Readonly<Record<string, BfclParam>>, language: 'java' | 'javascript'): Record<string, JsonSchema> {
  const { name, list } = SOURCE_LANGUAGE[language];
  return Object.fromEntries(
    Object.entries(properties).map(([key, param]) => {
      let description = param.description ?? '';
      description +=
        param.type === 'any'
          ? ` This parameter can be of any type of ${name} object in string representation.`
          : ` This is ${name} ${param.type} type parameter in string representation.`;
      if ((list as readonly string[]).includes(param.type)) {
        description += ` The list elements are of type ${param.items?.type}; they are not in string representation.`;
      }
      if (language === 'javascript' && param.type === 'dict' && param.properties !== undefined) {
        description += ` The dictionary entries have the following schema; they are not in string representation. ${pyJsonDumps(param.properties)}`;
      }
      const schema: JsonSchema = { type: 'string', description };
      for (const keyword of KEPT_KEYWORDS) {
        if (param[keyword] !== undefined) schema[keyword] = plainJson(param[keyword] as PyValue);
      }
      return [key, schema];
    }),
  );
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
  // A Python category's types are all in the table (parseQuestions checks); any other name is offered as a string, as BFCL does.
  const type = Object.hasOwn(JSON_TYPE, param.type) ? JSON_TYPE[param.type as BfclType] : 'string';
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
