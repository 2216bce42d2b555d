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

export const PyValue: z.ZodType<PyValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.string(), z.bigint(), z.number(), z.array(PyValue), z.record(z.string(), PyValue)]),
);

/** The parameter types BFCL's Python checker knows (ast_checker.py's PYTHON_TYPE_MAPPING). */
export const BfclType = z.enum(['string', 'integer', 'float', 'boolean', 'array', 'tuple', 'dict', 'any']);
export type BfclType = z.infer<typeof BfclType>;

/** The parameter types BFCL's Java checker knows (type_mappings.py's JAVA_TYPE_CONVERSION), spelled as BFCL spells them. */
export const JavaType = z.enum(['byte', 'short', 'integer', 'float', 'double', 'long', 'boolean', 'char', 'Array', 'ArrayList', 'Set', 'HashMap', 'Hashtable', 'Queue', 'Stack', 'String', 'any']);
export type JavaType = z.infer<typeof JavaType>;

/** The parameter types BFCL's JavaScript checker knows (type_mappings.py's JS_TYPE_CONVERSION). */
export const JavascriptType = z.enum(['String', 'integer', 'float', 'Bigint', 'Boolean', 'dict', 'array', 'any']);
export type JavascriptType = z.infer<typeof JavascriptType>;

/**
 * The language whose type rules the checker applies. BFCL picks it by category name:
 * "javascript" in the name → javascript, else "java" → java, else python.
 */
export const BfclLanguage = z.enum(['python', 'java', 'javascript']);
export type BfclLanguage = z.infer<typeof BfclLanguage>;

/** Per language: its type names, and the types whose `items.type` the checker reads (BFCL crashes without it). */
export const LANGUAGE_TYPES: Readonly<Record<BfclLanguage, { types: readonly string[]; nested: readonly string[] }>> = {
  python: { types: BfclType.options, nested: ['array', 'tuple'] },
  java: { types: JavaType.options, nested: ['Array', 'ArrayList'] },
  javascript: { types: JavascriptType.options, nested: ['array'] },
};

/**
 * One parameter's schema: BFCL's own dialect of JSON Schema (`dict`, `float`, `tuple`, `any`;
 * Java's and JavaScript's type names in those categories). `type` is one of the language's
 * types wherever the checker reads it (a parameter, an array's items); in Java and JavaScript
 * the properties of a dict parameter may have any type name (BFCL's data has `""`), since
 * neither the checker nor the model ever sees them as types.
 */
export interface BfclParam {
  type: string;
  description?: string;
  items?: BfclParam;
  properties?: Record<string, BfclParam>;
  required?: string[];
  [keyword: string]: unknown;
}

function paramShape(language: BfclLanguage): z.ZodType<BfclParam> {
  const { types, nested } = LANGUAGE_TYPES[language];
  const typeName = z.enum(types as [string, ...string[]]);
  const shape: z.ZodType<BfclParam> = z.lazy(() =>
    z
      .looseObject({
        type: typeName,
        description: z.string().optional(),
        items: shape.optional(),
        // Python checks the types of a dict's properties too (as before); Java and JavaScript do not.
        properties: z.record(z.string(), language === 'python' ? shape : LooseParam).optional(),
        required: z.array(z.string()).optional(),
      })
      .refine((p) => !nested.includes(p.type) || p.items !== undefined, {
        message: language === 'python' ? 'an array or tuple parameter needs "items" with a "type"' : `a ${nested.join(' or ')} parameter needs "items" with a "type"`,
        path: ['items'],
      }),
  );
  return shape;
}

const LooseParam: z.ZodType<BfclParam> = z.lazy(() =>
  z.looseObject({
    type: z.string(),
    description: z.string().optional(),
    items: LooseParam.optional(),
    properties: z.record(z.string(), LooseParam).optional(),
    required: z.array(z.string()).optional(),
  }),
);

/** A parameter of a Python category. */
export const BfclParam: z.ZodType<BfclParam> = paramShape('python');
const PARAM_SHAPES: Readonly<Record<BfclLanguage, z.ZodType<BfclParam>>> = { python: BfclParam, java: paramShape('java'), javascript: paramShape('javascript') };

function functionDocShape(param: z.ZodType<BfclParam>) {
  return z.looseObject({
    name: z.string().min(1),
    description: z.string(),
    parameters: z.looseObject({
      type: z.literal('dict'),
      properties: z.record(z.string(), param),
      required: z.array(z.string()).default([]),
    }),
  });
}

