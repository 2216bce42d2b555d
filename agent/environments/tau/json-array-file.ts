// τ-bench's task and trajectory files are each one JSON array read as Python values (250.0 stays
// a float). Both are read here, so a syntax error or a top-level value that is not an array is
// reported the same way, and each element carries `file:line` for its own messages.

import { JsonSyntaxError, parsePyJson } from '../python/json.ts';
import type { PyValue } from '../python/value.ts';
import { lineAt, TauInputError } from './input-error.ts';

/** The array's elements, each with where it starts (`file:line`); `what` names them in the error. */
export function parseJsonArrayFile(text: string, file: string, what: string): { value: PyValue; where: string }[] {
  const starts: number[] = [];
  let value: PyValue;
  try {
    value = parsePyJson(text, { onTopLevelElement: (offset) => starts.push(offset) });
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new TauInputError(`${file}:${lineAt(text, error.offset)}: (file): ${error.message}`);
    throw error;
  }
  if (!Array.isArray(value)) throw new TauInputError(`${file}:1: (file): expected a JSON array of ${what}`);
  return value.map((element, i) => ({ value: element, where: `${file}:${lineAt(text, starts[i]!)}` }));
}
