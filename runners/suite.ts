// Suite files (suites/*.yaml): which dataset, which tools, which scorers, which targets. Paths in
// a suite are relative to the suite file. Errors name the file, the field and what is wrong.

import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { InputError } from './input-error.ts';

const ScorerEntry = z.union([z.string().min(1), z.record(z.string(), z.record(z.string(), z.unknown())).refine((r) => Object.keys(r).length === 1, 'a scorer entry names one scorer')]);

export const SuiteShape = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lower-case letters, digits, - and _').optional(),
    description: z.string().optional(),
    dataset: z.string().min(1),
    workspace: z.string().min(1).optional(),
    system: z.string().optional(),
    tools: z.array(z.string().min(1)).optional(),
    targets: z.array(z.string().min(1)).min(1).optional(),
    scorers: z.array(ScorerEntry).min(1),
    temperature: z.number().min(0).max(2).optional(),
    budget: z
      .object({
        max_steps: z.number().int().positive().optional(),
        max_time_ms: z.number().int().positive().optional(),
        max_tokens: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export interface Suite {
  name: string;
  file: string;
  description?: string;
  datasetPath: string;
  workspaceRoot: string;
  system?: string;
  tools?: string[];
  targets?: string[];
  scorers: { name: string; options: Record<string, unknown> }[];
  temperature?: number;
  budget: { maxSteps?: number; maxTimeMs?: number; maxTokens?: number };
}

export function loadSuite(file: string): Suite {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read suite (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    const line = error instanceof YAMLParseError ? (error.linePos?.[0]?.line ?? '?') : '?';
    throw new InputError(`${file}:${line}: (yaml): ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = SuiteShape.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`${file}: ${issue.path.join('.') || '(suite)'}: ${issue.message}`);
  }
  const s = parsed.data;
  const here = dirname(resolve(file));
  return {
    name: s.name ?? basename(file).replace(/\.ya?ml$/, ''),
    file,
    description: s.description,
    datasetPath: resolve(here, s.dataset),
    workspaceRoot: resolve(here, s.workspace ?? '.'),
    system: s.system,
    tools: s.tools,
    targets: s.targets,
    scorers: s.scorers.map((entry) =>
      typeof entry === 'string' ? { name: entry, options: {} } : { name: Object.keys(entry)[0]!, options: Object.values(entry)[0]! },
    ),
    temperature: s.temperature,
    budget: { maxSteps: s.budget?.max_steps, maxTimeMs: s.budget?.max_time_ms, maxTokens: s.budget?.max_tokens },
  };
}

/** Every suite file in a folder, in name order. */
export function suiteFiles(folder: string): string[] {
  try {
    return readdirSync(folder)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => join(folder, f));
  } catch {
    throw new InputError(`${folder}: no suites folder here; name a suite file, e.g. lunar bench suites/tools.yaml`);
  }
}
