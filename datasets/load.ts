// Reads a JSONL dataset. Every line is checked before anything runs; the first bad line stops
// the load with `file:line: field: what is wrong`.

import { Case } from './case.ts';
import { parseJsonl } from './jsonl.ts';
import { InputError } from '../core/errors.ts';
import { readUtf8 } from './text-file.ts';

export interface Dataset {
  path: string;
  cases: Case[];
}

export function loadDataset(path: string): Dataset {
  const text = readUtf8(path, 'dataset');
  const seen = new Map<string, number>();
  const cases = parseJsonl(text, path, Case, { comments: true }).map(({ value, line }) => {
    const first = seen.get(value.id);
    if (first !== undefined) throw new InputError(`${path}:${line}: id: "${value.id}" repeats line ${first}`);
    seen.set(value.id, line);
    return value;
  });
  if (cases.length === 0) throw new InputError(`${path}: the dataset has no cases`);
  return { path, cases };
}
