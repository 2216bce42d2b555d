// BFCL's Java type conversion (eval_checker/ast_eval/type_convertor/java_type_converter.py),
// rule for rule. In simple_java a model gives every argument as a string of Java source
// ("42", "3.5f", "new ArrayList<>(Arrays.asList(\"a\"))"); BFCL turns it into a Python value by
// the parameter's Java type and then runs the same type and value checks as for Python. Text
// that does not have the type's form stays the string it was, which then fails the type check
// unless the possible answer is itself a string (a "variable"). The patterns are BFCL's, with
// Python's regex semantics (python-text.ts).

import { BfclCrashError, BfclDataError } from './errors.ts';
import { pyDictSet, pyFindAll, pyFloat, pyInt, pyPattern, pySlice, pyStrip } from './python-text.ts';
import { JavaType, type PyDict, type PyValue } from '../../datasets/bfcl/types.ts';

const KNOWN = new Set<string>(JavaType.options);

const INTEGER = pyPattern(String.raw`^-?\d+$`, { anchored: true });
const FLOAT = pyPattern(String.raw`^-?\d+(\.\d+)?([eE][+-]?\d+)?[fF]$`, { anchored: true });
const FLOAT_SUFFIX = pyPattern(String.raw`[fF]$`, { global: true });
const DOUBLE = pyPattern(String.raw`^-?\d+(\.\d+)?([eE][+-]?\d+)?$`, { anchored: true });
const LONG = pyPattern(String.raw`^-?\d+[lL]$`, { anchored: true });
const LONG_SUFFIX = pyPattern(String.raw`[lL]$`, { global: true });

const ARRAYLIST_AS_LIST = pyPattern(String.raw`new\s+ArrayList<\w*>\(Arrays\.asList\((.+?)\)\)`);
const ARRAYLIST_ADDS = pyPattern(String.raw`new\s+ArrayList<\w*>\(\)\s*\{\{\s*(.+?)\s*\}\}`, { dotAll: true });
const ADD = pyPattern(String.raw`add\((.+?)\)`, { global: true });
const ARRAYLIST_EMPTY = pyPattern(String.raw`new\s+ArrayList<\w*>\(\)`);
const ARRAY = pyPattern(String.raw`new\s+\w+\[\]\s*\{(.*?)\}`);
const HASHMAP = pyPattern(String.raw`new\s+HashMap<.*?>\s*\(\)\s*\{\s*\{?\s*(.*?)\s*\}?\s*\}`, { dotAll: true });
const PUT = pyPattern(String.raw`put\(\"(.*?)\",\s*(.*?)\)`, { global: true });
const HASHMAP_EMPTY = pyPattern(String.raw`new\s+HashMap<.*?>\s*\(\)`);

/**
 * A Java argument's text as the Python value BFCL checks. `nestedType` is the `items.type` of an
 * Array or ArrayList parameter. Throws BfclDataError where BFCL raises (a type outside its
 * table, or Set, Hashtable, Queue and Stack, which it never implemented).
 */
export function javaTypeConverter(value: string, expectedType: string, nestedType?: string): PyValue {
  if (!KNOWN.has(expectedType)) throw new BfclDataError(`BFCL's Java checker has no type '${expectedType}' (java_type_converter: Unsupported type)`);
  switch (expectedType) {
    case 'byte':
    case 'short':
    case 'integer':
      return INTEGER.test(value) ? toInt(value) : value;
    case 'float':
      return FLOAT.test(value) ? toFloat(value.replace(FLOAT_SUFFIX, '')) : value;
    case 'double':
      return DOUBLE.test(value) ? toFloat(value) : value;
    case 'long':
      return LONG.test(value) ? toInt(value.replace(LONG_SUFFIX, '')) : value;
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'char':
      // BFCL tests r"^\'.$\'", which nothing matches ("$" then "'"): a char stays its text.
      return value;
    case 'Array':
      return parseArray(value, nestedType);
    case 'ArrayList':
      return parseArrayList(value, nestedType);
    case 'HashMap':
      return parseHashMap(value);
    case 'String':
    case 'any':
      return value;
    default:
      // Set, Hashtable, Queue, Stack.
      throw new BfclDataError(`BFCL's Java checker cannot convert a ${expectedType} argument (java_type_converter: not implemented)`);
  }
}

/** `new ArrayList<>(Arrays.asList(a, b))`, `new ArrayList<>() {{ add(a); add(b); }}` or `new ArrayList<>()`; other text stays as it is. */
function parseArrayList(input: string, nestedType: string | undefined): PyValue {
  const asList = ARRAYLIST_AS_LIST.exec(input);
  if (asList) return asList[1]!.split(',').map((element) => listElement(pyStrip(element), nestedType));
  const adds = ARRAYLIST_ADDS.exec(input);
  if (adds) return pyFindAll(ADD, adds[1]!).map((element) => listElement(pyStrip(element as string), nestedType));
  if (ARRAYLIST_EMPTY.test(input)) return [];
  return input;
}

/** An ArrayList element: a char or String loses its first and last character (the quotes, unchecked). */
function listElement(text: string, nestedType: string | undefined): PyValue {
  if (nestedType === 'char' || nestedType === 'String') return pySlice(text, 1, -1);
  return nestedType ? javaTypeConverter(text, nestedType) : parseJavaValue(text);
}

/**
 * `new T[]{a, b}`: the elements split at every comma, blanks dropped, each converted by the item
 * type. Unlike ArrayList, String elements keep their quotes (`"a"` stays `"a"`), as in BFCL.
 */
function parseArray(input: string, nestedType: string | undefined): PyValue {
  const match = ARRAY.exec(input);
  if (!match) return input;
  return match[1]!
    .split(',')
    .filter((element) => pyStrip(element) !== '')
    .map((element) => (nestedType ? javaTypeConverter(pyStrip(element), nestedType) : parseJavaValue(pyStrip(element))));
}

/** `new HashMap<K, V>() {{ put("k", v); }}` or `new HashMap<>()`: keys as written, values by parseJavaValue. */
function parseHashMap(input: string): PyValue {
  const match = HASHMAP.exec(input);
  if (match) {
    const elements: PyDict = {};
    const puts = match[1]!;
    if (pyStrip(puts) !== '') {
      for (const [key, value] of pyFindAll(PUT, puts) as string[][]) pyDictSet(elements, key!, parseJavaValue(pyStrip(value!)));
    }
    return elements;
  }
  if (HASHMAP_EMPTY.test(input)) return {};
  return input;
}

/** A Java literal with no declared type: true/false, "text", 5L, 2.5f, else int(), float(), or the text itself. */
function parseJavaValue(text: string): PyValue {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text.startsWith('"') && text.endsWith('"')) return pySlice(text, 1, -1);
  if (LONG.test(text)) return toInt(pySlice(text, 0, -1));
  if (FLOAT.test(text)) return toFloat(text.replace(FLOAT_SUFFIX, ''));
  return pyInt(text) ?? pyFloat(text) ?? text;
}

function toInt(text: string): bigint {
  const value = pyInt(text);
  if (value === null) throw new BfclCrashError(`BFCL's Java checker raises ValueError on int(${JSON.stringify(text)})`);
  return value;
}

function toFloat(text: string): number {
  const value = pyFloat(text);
  if (value === null) throw new BfclCrashError(`BFCL's Java checker raises ValueError on float(${JSON.stringify(text)})`);
  return value;
}
