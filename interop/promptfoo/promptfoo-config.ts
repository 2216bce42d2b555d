// The part of a promptfoo config (promptfooconfig.yaml) that `lunar import promptfoo` reads:
// prompts, providers, tests and defaultTest, checked with zod, with `$ref`s to the config's own
// parts (assertionTemplates) replaced first, as promptfoo dereferences them. Prompts, tests,
// defaultTest and a test's vars may be `file://` references or globs, relative to the file that
// names them: prompts from text (split on `---` lines), JSON or YAML chat arrays, JSONL or CSV;
// tests from YAML, JSON, JSONL or CSV (csv-tests.ts). What is not read is listed with why.

import { dirname, extname, resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../../core/errors.ts';
import { csvRecords, testFromCsvRow } from './csv-tests.ts';
import { CODE, expandRef, isFileRef, readStructured, readText, STRUCTURED } from './files.ts';

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

export const PromptfooTestEntry = z
  .object({
    description: z.string().optional(),
    vars: z.union([z.record(z.string(), z.unknown()), z.string().min(1)]).optional(),
    assert: z.array(PromptfooAssertion).optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    threshold: z.number().optional(),
  })
  .loose();
/** A test as read: its vars loaded when they were a file reference. */
export interface PromptfooTest {
  description?: string;
  vars?: Record<string, unknown>;
  assert?: PromptfooAssertion[];
  options?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  threshold?: number;
}

const PromptEntry = z.union([z.string().min(1), z.object({ raw: z.string().optional(), id: z.string().optional(), label: z.string().optional() }).loose()]);
const ProviderEntry = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);

export const PromptfooConfig = z
  .object({
    description: z.string().optional(),
    prompts: z.union([z.string().min(1), z.array(PromptEntry), z.record(z.string(), z.string())]).optional(),
    providers: z.union([z.string().min(1), z.array(ProviderEntry)]).optional(),
    tests: z.union([z.string().min(1), z.array(z.union([z.string().min(1), z.record(z.string(), z.unknown())]))]).optional(),
    defaultTest: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
  })
  .loose();
export type PromptfooConfig = z.infer<typeof PromptfooConfig>;

/** A prompt: text with Nunjucks in it, or chat messages whose contents have it. */
export type Prompt = { kind: 'text'; text: string } | { kind: 'chat'; messages: { role: 'system' | 'user' | 'assistant'; content: string }[] };

/** Something of the config not read, and why; `what` is the table's row. */
export interface Unread {
  what: string;
  why: string;
}

export interface ReadConfig {
  file: string;
  config: PromptfooConfig;
  prompts: Prompt[];
  providers: string[];
  tests: PromptfooTest[];
  defaultTest: PromptfooTest;
  unread: Unread[];
}

export function readPromptfooConfig(file: string): ReadConfig {
  const raw = dereference(readStructured(file, 'promptfoo config'), file);
  const config = checked(PromptfooConfig, raw, file, '');
  const here = dirname(resolve(file));
  const unread: Unread[] = [];
  for (const key of ['scenarios', 'extensions', 'nunjucksFilters', 'redteam'] as const) {
    if ((config as Record<string, unknown>)[key] !== undefined) unread.push({ what: `config ${key}`, why: 'Lunar has nothing like it' });
  }
  return {
    file,
    config,
    prompts: readPrompts(config.prompts, here, unread, file),
    providers: providerIds(config.providers, unread),
    tests: readTests(config.tests, here, unread, file),
    defaultTest: readDefaultTest(config.defaultTest, here, unread, file),
    unread,
  };
}

function checked<T extends z.ZodType>(schema: T, value: unknown, file: string, at: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = [at, ...issue.path.map(String)].filter(Boolean).join('.');
  throw new InputError(`${file}: ${path || '(config)'}: ${issue.message}`);
}

