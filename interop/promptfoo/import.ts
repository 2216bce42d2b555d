// `lunar import promptfoo <promptfooconfig.yaml>`: a promptfoo config's tests as a Lunar dataset
// (dataset.jsonl: one case per test and prompt) and a suite (suite.yaml) over it, with a count of
// everything that could not be carried over and of what was carried with a different rule.

import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { Case } from '../../datasets/case.ts';
import { InputError } from '../../core/errors.ts';
import { count, mapAssertions, newTally, type SuiteCheck, type TestChecks } from './import-checks.ts';
import { readPromptfooConfig, type Prompt, type PromptfooTest } from './promptfoo-config.ts';

export interface ImportPromptfooResult {
  dir: string;
  dataset: string;
  suite: string;
  cases: number;
  tests: number;
  prompts: number;
  targets: string[];
  /** One line each: what was not carried over, with counts and why. */
  notCarried: { what: string; count: number; why: string }[];
  /** One line each: what was carried over with a different rule. */
  approximate: { what: string; count: number; how: string }[];
}

interface Draft {
  test: number;
  checks: TestChecks;
  c: Record<string, unknown>;
}

export function importPromptfoo(file: string, out: string): ImportPromptfooResult {
  const read = readPromptfooConfig(file);
  if (read.prompts.length === 0) throw new InputError(`${file}: prompts: no prompt to read (${read.unread.join('; ') || 'the config names none'})`);
  const tally = newTally();
  const left = new Map<string, { count: number; why: string }>();
  for (const line of read.unread) count(left, line, { why: 'not read' });
  const defaults = read.config.defaultTest ?? {};
  const drafts: Draft[] = [];
  const ids = new Set<string>();
  read.tests.forEach((test, t) => {
    const vars = { ...defaults.vars, ...test.vars };
    const fileVar = Object.entries(vars).find(([, v]) => typeof v === 'string' && v.startsWith('file://'));
    if (fileVar) return void count(left, 'tests with a file:// var', { why: `var ${fileVar[0]}: files are not loaded` });
    const checks = mapAssertions([...(defaults.assert ?? []), ...(test.assert ?? [])], tally);
    if (test.threshold !== undefined) count(tally.notCarried, 'test threshold', { why: 'a Lunar case passes when every check passes' });
    read.prompts.forEach((prompt, p) => {
      const rendered = renderPrompt(prompt, vars);
      if ('why' in rendered) return void count(left, 'tests × prompts with templates beyond {{var}}', { why: rendered.why });
      const id = uniqueId(ids, t, p, read.prompts.length, test);
      drafts.push({ test: t, checks, c: { id, ...rendered, category: category(test), ...notes(test, t, p, read.prompts.length) } });
    });
  });

  // A case must expect something of its own; a suite-wide check alone cannot keep it.
  const kept = drafts.filter((d) => Object.keys(d.checks.fields).length > 0);
  const dropped = drafts.length - kept.length;
  if (dropped) for (let i = 0; i < dropped; i++) count(left, 'tests × prompts with nothing Lunar checks per case', { why: 'a Lunar case needs an expectation of its own (contains, not-contains, equals, is-refusal)' });
  const suiteScorers = uniformChecks(kept, tally);
  const cases = kept.map((d) => checkedCase({ ...d.c, ...fieldsOf(d.checks) }, file));
  if (cases.length === 0) throw new InputError(`${file}: tests: none can be carried over (${[...left.entries()].map(([k, v]) => `${k}: ${v.why}`).join('; ') || 'no tests'})`);

  const { targets, unmapped } = lunarTargets(read.providers);
  for (const id of unmapped) count(tally.notCarried, `provider ${id}`, { why: 'no Lunar target for it: run with --target' });
  const scorers = [
    ...(cases.some((c) => c.expected_contains) ? ['answer_contains'] : []),
    ...(cases.some((c) => c.forbidden_contains) ? ['answer_excludes'] : []),
    ...(cases.some((c) => c.expected_answer) ? [{ exact_match: { case_sensitive: true, normalize_whitespace: false } }] : []),
    ...(cases.some((c) => c.expected_refusal !== undefined) ? ['refusal'] : []),
    ...suiteScorers.map((s) => s.scorer),
  ];
  const dir = resolve(out);
  mkdirSync(dir, { recursive: true });
  const dataset = join(dir, 'dataset.jsonl');
  const suite = join(dir, 'suite.yaml');
  writeFileSync(dataset, cases.map((c) => JSON.stringify(stripDefaults(c))).join('\n') + '\n');
  const doc = {
    name: suiteName(read.config.description, file),
    description: read.config.description ?? `Imported from ${file}`,
    dataset: 'dataset.jsonl',
    ...(targets.length ? { targets } : {}),
    scorers,
  };
  writeFileSync(suite, `# Written by \`lunar import promptfoo ${file}\`.\n${stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })}`);
  return {
    dir,
    dataset,
    suite,
    cases: cases.length,
    tests: read.tests.length,
    prompts: read.prompts.length,
    targets,
    notCarried: [...[...tally.notCarried].map(([what, v]) => ({ what, count: v.count, why: v.why ?? '' })), ...[...left].map(([what, v]) => ({ what, count: v.count, why: v.why }))],
    approximate: [...tally.approximate].map(([what, v]) => ({ what, count: v.count, how: v.how ?? '' })),
  };
}

