// τ-bench's tasks: a user, the ground-truth actions, the simulated user's instruction and the
// strings the agent must say. Task files are JSON arrays; each element is checked with zod and a bad
// one is reported as file:line: field: message. Action arguments keep Python's types (an amount
// written 100.0 stays a float), since the reward compares databases the way Python prints them.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { toJs, type PyDict, type PyValue } from '../python/value.ts';
import { issueMessage, TauInputError } from './input-error.ts';
import { parseJsonArrayFile } from './json-array-file.ts';
import type { TauDomainName } from './tool.ts';

/** τ-bench's name for the agent's reply to the user, recorded as an action. */
export const RESPOND_ACTION_NAME = 'respond';

export interface TauAction {
  name: string;
  /** Arguments as Python has them; for `respond`, {content}. */
  kwargs: PyDict;
}

export interface TauTask {
  user_id: string;
  actions: TauAction[];
  instruction: string;
  outputs: string[];
}

export const TaskShape = z.object({
  user_id: z.string(),
  actions: z.array(z.object({ name: z.string().min(1), kwargs: z.record(z.string(), z.unknown()) })),
  instruction: z.string(),
  outputs: z.array(z.string()),
});

/** A task from its parsed Python value, checked; `where` prefixes the error. */
export function taskFromPy(value: PyValue, where: string): TauTask {
  const parsed = TaskShape.safeParse(toJs(value));
  if (!parsed.success) throw new TauInputError(issueMessage(where, parsed.error.issues));
  const dict = value as PyDict;
  const actions = (dict.get('actions') as PyDict[]).map((a) => ({ name: a.get('name') as string, kwargs: a.get('kwargs') as PyDict }));
  return { ...parsed.data, actions };
}

/** Tasks from the text of a task file (a JSON array). */
export function parseTasks(text: string, file: string): TauTask[] {
  return parseJsonArrayFile(text, file, 'tasks').map(({ value, where }) => taskFromPy(value, where));
}

export type TauSplit = 'train' | 'dev' | 'test';

/** <dataDir>/<domain>/tasks.<split>.json */
export function taskFile(domain: TauDomainName, split: TauSplit, dataDir: string): string {
  return path.join(dataDir, domain, `tasks.${split}.json`);
}

export function loadTauTasks(domain: TauDomainName, split: TauSplit, dataDir: string): TauTask[] {
  const file = taskFile(domain, split, dataDir);
  return parseTasks(readFileSync(file, 'utf8'), file);
}
