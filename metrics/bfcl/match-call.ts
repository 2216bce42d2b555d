// One decoded call against one expected call and the offered function's schema: BFCL's
// simple_function_checker. The first failure wins, in BFCL's order: name, required params, then
// each argument in the call's order (known? type? value?), then omitted params that must be given.
// Java and JavaScript differ only in how an argument reaches the type check: it must be a
// string (else type_error:java / type_error:js), which BFCL's type converter turns into a Python
// value by the parameter's type (java-types.ts, javascript-types.ts); from there all is as Python.

import { BfclDataError } from './errors.ts';
import { javaTypeConverter } from './java-types.ts';
import { jsTypeConverter } from './javascript-types.ts';
import { hasKey, pyIn, pyRepr, pyTypeName, type PyTypeName } from '../../datasets/bfcl/python.ts';
import type { BfclLanguage, BfclParam, BfclVerdict, CheckOptions, DecodedCall, FunctionDoc, GroundTruthCall, PyValue } from '../../datasets/bfcl/types.ts';
import { dictCheck, type Failure, JAVA_TYPE, JS_TYPE, listCheck, listDictCheck, othersCheck, PYTHON_TYPE, stringCheck, typeCheck } from './values.ts';

/** A fresh passing verdict (fresh, so a caller that edits its errors edits only its own). */
export function validVerdict(): BfclVerdict {
  return { valid: true, error_type: null, errors: [] };
}

/** The name a model is expected to call: with `underscoreToDot`, "math.factorial" is "math_factorial". */
export function expectedName(name: string, options: CheckOptions = {}): string {
  return options.underscoreToDot ? name.replaceAll('.', '_') : name;
}

export function checkCall(doc: FunctionDoc, call: DecodedCall, answer: GroundTruthCall, options: CheckOptions = {}): BfclVerdict {
  const failure = firstFailure(doc, call, answer, options);
  return failure ? { valid: false, ...failure } : validVerdict();
}

function firstFailure(doc: FunctionDoc, call: DecodedCall, answer: GroundTruthCall, options: CheckOptions): Failure | null {
  const name = expectedName(doc.name, options);
  if (call.name !== name) {
    return { error_type: 'simple_function_checker:wrong_func_name', errors: [`Function name ${pyRepr(name)} not found in model output.`] };
  }
  const args = call.arguments;
  const properties = doc.parameters.properties;
  for (const param of doc.parameters.required) {
    if (!hasKey(args, param)) {
      return { error_type: 'simple_function_checker:missing_required', errors: [`Missing required parameter: ${pyRepr(param)}.`] };
    }
  }
  for (const [param, given] of Object.entries(args)) {
    // A parameter the schema has but the possible answer does not list is unexpected too.
    if (!hasKey(properties, param) || !hasKey(answer.params, param)) {
      return { error_type: 'simple_function_checker:unexpected_param', errors: [`Unexpected parameter: ${pyRepr(param)}.`] };
    }
    const failure = argumentFailure(param, given, properties[param]!, answer.params[param]!, options.language ?? 'python');
    if (failure) return failure;
  }
  for (const [param, allowed] of Object.entries(answer.params)) {
    if (!hasKey(args, param) && !pyIn('', allowed)) {
      return {
        error_type: 'simple_function_checker:missing_optional',
        errors: [`Optional parameter ${pyRepr(param)} not provided and not marked as optional.`],
      };
    }
  }
  return null;
}

function argumentFailure(param: string, given: PyValue, schema: BfclParam, allowed: PyValue[], language: BfclLanguage): Failure | null {
  const prepared = language === 'python' ? pythonArgument(given, schema) : convertedArgument(param, given, schema, language);
  if ('error_type' in prepared) return prepared;
  const { value, expected, nested } = prepared;
  const typed = typeCheck(param, value, allowed, schema.type, expected, nested);
  if (typed.failure) return typed.failure;
  if (typed.isVariable) return othersCheck(param, value, allowed);
  if (expected === 'dict') return dictCheck(param, value, allowed);
  if (expected === 'list' && nested === 'dict') return listDictCheck(param, value as PyValue[], allowed);
  if (expected === 'str') return stringCheck(param, value as string, allowed);
  if (expected === 'list') return listCheck(param, value as PyValue[], allowed);
  return othersCheck(param, value, allowed);
}

/** An argument ready for the type check: its value, the Python type the schema wants, and an array's item type. */
interface Prepared {
  value: PyValue;
  expected: PyTypeName;
  nested: PyTypeName | null;
}

const NESTED_PYTHON = ['array', 'tuple'];
// BFCL's NESTED_CONVERSION_TYPE_LIST, for Java and JavaScript alike.
const NESTED_CONVERTED = ['Array', 'ArrayList', 'array'];

function pythonArgument(given: PyValue, schema: BfclParam): Prepared {
  const expected = tableType(PYTHON_TYPE, schema.type, 'Python');
  const nested = NESTED_PYTHON.includes(schema.type) ? tableType(PYTHON_TYPE, itemType(schema), 'Python') : null;
  // Python converts an int to a float where a float is expected (only at the top level: list
  // elements are not converted, so [1, 2] is not a list of floats).
  const value = schema.type === 'float' && typeof given === 'bigint' ? Number(given) : given;
  return { value, expected, nested };
}

/** Java and JavaScript: a string of source text, converted by the parameter's type (no int→float step). */
function convertedArgument(param: string, given: PyValue, schema: BfclParam, language: 'java' | 'javascript'): Prepared | Failure {
  const java = language === 'java';
  const expected = tableType(java ? JAVA_TYPE : JS_TYPE, schema.type, java ? 'Java' : 'JavaScript');
  if (typeof given !== 'string') {
    return {
      error_type: java ? 'type_error:java' : 'type_error:js',
      errors: [`Incorrect type for parameter ${pyRepr(param)}. Expected type String, got ${pyTypeName(given)}. Parameter value: ${pyRepr(given)}.`],
    };
  }
  const convert = java ? javaTypeConverter : jsTypeConverter;
  if (!NESTED_CONVERTED.includes(schema.type)) return { value: convert(given, schema.type), expected, nested: null };
  const nestedType = itemType(schema);
  const nested = tableType(java ? JAVA_TYPE : JS_TYPE, nestedType, java ? 'Java' : 'JavaScript');
  return { value: convert(given, schema.type, nestedType), expected, nested };
}

/** BFCL looks the type up in its language's table and crashes (KeyError) on a name the table lacks. */
function tableType(table: Readonly<Record<string, PyTypeName>>, type: string, language: string): PyTypeName {
  if (!Object.hasOwn(table, type)) throw new BfclDataError(`BFCL's ${language} checker has no parameter type '${type}'`);
  return table[type]!;
}

function itemType(schema: BfclParam): string {
  if (schema.items === undefined) throw new BfclDataError(`a '${schema.type}' parameter needs "items" with a "type" (BFCL reads items.type)`);
  return schema.items.type;
}
