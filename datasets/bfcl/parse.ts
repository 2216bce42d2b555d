// Reads BFCL's JSONL files (questions, possible answers, model outputs) without losing what
// Python's json.loads keeps: `5` is an int and `5.0` a float. A bad line stops the read with
// `file:line: field: what is wrong`.

import type { z } from 'zod';
import { InputError } from '../../core/errors.ts';
import { bfclCategoryRule } from './categories.ts';
import { OutputLine, PossibleAnswer, type PyValue, Question, questionShapeFor } from './types.ts';
import { packages } from '../../core/packages.ts';
import { parseJsonl as parseGenericJsonl, type Located } from '../jsonl.ts';

export type { Located };

/**
 * JSON text as Python's json.loads reads it: a number token with `.`, `e` or `E` is a float
 * (`number`), any other an int (`bigint`); a repeated key keeps its first position and its last
 * value. Throws SyntaxError on text that is not JSON.
 */
export function parsePythonJson(text: string): PyValue {
  return packages.losslessJson.parse(text, null, {
    parseNumber: (token) => (/[.eE]/.test(token) ? Number.parseFloat(token) : BigInt(token)),
    onDuplicateKey: ({ newValue }) => newValue,
  }) as PyValue;
}

/** BFCL's JSONL files, decoded losslessly: ints and floats stay apart, as in Python. */
export function parseJsonl<S extends z.ZodType>(text: string, file: string, shape: S, decode: (line: string) => unknown = parsePythonJson): Located<z.output<S>>[] {
  return parseGenericJsonl(text, file, shape, { decode });
}

/**
 * A question file (BFCL_v4_<category>.json) by id. The parameter types must be those of the
 * category's language (Java's in simple_java, JavaScript's in simple_javascript, else Python's);
 * without a category, Python's.
 */
export function parseQuestions(text: string, file: string, category?: string): Map<string, Located<Question>> {
  const shape = category === undefined ? Question : questionShapeFor(bfclCategoryRule(category).language);
  return byId(parseJsonl(text, file, shape), file);
}

/** A possible-answer file by id. */
export function parsePossibleAnswers(text: string, file: string): Map<string, Located<PossibleAnswer>> {
  return byId(parseJsonl(text, file, PossibleAnswer), file);
}

/** Model outputs, in file order: `{"id", "calls": [{"name", "arguments"}], "underscore_to_dot"?}` per line. */
export function parseOutputs(text: string, file: string): Located<OutputLine>[] {
  return parseJsonl(text, file, OutputLine);
}

function byId<T extends { id: string }>(rows: Located<T>[], file: string): Map<string, Located<T>> {
  const map = new Map<string, Located<T>>();
  for (const row of rows) {
    const first = map.get(row.value.id);
    if (first) throw new InputError(`${file}:${row.line}: id: '${row.value.id}' repeats line ${first.line}`);
    map.set(row.value.id, row);
  }
  if (map.size === 0) throw new InputError(`${file}: the file has no entries`);
  return map;
}
