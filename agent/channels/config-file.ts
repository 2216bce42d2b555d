// Reads a JSON config file (lunar.telegram.json, lunar.server.json) through a zod schema. What is
// wrong is one line naming the file, the line and the field — an InputError, so exit code 2.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../../core/errors.ts';

export function readJsonConfig<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read the config file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}:${syntaxErrorLine(text, error as Error)}: (file): not valid JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issuePath(issue);
  const field = path.length ? path.join('.') : '(file)';
  throw new InputError(`${file}:${lineOfPath(text, path)}: ${field}: ${issue.message}`);
}

/** Where a zod issue is: its path, and for a misspelt field the field itself, so it is named as written. */
export function issuePath(issue: z.core.$ZodIssue): PropertyKey[] {
  return issue.code === 'unrecognized_keys' && issue.keys.length ? [...issue.path, issue.keys[0]!] : issue.path;
}

/** The line of a JSON.parse error, from the position its message gives. */
function syntaxErrorLine(text: string, error: Error): number {
  const position = /at position (\d+)/.exec(error.message)?.[1];
  return position === undefined ? text.trimEnd().split('\n').length : text.slice(0, Number(position)).split('\n').length;
}

/**
 * The line where the value at `path` starts (JSON is YAML, and the yaml parser keeps positions);
 * for a field that is missing, the line of the nearest object that holds it.
 */
function lineOfPath(text: string, path: readonly PropertyKey[]): number {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines });
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth) as (string | number)[], true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return lines.linePos(range[0]).line;
  }
  return 1;
}

/** The config file to read: the one named by a flag, else `fallback` in the working folder when it is there. */
export function configFileToRead(named: string | undefined, fallback: string, cwd: string): string | undefined {
  if (named) return resolve(cwd, named);
  const local = resolve(cwd, fallback);
  return existsSync(local) ? local : undefined;
}

/** The workspace folder: a flag's relative to the working folder, a config file's relative to the file. */
export function workspaceFolder(flag: string | undefined, fromFile: string | undefined, configFile: string | undefined, cwd: string): string {
  if (flag) return resolve(cwd, flag);
  if (fromFile && configFile) return resolve(dirname(configFile), fromFile);
  return resolve(cwd, 'datasets/workspace');
}
