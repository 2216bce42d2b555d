// One argument against its list of acceptable values, by BFCL's rules (ast_checker.py): the type
// check, then a value check chosen by the schema type. Ported rule for rule, quirks included, so
// the verdicts and error types are BFCL's.

import { hasKey, isPyDict, pyIn, pyRepr, pyTypeName, type PyTypeName } from '../../datasets/bfcl/python.ts';
import type { BfclErrorType, BfclType, JavascriptType, JavaType, PyDict, PyValue } from '../../datasets/bfcl/types.ts';

/** A failed check: BFCL's error type and its messages. */
export interface Failure {
  error_type: BfclErrorType;
  errors: string[];
}

/** The Python type BFCL expects for each schema type (`any` means a string to BFCL): PYTHON_TYPE_MAPPING. */
export const PYTHON_TYPE: Readonly<Record<BfclType, PyTypeName>> = {
  string: 'str',
  integer: 'int',
  float: 'float',
  boolean: 'bool',
  array: 'list',
  tuple: 'list',
  dict: 'dict',
  any: 'str',
};

/** The Python type a converted Java argument must have (type_mappings.py's JAVA_TYPE_CONVERSION). */
export const JAVA_TYPE: Readonly<Record<JavaType, PyTypeName>> = {
  byte: 'int',
  short: 'int',
  integer: 'int',
  float: 'float',
  double: 'float',
  long: 'int',
  boolean: 'bool',
  char: 'str',
  Array: 'list',
  ArrayList: 'list',
  Set: 'set',
  HashMap: 'dict',
  Hashtable: 'dict',
  Queue: 'list',
  Stack: 'list',
  String: 'str',
  any: 'str',
};

/** The Python type a converted JavaScript argument must have (type_mappings.py's JS_TYPE_CONVERSION). */
export const JS_TYPE: Readonly<Record<JavascriptType, PyTypeName>> = {
  String: 'str',
  integer: 'int',
  float: 'float',
  Bigint: 'int',
  Boolean: 'bool',
  dict: 'dict',
  array: 'list',
  any: 'str',
};

/**
 * BFCL's string normalisation: delete every space, comma, period, slash, hyphen, underscore,
 * asterisk and caret, lowercase, and turn `'` into `"`. Tabs, NBSP, `!?:()` stay.
 */
export function standardizeString(text: string): string {
  return text.replace(/[ ,./\-_*^]/g, '').toLowerCase().replaceAll("'", '"');
}

export interface TypeCheck {
  failure: Failure | null;
  /**
   * The acceptable values are of another type than the schema's (BFCL calls these "variables"):
   * the value is then compared by plain equality, with no normalisation.
   */
  isVariable: boolean;
}

/**
 * The value's Python type must be the schema's, or the type of the first acceptable value that is
 * not `""`. A list's elements are checked one level deep against `nested`, against each list
 * among the acceptable values (a non-list alternative, such as `""`, lets any elements through).
 */
export function typeCheck(
  param: string,
  value: PyValue,
  allowed: readonly PyValue[],
  typeDescription: string,
  expected: PyTypeName,
  nested: PyTypeName | null,
): TypeCheck {
  const answerType = possibleAnswerType(allowed);
  const isVariable = answerType !== null && answerType !== expected;
  const actual = pyTypeName(value);
  const errors: string[] = [];
  let errorType: BfclErrorType = 'type_error:simple';
  if (actual === expected) {
    if (nested === null) return { failure: null, isVariable };
    const items = value as PyValue[];
    const fitsSome = allowed.some(
      (alternative) =>
        !Array.isArray(alternative) ||
        items.every((item) => typeCheck(param, item, alternative, `<class '${nested}'>`, nested, null).failure === null),
    );
    if (fitsSome) return { failure: null, isVariable };
    errors.push(
      `Nested type checking failed for parameter ${pyRepr(param)}. Expected outer type ${typeDescription} with inner type <class '${nested}'>. Parameter value: ${pyRepr(value)}.`,
    );
    errorType = 'type_error:nested';
  }
  if (answerType !== null && actual === answerType) {
    // BFCL returns here even when the nested check above failed: that failure stands.
    return { failure: errors.length ? { error_type: errorType, errors } : null, isVariable: true };
  }
  errors.push(`Incorrect type for parameter ${pyRepr(param)}. Expected type ${typeDescription}, got ${actual}. Parameter value: ${pyRepr(value)}.`);
  return { failure: { error_type: 'type_error:simple', errors }, isVariable };
}

function possibleAnswerType(allowed: readonly PyValue[]): PyTypeName | null {
  const first = allowed.find((a) => a !== '');
  return first === undefined ? null : pyTypeName(first);
}

/** A string parameter: equal, after normalisation, to one of the acceptable strings. */
export function stringCheck(param: string, value: string, allowed: readonly PyValue[]): Failure | null {
  const wanted = allowed.filter((a): a is string => typeof a === 'string').map(standardizeString);
  if (wanted.includes(standardizeString(value))) return null;
  return {
    error_type: 'value_error:string',
    errors: [`Invalid value for parameter ${pyRepr(param)}: ${pyRepr(value)}. Expected one of ${pyRepr([...allowed])}. Case insensitive.`],
  };
}

