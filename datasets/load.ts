// Reads a JSONL dataset. Every line is checked before anything runs; the first bad line stops
// the load with `file:line: field: what is wrong`.

import { readFileSync } from 'node:fs';
import { Case } from './case.ts';
import { InputError } from '../runners/input-error.ts';

export interface Dataset {
  path: string;
  cases: Case[];
}

export function loadDataset(path: string): Dataset {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`${path}: cannot read dataset (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const cases: Case[] = [];
  const seen = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('//')) continue;
    const where = `${path}:${i + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new InputError(`${where}: (line): not valid JSON: ${(error as Error).message}`);
    }
    const parsed = Case.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.length ? issue.path.join('.') : '(line)';
      throw new InputError(`${where}: ${field}: ${issue.message}`);
    }
    const first = seen.get(parsed.data.id);
    if (first !== undefined) throw new InputError(`${where}: id: "${parsed.data.id}" repeats line ${first}`);
    seen.set(parsed.data.id, i + 1);
    cases.push(parsed.data);
  }
  if (cases.length === 0) throw new InputError(`${path}: the dataset has no cases`);
  return { path, cases };
}
