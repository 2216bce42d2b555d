// The part of a promptfoo config (promptfooconfig.yaml, 0.121) that `lunar import promptfoo`
// reads: prompts, providers, tests and defaultTest, checked with zod. Prompts and tests may be
// inline or `file://` references (prompts: .txt split on `---` lines, .json chat arrays; tests:
// .yaml, .yml, .json, .jsonl). Anything else is reported, not guessed at.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InputError } from '../../core/errors.ts';

export const PromptfooAssertion = z
  .object({
    type: z.string().min(1),
    value: z.unknown().optional(),
    threshold: z.number().optional(),
    weight: z.number().optional(),
    metric: z.string().optional(),
    transform: z.unknown().optional(),
    provider: z.unknown().optional(),
    config: z.unknown().optional(),
  })
  .loose();
export type PromptfooAssertion = z.infer<typeof PromptfooAssertion>;

export const PromptfooTest = z
  .object({
    description: z.string().optional(),
    vars: z.record(z.string(), z.unknown()).optional(),
    assert: z.array(PromptfooAssertion).optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    threshold: z.number().optional(),
  })
  .loose();
export type PromptfooTest = z.infer<typeof PromptfooTest>;

const PromptEntry = z.union([z.string().min(1), z.object({ raw: z.string().optional(), id: z.string().optional(), label: z.string().optional() }).loose()]);
const ProviderEntry = z.union([z.string().min(1), z.object({ id: z.string().min(1), label: z.string().optional(), config: z.unknown().optional() }).loose()]);

export const PromptfooConfig = z
  .object({
    description: z.string().optional(),
    prompts: z.union([z.string().min(1), z.array(PromptEntry)]).optional(),
    providers: z.union([z.string().min(1), z.array(ProviderEntry)]).optional(),
    tests: z.union([z.string().min(1), z.array(z.union([z.string().min(1), PromptfooTest]))]).optional(),
    defaultTest: PromptfooTest.optional(),
  })
  .loose();
export type PromptfooConfig = z.infer<typeof PromptfooConfig>;

/** A prompt: text with {{var}} placeholders, or chat messages whose contents have them. */
export type Prompt = { kind: 'text'; text: string } | { kind: 'chat'; messages: { role: 'system' | 'user' | 'assistant'; content: string }[] };

export interface ReadConfig {
  file: string;
  config: PromptfooConfig;
  prompts: Prompt[];
  providers: string[];
  tests: PromptfooTest[];
  /** What was not read, one line each (`prompt file://x.py: ...`). */
  unread: string[];
}

export function readPromptfooConfig(file: string): ReadConfig {
  const raw = readStructured(file, 'promptfoo config');
  const parsed = PromptfooConfig.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`${file}: ${issue.path.join('.') || '(config)'}: ${issue.message}`);
  }
  const config = parsed.data;
  const here = dirname(resolve(file));
  const unread: string[] = [];
  return { file, config, prompts: readPrompts(config.prompts, here, unread), providers: providerIds(config.providers), tests: readTests(config.tests, here, unread, file), unread };
}

function readStructured(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read ${what} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    if (extname(file) === '.jsonl') return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
    return extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new InputError(`${file}: ${what} is not valid ${extname(file).slice(1) || 'yaml'}: ${(error as Error).message.split('\n')[0]}`);
  }
}

function readPrompts(prompts: PromptfooConfig['prompts'], here: string, unread: string[]): Prompt[] {
  const entries = prompts === undefined ? [] : Array.isArray(prompts) ? prompts : [prompts];
  const out: Prompt[] = [];
  for (const entry of entries) {
    const text = typeof entry === 'string' ? entry : entry.raw;
    if (text === undefined) {
      unread.push(`prompt ${JSON.stringify(entry)}: no raw text`);
      continue;
    }
    if (!text.startsWith('file://')) {
      out.push(asPrompt(text));
      continue;
    }
    const path = resolve(here, text.slice('file://'.length));
    if (extname(path) === '.txt' && existsSync(path)) out.push(...readFileSync(path, 'utf8').split(/^---$/m).map((p) => p.trim()).filter(Boolean).map(asPrompt));
    else if (extname(path) === '.json' && existsSync(path)) out.push(asPrompt(readFileSync(path, 'utf8')));
    else unread.push(`prompt ${text}: only .txt and .json prompt files are read`);
  }
  return out;
}

const ChatMessages = z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })).min(1);

/** A prompt that is a JSON array of chat messages is a chat prompt (as promptfoo reads it). */
function asPrompt(text: string): Prompt {
  if (text.trim().startsWith('[')) {
    try {
      const chat = ChatMessages.safeParse(JSON.parse(text));
      if (chat.success) return { kind: 'chat', messages: chat.data };
    } catch {
      // Not JSON: a text prompt that starts with a bracket.
    }
  }
  return { kind: 'text', text };
}

function providerIds(providers: PromptfooConfig['providers']): string[] {
  const entries = providers === undefined ? [] : Array.isArray(providers) ? providers : [providers];
  return entries.map((p) => (typeof p === 'string' ? p : p.id));
}

function readTests(tests: PromptfooConfig['tests'], here: string, unread: string[], configFile: string): PromptfooTest[] {
  const entries = tests === undefined ? [] : Array.isArray(tests) ? tests : [tests];
  const out: PromptfooTest[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'string') {
      out.push(entry);
      continue;
    }
    const path = resolve(here, entry.replace(/^file:\/\//, ''));
    if (!['.yaml', '.yml', '.json', '.jsonl'].includes(extname(path))) {
      unread.push(`tests ${entry}: only .yaml, .yml, .json and .jsonl test files are read`);
      continue;
    }
    const raw = readStructured(path, 'promptfoo tests');
    const list = Array.isArray(raw) ? raw : [raw];
    list.forEach((test, i) => {
      const parsed = PromptfooTest.safeParse(test);
      if (!parsed.success) throw new InputError(`${path}: tests[${i}]: ${parsed.error.issues[0]!.path.join('.') || '(test)'}: ${parsed.error.issues[0]!.message} (from ${configFile})`);
      out.push(parsed.data);
    });
  }
  return out;
}
