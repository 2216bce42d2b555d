// Shapes of BFCL's files (questions, possible answers) and of the matcher's input and output.
// BFCL's checker works on Python values, so the values here model Python's: see PyValue.

import { z } from 'zod';

/**
 * A value as BFCL's checker sees it after Python's `json.loads`. The number representation is
 * the point: a JSON number token with `.`, `e` or `E` is a Python float and any other is an
 * int, and the checker treats them differently (an int passes for a float parameter, a float
 * never passes for an integer one). So:
 * - int → `bigint` (Python ints are unbounded, and `5n` can never be mistaken for `5.0`);
 * - float → `number` (a JS number IS a Python float here, even when it is integral: `5` is `5.0`);
 * - str → string, bool → boolean, None → null, list → array;
 * - dict → a plain object in JSON key order (JS would move integer-like keys such as "1" to the
 *   front; BFCL's data has none, and the order only decides which of two bad params is reported).
 */
export type PyValue = null | boolean | string | bigint | number | PyValue[] | PyDict;
export interface PyDict {
  [key: string]: PyValue;
}

export const PyValueShape: z.ZodType<PyValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.string(), z.bigint(), z.number(), z.array(PyValueShape), z.record(z.string(), PyValueShape)]),
);

/** The parameter types BFCL's Python categories use. */
export const BfclType = z.enum(['string', 'integer', 'float', 'boolean', 'array', 'tuple', 'dict', 'any']);
export type BfclType = z.infer<typeof BfclType>;

/** One parameter's schema: BFCL's own dialect of JSON Schema (`dict`, `float`, `tuple`, `any`). */
export interface BfclParam {
  type: BfclType;
  description?: string;
  items?: BfclParam;
  properties?: Record<string, BfclParam>;
  required?: string[];
  [keyword: string]: unknown;
}

export const BfclParamShape: z.ZodType<BfclParam> = z.lazy(() =>
  z
    .looseObject({
      type: BfclType,
      description: z.string().optional(),
      items: BfclParamShape.optional(),
      properties: z.record(z.string(), BfclParamShape).optional(),
      required: z.array(z.string()).optional(),
    })
    // The checker reads `items.type` of every array and tuple parameter (and BFCL crashes without it).
    .refine((p) => (p.type !== 'array' && p.type !== 'tuple') || p.items !== undefined, {
      message: 'an array or tuple parameter needs "items" with a "type"',
      path: ['items'],
    }),
);

/** A function the model is offered. */
export const FunctionDocShape = z.looseObject({
  name: z.string().min(1),
  description: z.string(),
  parameters: z.looseObject({
    type: z.literal('dict'),
    properties: z.record(z.string(), BfclParamShape),
    required: z.array(z.string()).default([]),
  }),
});
export type FunctionDoc = z.infer<typeof FunctionDocShape>;

/** A line of BFCL_v4_<category>.json. */
export const QuestionShape = z.looseObject({
  id: z.string().min(1),
  question: z.array(z.unknown()),
  function: z.array(FunctionDocShape).min(1),
});
export type Question = z.infer<typeof QuestionShape>;

/** One expected call: the function's name and, per parameter, the acceptable values (`""` = may be omitted). */
export interface GroundTruthCall {
  name: string;
  params: Record<string, PyValue[]>;
}

const GroundTruthCallShape = z
  .record(z.string(), z.record(z.string(), z.array(PyValueShape)))
  .refine((call) => Object.keys(call).length === 1, { message: 'each expected call is an object with exactly one key, the function name' })
  .transform((call): GroundTruthCall => {
    const [name, params] = Object.entries(call)[0]!;
    return { name, params };
  });

/** A line of possible_answer/BFCL_v4_<category>.json. */
export const PossibleAnswerShape = z.object({
  id: z.string().min(1),
  ground_truth: z.array(GroundTruthCallShape).min(1),
});
export type PossibleAnswer = z.infer<typeof PossibleAnswerShape>;

/** A call the model made, its arguments already JSON-decoded (as a tool-calling API returns them). */
export const DecodedCallShape = z.object({
  name: z.string(),
  arguments: z.record(z.string(), PyValueShape),
});
export type DecodedCall = z.infer<typeof DecodedCallShape>;

/** A line of the outputs `lunar bfcl-check` reads; other fields (a verdict file's own) are ignored. */
export const OutputLineShape = z.looseObject({
  id: z.string().min(1),
  category: z.string().optional(),
  calls: z.array(DecodedCallShape),
  underscore_to_dot: z.boolean().optional(),
});
export type OutputLine = z.infer<typeof OutputLineShape>;

/** The categories the AST checker (and irrelevance) covers; `simple` is BFCL v3's name for `simple_python`. */
export const BfclCategory = z.enum(['simple_python', 'simple', 'multiple', 'parallel', 'irrelevance']);
export type BfclCategory = z.infer<typeof BfclCategory>;

/** Every error type BFCL's Python AST checker and irrelevance check can give, spelled as BFCL spells them. */
export const BFCL_ERROR_TYPES = [
  'simple_function_checker:wrong_count',
  'simple_function_checker:wrong_func_name',
  'simple_function_checker:missing_required',
  'simple_function_checker:unexpected_param',
  'simple_function_checker:missing_optional',
  'multiple_function_checker:wrong_count',
  'parallel_function_checker_no_order:wrong_count',
  'parallel_function_checker_no_order:cannot_find_match',
  'type_error:simple',
  'type_error:nested',
  'value_error:string',
  'value_error:list/tuple',
  'value_error:dict_key',
  'value_error:dict_value',
  'value_error:list_dict_count',
  'value_error:others',
  'dict_checker:unclear',
  'list_dict_checker:unclear',
  'irrelevance_error:decoder_success',
] as const;
export type BfclErrorType = (typeof BFCL_ERROR_TYPES)[number];

/** A check's outcome, as BFCL reports it: `error_type` is null exactly when `valid`. */
export interface BfclVerdict {
  valid: boolean;
  error_type: BfclErrorType | null;
  /** What failed, worded as BFCL words it (values in Python repr). Information only. */
  errors: string[];
}

export interface CheckOptions {
  /**
   * The model cannot emit "." in function names (OpenAI-style FC APIs), so the expected name has
   * every "." replaced by "_" before comparing (BFCL's `underscore_to_dot` model config).
   */
  underscoreToDot?: boolean;
  /**
   * How parallel calls are paired with expected calls. `greedy` (the default) is BFCL's: each
   * expected call in turn takes the first unmatched call that fits, with no backtracking, so a
   * call that fits two expected calls can be taken by the wrong one. `maximum` finds a one-to-one
   * pairing whenever one exists (not BFCL's verdict on the few entries where greedy is trapped).
   */
  parallelMatching?: 'greedy' | 'maximum';
}