/** Local `$ref`s (`#/assertionTemplates/x`) replaced by what they point at, as promptfoo's dereferencing does. */
export function dereference(doc: unknown, file: string): unknown {
  const resolvePointer = (ref: string): unknown => {
    if (!ref.startsWith('#/')) throw new InputError(`${file}: $ref ${ref}: only references within the config (#/...) are read`);
    let at: unknown = doc;
    for (const part of ref.slice(2).split('/').map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'))) {
      if (at === null || typeof at !== 'object' || !Object.hasOwn(at, part)) throw new InputError(`${file}: $ref ${ref}: nothing there`);
      at = (at as Record<string, unknown>)[part];
    }
    return at;
  };
  const walk = (value: unknown, depth: number): unknown => {
    if (depth > 50) throw new InputError(`${file}: $ref: references nest too deep (a cycle?)`);
    if (Array.isArray(value)) return value.map((v) => walk(v, depth));
    if (value === null || typeof value !== 'object') return value;
    const record = value as Record<string, unknown>;
    if (typeof record.$ref === 'string') return walk(resolvePointer(record.$ref), depth + 1);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, walk(v, depth)]));
  };
  return walk(doc, 0);
}

function isCode(path: string): boolean {
  return CODE.some((ext) => path.endsWith(ext) || path.includes(`${ext}:`));
}

function readPrompts(prompts: PromptfooConfig['prompts'], here: string, unread: Unread[], from: string): Prompt[] {
  // The mapping form ({ path: label }) names files, with or without file://.
  const entries: (string | { raw?: string; id?: string; config?: unknown })[] =
    prompts === undefined ? [] : typeof prompts === 'string' ? [prompts] : Array.isArray(prompts) ? prompts : Object.keys(prompts).map((k) => (isFileRef(k) ? k : `file://${k}`));
  const out: Prompt[] = [];
  for (const entry of entries) {
    const text = typeof entry === 'string' ? entry : (entry.raw ?? (isFileRef(entry.id) ? entry.id : undefined));
    if (text === undefined) {
      unread.push({ what: 'prompt without raw text', why: 'no raw text or file to read' });
      continue;
    }
    if (typeof entry !== 'string' && entry.config !== undefined) unread.push({ what: 'prompt config', why: "a prompt's provider settings (response_format...) are the target's in Lunar" });
    if (!isFileRef(text)) {
      out.push(asPrompt(text));
      continue;
    }
    for (const path of expandRef(text, here, from)) out.push(...promptsFromFile(path, unread));
  }
  return out;
}

function promptsFromFile(path: string, unread: Unread[]): Prompt[] {
  const ext = extname(path).toLowerCase();
  if (isCode(path)) {
    unread.push({ what: `prompt file ${ext}`, why: 'a prompt made by code: Lunar runs no code from a config' });
    return [];
  }
  if (ext === '.json') return [asPrompt(readText(path, 'prompt'))];
  if (ext === '.jsonl') return readText(path, 'prompts').split('\n').filter((l) => l.trim()).map(asPrompt);
  if (ext === '.yaml' || ext === '.yml') {
    const chat = chatMessages(readStructured(path, 'prompt'));
    if (chat) return [{ kind: 'chat', messages: chat }];
    unread.push({ what: `prompt file ${ext}`, why: 'only chat messages with text content are read from YAML' });
    return [];
  }
  if (ext === '.csv') {
    return csvRecords(readText(path, 'prompts'), path).flatMap((row) => {
      const text = row.prompt ?? Object.values(row)[0];
      return text ? [asPrompt(text)] : [];
    });
  }
  // promptfoo reads any other file as text, several prompts apart on `---` lines.
  return readText(path, 'prompt').split(/^---$/m).map((p) => p.trim()).filter(Boolean).map(asPrompt);
}

const ChatMessages = z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })).min(1);
const TextParts = z.array(z.object({ type: z.literal('text'), text: z.string() }).loose()).min(1);
const PartMessages = z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.union([z.string(), TextParts]) }).loose()).min(1);

/** Chat messages from a YAML prompt: a list, or { messages: [...] }; content as text or text parts (joined). */
function chatMessages(value: unknown): { role: 'system' | 'user' | 'assistant'; content: string }[] | undefined {
  const list = value && typeof value === 'object' && !Array.isArray(value) && 'messages' in value ? (value as { messages: unknown }).messages : value;
  const parsed = PartMessages.safeParse(list);
  if (!parsed.success) return undefined;
  return parsed.data.map((m) => ({ role: m.role, content: typeof m.content === 'string' ? m.content : m.content.map((p) => p.text).join('\n') }));
}

