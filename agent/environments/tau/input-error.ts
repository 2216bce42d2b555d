// A problem with an input file (tasks, trajectories, tools.json): the message names the file, the
// line and the field, the way the rest of Lunar reports bad input.

import { InputError } from '../../../core/errors.ts';

/** Bad input like any other: exit 2 with this one line. */
export class TauInputError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'TauInputError';
  }
}

/** "file:line: field: message" for the first zod issue. */
export function issueMessage(where: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const issue = issues[0]!;
  const field = issue.path.length ? issue.path.map(String).join('.') : '(value)';
  return `${where}: ${field}: ${issue.message}`;
}

/** The 1-based line of an offset in a text. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