/** An array parameter: equal, in order, to one acceptable list once their top-level strings are normalised. */
export function listCheck(param: string, value: readonly PyValue[], allowed: readonly PyValue[]): Failure | null {
  const given = value.map(standardizeIfString);
  const wanted = allowed.flatMap((alternative) => {
    // BFCL walks each alternative with len() and indexing, so `""` reads as the empty list.
    const items = sequenceItems(alternative);
    return items === null ? [] : [items.map(standardizeIfString)];
  });
  if (pyIn(given, wanted)) return null;
  return {
    error_type: 'value_error:list/tuple',
    errors: [`Invalid value for parameter ${pyRepr(param)}: ${pyRepr([...value])}. Expected one of ${pyRepr([...allowed])}.`],
  };
}

/**
 * A dict parameter, against each acceptable dict in turn (skipping `""`): every key given must be
 * expected, with a value among that key's acceptable ones (normalised if a string), and every
 * expected key not given must accept `""`. The last alternative's failure is reported.
 */
export function dictCheck(param: string, value: PyValue, allowed: readonly PyValue[]): Failure | null {
  if (!isPyDict(value)) {
    // BFCL would crash here (a list of dicts whose elements were let through by a `""` alternative).
    return { error_type: 'value_error:dict_value', errors: [`Invalid value for parameter ${pyRepr(param)}: ${pyRepr(value)}. Expected a dict.`] };
  }
  let result: Failure = { error_type: 'dict_checker:unclear', errors: [] };
  for (const alternative of allowed) {
    if (alternative === '') continue;
    result = { error_type: 'dict_checker:unclear', errors: [] };
    // An alternative that is not a dict has no keys (BFCL would misbehave or crash on one).
    const expected: PyDict = isPyDict(alternative) ? alternative : {};
    let fits = true;
    for (const [key, given] of Object.entries(value)) {
      if (!hasKey(expected, key)) {
        result.errors.push(`Unexpected dict key parameter: '${key}'.`);
        result.error_type = 'value_error:dict_key';
        fits = false;
        break;
      }
      const wanted = (sequenceItems(expected[key]!) ?? []).map(standardizeIfString);
      if (!pyIn(standardizeIfString(given), wanted)) {
        result.errors.push(`Invalid value for parameter ${pyRepr(key)}: ${pyRepr(given)}. Expected one of ${pyRepr(wanted)}.`);
        result.error_type = 'value_error:dict_value';
        fits = false;
        break;
      }
    }
    // BFCL runs this loop even after a failure above, so a missing key can override its error type.
    for (const [key, wanted] of Object.entries(expected)) {
      if (!hasKey(value, key) && !acceptsEmpty(wanted)) {
        result.errors.push(`Missing dict key parameter: '${key}'.`);
        result.error_type = 'value_error:dict_key';
        fits = false;
        break;
      }
    }
    if (fits) return null;
  }
  return result;
}

/** An array of dicts: the same length as an acceptable list, each dict matching its counterpart, in order. */
export function listDictCheck(param: string, value: readonly PyValue[], allowed: readonly PyValue[]): Failure | null {
  let result: Failure = { error_type: 'list_dict_checker:unclear', errors: [] };
  for (const alternative of allowed) {
    const expected = sequenceItems(alternative);
    if (expected === null) continue;
    if (expected.length !== value.length) {
      result = { error_type: 'value_error:list_dict_count', errors: ['Wrong number of dictionaries in the list.'] };
      continue;
    }
    let fits = true;
    for (let i = 0; i < value.length; i++) {
      const failure = dictCheck(param, value[i]!, [expected[i]!]);
      result = failure ?? { error_type: 'list_dict_checker:unclear', errors: [] };
      if (failure) {
        fits = false;
        break;
      }
    }
    if (fits) return null;
  }
  return result;
}

/** Any other value (int, float, bool, or a "variable"): Python-equal to an acceptable value. */
export function othersCheck(param: string, value: PyValue, allowed: readonly PyValue[]): Failure | null {
  if (pyIn(value, allowed)) return null;
  return {
    error_type: 'value_error:others',
    errors: [`Invalid value for parameter ${pyRepr(param)}: ${pyRepr(value)}. Expected one of ${pyRepr([...allowed])}.`],
  };
}

function standardizeIfString(value: PyValue): PyValue {
  return typeof value === 'string' ? standardizeString(value) : value;
}

/** What Python's len() and indexing see: a list's items, a string's characters; null where BFCL would crash. */
function sequenceItems(value: PyValue): PyValue[] | null {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return Array.from(value);
  return null;
}

/** Python's `"" in wanted`: membership for a list, always true for a string (a substring test). */
function acceptsEmpty(wanted: PyValue): boolean {
  if (Array.isArray(wanted)) return pyIn('', wanted);
  if (typeof wanted === 'string') return true;
  return isPyDict(wanted) && hasKey(wanted, '');
}