/** A prompt that is a JSON array of chat messages is a chat prompt (as promptfoo reads it). */
export function asPrompt(text: string): Prompt {
  if (text.trim().startsWith('[')) {
    try {
      const chat = ChatMessages.safeParse(JSON.parse(text));
      if (chat.success) return { kind: 'chat', messages: chat.data };
    } catch {
      // Not JSON (perhaps Nunjucks inside a JSON-looking template): read as text.
    }
  }
  return { kind: 'text', text };
}

function providerIds(providers: PromptfooConfig['providers'], unread: Unread[]): string[] {
  const entries = providers === undefined ? [] : Array.isArray(providers) ? providers : [providers];
  const ids: string[] = [];
  for (const p of entries) {
    if (typeof p !== 'string' && p.prompts !== undefined) unread.push({ what: 'provider prompts', why: 'a Lunar target runs every case of the suite, not only some prompts' });
    const id = typeof p === 'string' ? p : typeof p.id === 'string' ? p.id : Object.keys(p).length === 1 ? Object.keys(p)[0]! : undefined;
    if (id === undefined) unread.push({ what: 'provider without an id', why: 'no id to map to a Lunar target' });
    else ids.push(id);
  }
  return ids;
}

function readDefaultTest(value: PromptfooConfig['defaultTest'], here: string, unread: Unread[], from: string): PromptfooTest {
  if (value === undefined) return {};
  if (typeof value === 'string') {
    const [path] = expandRef(value, here, from);
    return readDefaultTest(dereference(readStructured(path!, 'promptfoo defaultTest'), path!) as Record<string, unknown>, dirname(path!), unread, path!);
  }
  return withVars(checked(PromptfooTestEntry, value, from, 'defaultTest'), here, from);
}

function readTests(tests: PromptfooConfig['tests'], here: string, unread: Unread[], from: string): PromptfooTest[] {
  const entries = tests === undefined ? [] : Array.isArray(tests) ? tests : [tests];
  const out: PromptfooTest[] = [];
  entries.forEach((entry, i) => {
    if (typeof entry !== 'string') {
      out.push(withVars(checked(PromptfooTestEntry, entry, from, `tests.${i}`), here, from));
      return;
    }
    if (!entry.startsWith('file://') && /^[a-z]+:\/\//.test(entry)) {
      unread.push({ what: `tests from ${entry.split(':')[0]}://`, why: 'only files are read' });
      return;
    }
    for (const path of expandRef(entry, here, from)) out.push(...testsFromFile(path, unread, from));
  });
  return out;
}

function testsFromFile(path: string, unread: Unread[], from: string): PromptfooTest[] {
  const ext = extname(path).toLowerCase();
  const dir = dirname(path);
  if (ext === '.csv') return csvRecords(readText(path, 'promptfoo tests'), path).map(testFromCsvRow);
  if (!STRUCTURED.includes(ext)) {
    unread.push({ what: `tests file ${ext || path}`, why: isCode(path) ? 'tests made by code: Lunar runs no code from a config' : 'only .yaml, .yml, .json, .jsonl and .csv test files are read' });
    return [];
  }
  const raw = dereference(readStructured(path, 'promptfoo tests'), path);
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((test, i) => withVars(checked(PromptfooTestEntry, test, `${path} (from ${from})`, `tests.${i}`), dir, path));
}

/** A test whose vars are a file reference, with the vars read from it (YAML, JSON). */
function withVars(test: z.infer<typeof PromptfooTestEntry>, here: string, from: string): PromptfooTest {
  if (typeof test.vars !== 'string') return test as PromptfooTest;
  const [path] = expandRef(test.vars, here, from);
  const vars = readStructured(path!, 'promptfoo vars');
  if (vars === null || typeof vars !== 'object' || Array.isArray(vars)) throw new InputError(`${path}: vars: not a mapping of names to values (from ${from})`);
  return { ...test, vars: vars as Record<string, unknown> };
}

/** The folder a test's own `file://` vars are relative to: the config's (promptfoo's base path). */
export function configDir(file: string): string {
  return dirname(resolve(file));
}