/** Suite-wide checks every kept test makes alike become the suite's scorers; the rest are counted. */
function uniformChecks(kept: readonly Draft[], tally: ReturnType<typeof newTally>): SuiteCheck[] {
  const tests = [...new Set(kept.map((d) => d.test))];
  const byTest = new Map(kept.map((d) => [d.test, d.checks.suite]));
  const chosen: SuiteCheck[] = [];
  const names = new Set<string>();
  for (const test of tests) {
    for (const check of byTest.get(test) ?? []) {
      const everywhere = tests.every((t) => byTest.get(t)!.some((c) => c.key === check.key));
      const name = typeof check.scorer === 'string' ? check.scorer : Object.keys(check.scorer)[0]!;
      if (chosen.some((c) => c.key === check.key)) continue;
      if (everywhere && !names.has(name)) {
        chosen.push(check);
        names.add(name);
        continue;
      }
      const why = everywhere ? `a second ${name} check: a suite has one scorer of each name` : `not the same in every test: Lunar's ${name} scorer holds for the whole suite`;
      count(tally.notCarried, check.type, { why });
    }
  }
  return chosen;
}

function fieldsOf(checks: TestChecks): Record<string, unknown> {
  const f = checks.fields;
  return {
    ...(f.expected_contains ? { expected_contains: f.expected_contains.length === 1 ? f.expected_contains[0] : f.expected_contains } : {}),
    ...(f.forbidden_contains ? { forbidden_contains: f.forbidden_contains.length === 1 ? f.forbidden_contains[0] : f.forbidden_contains } : {}),
    ...(f.expected_answer !== undefined ? { expected_answer: f.expected_answer } : {}),
    ...(f.expected_refusal !== undefined ? { expected_refusal: f.expected_refusal } : {}),
  };
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*\}\}/g;

/** {{var}} and {{var.field}} filled in (as Nunjucks prints them); anything else in braces is not rendered. */
function renderPrompt(prompt: Prompt, vars: Record<string, unknown>): { input: string } | { messages: { role: string; content: string }[] } | { why: string } {
  const render = (text: string): string | undefined => {
    const filled = text.replace(PLACEHOLDER, (_, path: string) => printed(path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), vars)));
    return /\{\{|\{%|\{#/.test(filled) ? undefined : filled;
  };
  if (prompt.kind === 'text') {
    const input = render(prompt.text);
    return input === undefined || input.trim() === '' ? { why: 'Nunjucks tags, filters or expressions are not rendered' } : { input };
  }
  const messages = prompt.messages.map((m) => ({ role: m.role, content: render(m.content) }));
  if (messages.some((m) => m.content === undefined)) return { why: 'Nunjucks tags, filters or expressions are not rendered' };
  if (messages.at(-1)!.role !== 'user') return { why: 'a chat prompt must end with a user message for a Lunar case' };
  return { messages: messages as { role: string; content: string }[] };
}

function printed(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' && !Array.isArray(value) ? JSON.stringify(value) : String(value);
}

function uniqueId(ids: Set<string>, t: number, p: number, prompts: number, test: PromptfooTest): string {
  const slug = (test.description ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
  let id = `t${t + 1}${slug ? `-${slug}` : ''}${prompts > 1 ? `-p${p + 1}` : ''}`;
  for (let n = 2; ids.has(id); n++) id = `t${t + 1}-${n}`;
  ids.add(id);
  return id;
}

function category(test: PromptfooTest): string {
  const given = test.metadata?.category;
  return typeof given === 'string' && given.length ? given : 'promptfoo';
}

function notes(test: PromptfooTest, t: number, p: number, prompts: number): { notes: string } {
  const where = `promptfoo test ${t + 1}${prompts > 1 ? `, prompt ${p + 1}` : ''}`;
  return { notes: test.description ? `${test.description} (${where})` : `from ${where}` };
}

function checkedCase(raw: Record<string, unknown>, file: string): Case {
  const parsed = Case.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new InputError(`${file}: case ${String(raw.id)}: ${issue.path.join('.') || '(case)'}: ${issue.message}`);
}

/** The dataset line as written: without the fields the schema fills in. */
function stripDefaults(c: Case): Record<string, unknown> {
  const { tags, ...rest } = c;
  return tags.length ? { ...rest, tags } : rest;
}

/** promptfoo provider ids Lunar has a target for: openai[:chat]:M, ollama[:chat]:M, groq:M, google:M / gemini. */
export function lunarTargets(ids: readonly string[]): { targets: string[]; unmapped: string[] } {
  const targets: string[] = [];
  const unmapped: string[] = [];
  for (const id of ids) {
    const m = /^(openai|ollama|groq|google)(?::chat)?:(.+)$/.exec(id);
    const target = m && !/^(embedding|embeddings|completion|image|responses|assistant):/.test(m[2]!) ? `${m[1] === 'google' ? 'gemini' : m[1]}:${m[2]}` : undefined;
    if (target && !targets.includes(target)) targets.push(target);
    else if (!target) unmapped.push(id);
  }
  return { targets, unmapped };
}

function suiteName(description: string | undefined, file: string): string {
  const from = (text: string) => text.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|-+$/g, '').slice(0, 48);
  return from(description ?? '') || from(basename(dirname(resolve(file)))) || 'promptfoo-import';
}
