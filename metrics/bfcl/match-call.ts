// One decoded call against one expected call and the offered function's schema: BFCL's
// simple_function_checker. The first failure wins, in BFCL's order: name, required params, then
// each argument in the call's order (known? type? value?), then omitted params that must be given.

import { hasKey, pyIn, pyRepr } from '../../datasets/bfcl/python.ts';
import type { BfclParam, BfclVerdict, CheckOptions, DecodedCall, FunctionDoc, GroundTruthCall, PyValue } from '../../datasets/bfcl/types.ts';
import { dictCheck, type Failure, listCheck, listDictCheck, othersCheck, PYTHON_TYPE, stringCheck, typeCheck } from './values.ts';

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
    const failure = argumentFailure(param, given, properties[param]!, answer.params[param]!);
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

function argumentFailure(param: string, given: PyValue, schema: BfclParam, allowed: PyValue[]): Failure | null {
  const expected = PYTHON_TYPE[schema.type];
  const nested = schema.type === 'array' || schema.type === 'tuple' ? PYTHON_TYPE[schema.items!.type] : null;
  // Python converts an int to a float where a float is expected (only at the top level: list
  // elements are not converted, so [1, 2] is not a list of floats).
  const value = schema.type === 'float' && typeof given === 'bigint' ? Number(given) : given;
  const typed = typeCheck(param, value, allowed, schema.type, expected, nested);
  if (typed.failure) return typed.failure;
  if (typed.isVariable) return othersCheck(param, value, allowed);
  if (expected === 'dict') return dictCheck(param, value, allowed);
  if (expected === 'list' && nested === 'dict') return listDictCheck(param, value as PyValue[], allowed);
  if (expected === 'str') return stringCheck(param, value as string, allowed);
  if (expected === 'list') return listCheck(param, value as PyValue[], allowed);
  return othersCheck(param, value, allowed);
}