/** A function the model is offered (Python types; see functionDocShapeFor for Java and JavaScript). */
export const FunctionDoc = functionDocShape(BfclParam);
export type FunctionDoc = z.infer<typeof FunctionDoc>;

/** A function of a category in `language`: its parameter types are that language's. */
export function functionDocShapeFor(language: BfclLanguage): typeof FunctionDoc {
  return language === 'python' ? FunctionDoc : functionDocShape(PARAM_SHAPES[language]);
}

function questionShape(doc: typeof FunctionDoc) {
  return z.looseObject({
    id: z.string().min(1),
    question: z.array(z.unknown()),
    // May be empty: four live_irrelevance entries offer no function at all.
    function: z.array(doc),
  });
}

/** A line of BFCL_v4_<category>.json (Python types; see questionShapeFor). */
export const Question = questionShape(FunctionDoc);
export type Question = z.infer<typeof Question>;

const QUESTION_SHAPES: Readonly<Record<BfclLanguage, typeof Question>> = {
  python: Question,
  java: questionShape(functionDocShapeFor('java')),
  javascript: questionShape(functionDocShapeFor('javascript')),
};

/** A line of a question file whose category is in `language`. */
export function questionShapeFor(language: BfclLanguage): typeof Question {
  return QUESTION_SHAPES[language];
}

/** One expected call: the function's name and, per parameter, the acceptable values (`""` = may be omitted). */
export interface GroundTruthCall {
  name: string;
  params: Record<string, PyValue[]>;
}

const GroundTruthCall = z
  .record(z.string(), z.record(z.string(), z.array(PyValue)))
  .refine((call) => Object.keys(call).length === 1, { message: 'each expected call is an object with exactly one key, the function name' })
  .transform((call): GroundTruthCall => {
    const [name, params] = Object.entries(call)[0]!;
    return { name, params };
  });

/** A line of possible_answer/BFCL_v4_<category>.json. */
export const PossibleAnswer = z.object({
  id: z.string().min(1),
  ground_truth: z.array(GroundTruthCall).min(1),
});
export type PossibleAnswer = z.infer<typeof PossibleAnswer>;

/** A call the model made, its arguments already JSON-decoded (as a tool-calling API returns them). */
export const DecodedCall = z.object({
  name: z.string(),
  arguments: z.record(z.string(), PyValue),
});
export type DecodedCall = z.infer<typeof DecodedCall>;

/** A line of the outputs `lunar bfcl-check` reads; other fields (a verdict file's own) are ignored. */
export const OutputLine = z.looseObject({
  id: z.string().min(1),
  category: z.string().optional(),
  calls: z.array(DecodedCall),
  underscore_to_dot: z.boolean().optional(),
});
export type OutputLine = z.infer<typeof OutputLine>;

/**
 * BFCL v4's single-turn categories, by BFCL's own names (constants/category_mapping.py:
 * NON_LIVE_CATEGORY and LIVE_CATEGORY), plus `simple`, BFCL v3's name for `simple_python`.
 * How each is judged: categories.ts (bfclCategoryRule).
 */
export const BfclCategory = z.enum([
  'simple_python',
  'simple_java',
  'simple_javascript',
  'multiple',
  'parallel',
  'parallel_multiple',
  'irrelevance',
  'live_simple',
  'live_multiple',
  'live_parallel',
  'live_parallel_multiple',
  'live_irrelevance',
  'live_relevance',
  'simple',
]);
export type BfclCategory = z.infer<typeof BfclCategory>;

/** Every error type BFCL's AST checker (Python, Java, JavaScript) and its relevance and irrelevance checks can give, spelled as BFCL spells them. */
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
  'type_error:java',
  'type_error:js',
  'value_error:string',
  'value_error:list/tuple',
  'value_error:dict_key',
  'value_error:dict_value',
  'value_error:list_dict_count',
  'value_error:others',
  'dict_checker:unclear',
  'list_dict_checker:unclear',
  'irrelevance_error:decoder_success',
  'relevance_error:decoder_failed',
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
  /**
   * Whose type rules judge the arguments (default python). checkBfcl sets it from the category
   * name, as BFCL does; set it yourself only when calling checkSimple, checkMultiple,
   * checkParallel or checkCall directly.
   */
  language?: BfclLanguage;
}
