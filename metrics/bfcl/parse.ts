// Reads BFCL's JSONL files (questions, possible answers, model outputs) without losing what
// Python's json.loads keeps: `5` is an int and `5.0` a float. A bad line stops the read with
// `file:line: field: what is wrong`.

import type { z } from 'zod';
import { InputError } from '../../runners/input-error.ts';
import { type OutputLine, OutputLineShape, type PossibleAnswer, PossibleAnswerShape, type PyValue, type Question, QuestionShape } from './types.ts';
import { packages } from '../../agent/packages.ts';

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

/** A value read from a file, with the line it came from (1-based), for messages that point at it. */
export interface Located<T> {
  value: T;
  line: number;
}

/**
 * Every non-blank line of a JSONL text, decoded (losslessly, by default) and checked against
 * `shape`; the first bad line throws an InputError naming file, line and field.
 */
export function parseJsonl<S extends z.ZodType>(text: string, file: string, shape: S, decode: (line: string) => unknown = parsePythonJson): Located<z.output<S>>[] {
  const out: Located<z.output<S>>[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const where = `${file}:${i + 1}`;
    let json: unknown;
    try {
      json = decode(line);
    } catch (error) {
      throw new InputError(`${where}: (line): not valid JSON: ${(error as Error).message}`);
    }
    const parsed = shape.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.length ? issue.path.join('.') : '(line)';
      throw new InputError(`${where}: ${field}: ${issue.message}`);
    }
    out.push({ value: parsed.data, line: i + 1 });
  }
  return out;
}

/** A question file (BFCL_v4_<category>.json) by id. */
export function parseQuestions(text: string, file: string): Map<string, Located<Question>> {
  return byId(parseJsonl(text, file, QuestionShape), file);
}

/** A possible-answer file by id. */
export function parsePossibleAnswers(text: string, file: string): Map<string, Located<PossibleAnswer>> {
  return byId(parseJsonl(text, file, PossibleAnswerShape), file);
}

/** Model outputs, in file order: `{"id", "calls": [{"name", "arguments"}], "underscore_to_dot"?}` per line. */
export function parseOutputs(text: string, file: string): Located<OutputLine>[] {
  return parseJsonl(text, file, OutputLineShape);
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
