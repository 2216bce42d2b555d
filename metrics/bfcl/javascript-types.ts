// BFCL's JavaScript type conversion (eval_checker/ast_eval/type_convertor/js_type_converter.py),
// rule for rule. In simple_javascript a model gives every argument as a string of JavaScript
// source ("42", "'text'", "[1, 2]", "{key: 'v'}"); BFCL turns it into a Python value by the
// parameter's type and then runs the same type and value checks as for Python. Text without the
// type's form stays the string it was. The patterns are BFCL's, with Python's regex semantics
// (python-text.ts), quirks included (a comma inside an array element splits it).

import { BfclCrashError, BfclDataError } from './errors.ts';
import { pyDictSet, pyFindAll, pyFloat, pyInt, pyPattern, pySlice, pyStrip } from './python-text.ts';
import { JavascriptType, type PyDict, type PyValue } from '../../datasets/bfcl/types.ts';

const KNOWN = new Set<string>(JavascriptType.options);

const INTEGER = pyPattern(String.raw`^-?\d+$`, { anchored: true });
const FLOAT = pyPattern(String.raw`^-?\d+(\.\d+)?$`, { anchored: true });
const BIGINT = pyPattern(String.raw`^-?\d+n$`, { anchored: true });

const ARRAY_2D = pyPattern(String.raw`\[\s*\[.*?\]\s*(,\s*\[.*?\]\s*)*\]|\bnew\s+Array\(\s*\[.*?\]\s*(,\s*\[.*?\]\s*)*\)`, { anchored: true });
const ARRAY = pyPattern(String.raw`\[(.*?)\]|\bnew\s+Array\((.*?)\)`, { anchored: true });
const INNER_ARRAY = pyPattern(String.raw`\[(.*?)\]`, { global: true });
const DICT = pyPattern(String.raw`\{(.*?)\}`, { anchored: true });
const DICT_PAIR = pyPattern(String.raw`([^:]+):\s*(.*?)(?:,\s*(?=[^,]+:)|$)`, { global: true });

/**
 * A JavaScript argument's text as the Python value BFCL checks. `nestedType` is the `items.type`
 * of an array parameter. Throws BfclDataError for a type outside BFCL's table, and
 * BfclCrashError for the one text BFCL itself crashes on (a Bigint such as "12n\n").
 */
export function jsTypeConverter(value: string, expectedType: string, nestedType?: string): PyValue {
  if (!KNOWN.has(expectedType)) throw new BfclDataError(`BFCL's JavaScript checker has no type '${expectedType}' (js_type_converter: Unsupported type)`);
  switch (expectedType) {
    case 'String':
      // Quotes are taken off only when the text starts and ends with the same kind.
      if (!(value.startsWith('"') && value.endsWith('"')) && !(value.startsWith("'") && value.endsWith("'"))) return value;
      return pySlice(value, 1, -1);
    case 'integer':
      return INTEGER.test(value) ? toInt(value) : value;
    case 'float':
      // No exponent, no leading "." : "1e3" and ".5" stay strings.
      return FLOAT.test(value) ? toFloat(value) : value;
    case 'Bigint': {
      if (!BIGINT.test(value)) return value;
      const int = pyInt(pySlice(value, 0, -1));
      if (int === null) throw new BfclCrashError(`BFCL's JavaScript checker raises ValueError on int(${JSON.stringify(pySlice(value, 0, -1))}) for the Bigint argument ${JSON.stringify(value)}`);
      return int;
    }
    case 'Boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'dict':
      return parseDict(pyStrip(value));
    case 'array':
      return parseArray(pyStrip(value), nestedType);
    default:
      // any
      return value;
  }
}

/**
 * `[a, b]` or `new Array(a, b)`, matched at the start (anything after the closing bracket is
 * ignored), split at every comma. A two-dimensional form (`[[1, 2], [3, 4]]`) is read first, its
 * elements by parseJsValue whatever the item type. Any error inside leaves the text as it is.
 */
function parseArray(code: string, nestedType: string | undefined): PyValue {
  const twoD = ARRAY_2D.exec(code);
  try {
    if (twoD) {
      return pyFindAll(INNER_ARRAY, twoD[0]).map((found, index) => {
        let inner = pyStrip(found as string);
        if (index === 0 && inner.startsWith('[')) inner = pySlice(inner, 1);
        return inner.split(',').map((element) => parseJsValue(pyStrip(element)));
      });
    }
    const match = ARRAY.exec(code);
    if (!match) return code;
    const listed = match[1] ?? match[2];
    const text = listed === undefined ? '' : pyStrip(listed);
    const elements = text ? text.split(',') : [];
    if (nestedType) {
      return elements.map((element) => {
        const item = pyStrip(element);
        return item.startsWith("'") || item.startsWith('"') ? jsTypeConverter(item, nestedType, 'String') : jsTypeConverter(item, nestedType);
      });
    }
    return elements.map((element) => parseJsValue(pyStrip(element)));
  } catch {
    // BFCL's bare `except:` around the array parsing.
    return code;
  }
}

/**
 * `{key: value, ...}` up to the first "}", its pairs found by BFCL's pattern: keys lose quotes,
 * values in brackets or braces are parsed again (as untyped arrays and dicts), others by
 * parseJsValue after losing their quotes. Text without braces stays as it is.
 */
function parseDict(code: string): PyValue {
  if (code === '{}') return {};
  const match = DICT.exec(code);
  if (!match) return code;
  try {
    const dictionary: PyDict = {};
    for (const [rawKey, rawValue] of pyFindAll(DICT_PAIR, match[1]!) as string[][]) {
      const key = pyStrip(pyStrip(rawKey!), `'"`);
      const value = pyStrip(rawValue!);
      if (value.startsWith('[') && value.endsWith(']')) pyDictSet(dictionary, key, parseArray(pyStrip(value), undefined));
      else if (value.startsWith('{') && value.endsWith('}')) pyDictSet(dictionary, key, parseDict(pyStrip(value)));
      else pyDictSet(dictionary, key, parseJsValue(pyStrip(value, `'"`)));
    }
    return dictionary;
  } catch {
    return code;
  }
}

/** A JavaScript literal with no declared type: true/false, a quoted string, else int(), float(), or the text itself. */
function parseJsValue(input: string): PyValue {
  const text = pyStrip(input);
  if (text === 'true') return true;
  if (text === 'false') return false;
  if ((text.startsWith('"') && text.endsWith('"')) || (text.startsWith("'") && text.endsWith("'"))) return pySlice(text, 1, -1);
  return pyInt(text) ?? pyFloat(text) ?? text;
}

function toInt(text: string): bigint {
  const value = pyInt(text);
  if (value === null) throw new BfclCrashError(`BFCL's JavaScript checker raises ValueError on int(${JSON.stringify(text)})`);
  return value;
}

function toFloat(text: string): number {
  const value = pyFloat(text);
  if (value === null) throw new BfclCrashError(`BFCL's JavaScript checker raises ValueError on float(${JSON.stringify(text)})`);
  return value;
}
