// `lunar import promptfoo <promptfooconfig.yaml>`: a promptfoo config's tests as a Lunar dataset
// (dataset.jsonl: one case per test, var combination and prompt) and a suite (suite.yaml) over it,
// with a table of what was carried over and what was dropped: by assertion type, and for the
// rest of the config (providers, prompt syntax, tests, options).
//
// Tests merge defaultTest the way promptfoo does (vars and options under the test's own, its
// assertions first); a var given as a list of strings or a file glob makes one test per value, as
// promptfoo's var combinations do. Prompts and assertion values are Nunjucks, rendered here per
// test (nunjucks.ts), since a Lunar case holds plain text.

import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { Case } from '../../datasets/case.ts';
import { InputError } from '../../core/errors.ts';
import { FACTUALITY_RUBRIC, mapAssertions, type Outcome, type SuiteCheck, type TestChecks } from './import-checks.ts';
import { CODE, expandRef, isFileRef, readStructured, readText } from './files.ts';
import { renderNunjucks, Untranslatable } from './nunjucks.ts';
import { asPrompt, configDir, readPromptfooConfig, type Prompt, type PromptfooTest } from './promptfoo-config.ts';

/** One row of the table: a kind of thing in the config, how many were carried and dropped, and the notes. */
export interface ImportRow {
  what: string;
  carried: number;
  dropped: number;
  /** How carried ones differ from promptfoo, with counts. */
  how: Map<string, number>;
  /** Why dropped ones were, with counts. */
  why: Map<string, number>;
}

export interface ImportPromptfooResult {
  dir: string;
  dataset: string;
  suite: string;
  cases: number;
  /** promptfoo tests after var combinations. */
  tests: number;
  prompts: number;
  targets: string[];
  judge?: string;
  /** By assertion type, in the order first seen. */
  assertions: ImportRow[];
  /** Everything else: tests, providers, prompt syntax, options. */
  features: ImportRow[];
  /** Why nothing was imported (no case could be made; nothing written): the command exits 2. */
  refused?: string;
}

interface Unit {
  test: number;
  checks: TestChecks;
  cases: Record<string, unknown>[];
  /** Why no case was made, per prompt that made none. */
  noCase: string[];
  /** The reference answers kept for expected_answer (chooseAnswers). */
  answer?: string[];
}

export function importPromptfoo(file: string, out: string): ImportPromptfooResult {
  const read = readPromptfooConfig(file);
  const assertions = new Rows();
  const features = new Rows();
  for (const u of read.unread) features.drop(u.what, u.why);
  if (read.prompts.length === 0) throw new InputError(`${file}: prompts: no prompt to read (${read.unread.map((u) => `${u.what}: ${u.why}`).join('; ') || 'the config names none'})`);

  const defaults = read.defaultTest;
  const base = configDir(file);
  const units: Unit[] = [];
  const ids = new Set<string>();
  const judges: string[] = [];
  read.tests.forEach((test, t) => {
    const options = { ...defaults.options, ...test.options };
    const threshold = test.threshold ?? defaults.threshold;
    if (threshold !== undefined) features.drop('test threshold', 'a Lunar case passes when every check passes');
    const grader = typeof options.provider === 'string' ? options.provider : typeof (options.provider as { id?: unknown })?.id === 'string' ? (options.provider as { id: string }).id : undefined;
    if (grader) judges.push(grader);
    for (const key of Object.keys(options)) {
      if (!['prefix', 'suffix', 'provider', 'transform', 'disableVarExpansion'].includes(key)) features.drop(`test option ${key.replace(/^__/, '')}`, 'Lunar has nothing like it');
    }
    let combos: Record<string, unknown>[];
    try {
      combos = varCombinations({ ...defaults.vars, ...test.vars }, base, file, options.disableVarExpansion === true);
    } catch (error) {
      if (!(error instanceof Untranslatable)) throw error;
      features.drop('tests', error.message);
      for (const a of [...(defaults.assert ?? []), ...(test.assert ?? [])]) assertions.drop(a.type, `its test was not imported (${error.message})`);
      return;
    }
    combos.forEach((vars, v) => {
      const checks = mapAssertions([...(defaults.assert ?? []), ...(test.assert ?? [])], vars);
      if (options.transform !== undefined) {
        checks.outcomes = [...checks.outcomes.filter((o) => !o.carried), ...[...checks.outcomes.filter((o) => o.carried), ...checks.answers, ...checks.suite].map((o) => ({ type: o.type, carried: false as const, why: 'the test transforms the output first, which Lunar does not' }))];
        checks.fields = {};
        checks.answers = [];
        checks.suite = [];
      }
      const unit: Unit = { test: t, checks, cases: [], noCase: [] };
      read.prompts.forEach((prompt, p) => {
        const rendered = renderPrompt(prompt, vars, options);
        if ('why' in rendered) {
          unit.noCase.push(rendered.why);
          features.drop(`prompt syntax: ${rendered.what}`, rendered.why);
          return;
        }
        const id = uniqueId(ids, t, combos.length > 1 ? v : undefined, read.prompts.length > 1 ? p : undefined, test);
        unit.cases.push({ id, ...rendered, category: category(test, defaults), ...tags(test, defaults), ...notes(test, t, v, combos.length, p, read.prompts.length) });
      });
      units.push(unit);
    });
  });

  const answerKind = chooseAnswers(units);
  const kept = units.filter((u) => u.cases.length > 0 && hasExpectation(u));
  for (const u of units) {
    if (kept.includes(u)) continue;
    const why = u.cases.length === 0 ? `no prompt could be rendered for its test (${u.noCase[0]})` : 'its test has nothing Lunar checks per case (a Lunar case needs contains, not-contains, equals, is-refusal or a rubric)';
    features.drop('tests', why);
    for (const o of u.checks.outcomes) assertions.drop(o.type, o.carried ? why : o.why);
    for (const s of u.checks.suite) if (!s.extra) assertions.drop(s.type, why);
  }
  const suiteScorers = chooseSuiteChecks(kept, assertions);
  for (const u of kept) {
    features.carry('tests');
    for (const o of u.checks.outcomes) record(assertions, o);
  }

  const cases = kept.flatMap((u) => u.cases.map((c) => checkedCase({ ...c, ...fieldsOf(u) }, file)));
  const { targets, unmapped } = lunarTargets(read.providers);
  for (const t of targets) features.carry(`provider ${t.split(':')[0]}`);
  for (const id of unmapped) features.drop(`provider ${id.split(':')[0]}`, 'no Lunar target for it: run with --target');
  const judgeTargets = lunarTargets([...new Set(judges)]);
  const judge = judgeTargets.targets[0];
  if (judge) features.carry('grader provider');
  for (const id of judgeTargets.unmapped) features.drop('grader provider', `no Lunar target for ${id}: set judge: in suite.yaml`);
  const judged = suiteScorers.some((s) => /^(rubric|answer_relevancy)$/.test(scorerName(s.scorer)));
  if (judged && !judge) features.drop('grader provider', 'none given (promptfoo grades with OpenAI by default): set judge: in suite.yaml, or judge scores are skipped');

  const scorers = [
    ...(cases.some((c) => c.expected_contains) ? ['answer_contains'] : []),
    ...(cases.some((c) => c.forbidden_contains) ? ['answer_excludes'] : []),
    ...(answerKind === 'equals' ? [{ exact_match: { case_sensitive: true, normalize_whitespace: false } }] : []),
    ...(cases.some((c) => c.expected_refusal !== undefined) ? ['refusal'] : []),
    ...suiteScorers.map((s) => s.scorer),
  ];
  const dir = resolve(out);
  const dataset = join(dir, 'dataset.jsonl');
  const suite = join(dir, 'suite.yaml');
  const result = { dir, dataset, suite, cases: cases.length, tests: units.length, prompts: read.prompts.length, targets, ...(judge && judged ? { judge } : {}), assertions: assertions.list(), features: features.list() };
  if (cases.length === 0) {
    // Nothing to write: the table still says why.
    const why = [...features.get('tests').why.keys()][0] ?? 'the config has no tests';
    return { ...result, refused: `${file}: tests: none can be carried over (${why})` };
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(dataset, cases.map((c) => JSON.stringify(stripDefaults(c))).join('\n') + '\n');
  const doc = {
    name: suiteName(read.config.description, file),
    description: read.config.description ?? `Imported from ${file}`,
    dataset: 'dataset.jsonl',
    ...(targets.length ? { targets } : {}),
    ...(judge && judged ? { judge } : {}),
    scorers,
  };
  writeFileSync(suite, `# Written by \`lunar import promptfoo ${file}\`.\n${stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })}`);
  return result;
}

class Rows {
  private rows = new Map<string, ImportRow>();
  get(what: string): ImportRow {
    let row = this.rows.get(what);
    if (!row) this.rows.set(what, (row = { what, carried: 0, dropped: 0, how: new Map(), why: new Map() }));
    return row;
  }
  carry(what: string, how?: string): void {
    const row = this.get(what);
    row.carried++;
    if (how) row.how.set(how, (row.how.get(how) ?? 0) + 1);
  }
  drop(what: string, why: string): void {
    const row = this.get(what);
    row.dropped++;
    row.why.set(why, (row.why.get(why) ?? 0) + 1);
  }
  list(): ImportRow[] {
    return [...this.rows.values()];
  }
}

function record(rows: Rows, o: Outcome): void {
  if (o.carried) rows.carry(o.type, o.how);
  else rows.drop(o.type, o.why);
}

/** The one kind of reference answer the suite keeps (exact_match, embedding_similarity and the factuality rubric all read expected_answer): the first seen. */
function chooseAnswers(units: Unit[]): string | undefined {
  const kind = units.find((u) => u.cases.length && u.checks.answers.length)?.checks.answers[0]!.kind;
  for (const u of units) {
    for (const answer of u.checks.answers) {
      if (answer.kind !== kind) u.checks.outcomes.push({ type: answer.type, carried: false, why: `this suite's expected_answer holds ${kind} references, and Lunar's scorers read every case's` });
      else if (u.answer !== undefined) u.checks.outcomes.push({ type: answer.type, carried: false, why: 'a second reference in one test' });
      else {
        u.answer = answer.values;
        u.checks.outcomes.push({ type: answer.type, carried: true, how: answer.how });
        if (answer.suite) u.checks.suite.push(answer.suite);
        if (answer.kind === 'factuality') {
          (u.checks.fields.rubric ??= []).push(FACTUALITY_RUBRIC);
          u.checks.suite.push({ key: JSON.stringify(['rubric', 0.5]), type: answer.type, scorer: 'rubric', scoped: true, extra: true });
        }
      }
    }
  }
  return kind;
}

function hasExpectation(u: Unit): boolean {
  const f = u.checks.fields;
  return Boolean(f.expected_contains?.length || f.forbidden_contains?.length || f.expected_refusal !== undefined || f.rubric?.length || u.answer);
}

function scorerName(scorer: SuiteCheck['scorer']): string {
  return typeof scorer === 'string' ? scorer : Object.keys(scorer)[0]!;
}

/**
 * The suite's scorers from the kept tests' suite checks. A check that scores every case must be
 * made alike by every test (else dropped); a scoped one (rubric, embedding_similarity) holds one
 * set of options, the first test's, and the others are carried under it.
 */
function chooseSuiteChecks(kept: readonly Unit[], assertions: Rows): SuiteCheck[] {
  const chosen: SuiteCheck[] = [];
  const names = new Map<string, SuiteCheck>();
  for (const u of kept) {
    for (const check of u.checks.suite) {
      const name = scorerName(check.scorer);
      const same = names.get(name);
      if (check.scoped) {
        if (!same) {
          names.set(name, check);
          chosen.push(check);
        }
        const used = same && same.key !== check.key ? `; under the suite's one ${name} setting, ${JSON.stringify(same.scorer)}, not ${JSON.stringify(check.scorer)}` : '';
        if (!check.extra) assertions.carry(check.type, `${check.how ?? ''}${used}`.replace(/^; /, '') || undefined);
        continue;
      }
      const everywhere = kept.every((other) => other.checks.suite.some((c) => c.key === check.key));
      if (same?.key === check.key) {
        assertions.carry(check.type, check.how);
      } else if (everywhere && !same) {
        names.set(name, check);
        chosen.push(check);
        assertions.carry(check.type, check.how);
      } else {
        assertions.drop(check.type, everywhere ? `a second ${name} check: a suite has one scorer of each name` : `not the same in every test: Lunar's ${name} scorer holds for the whole suite`);
      }
    }
  }
  return chosen;
}

function fieldsOf(u: Unit): Record<string, unknown> {
  const f = u.checks.fields;
  const one = (list: string[] | undefined) => (list && list.length ? { v: list.length === 1 ? list[0] : list } : undefined);
  const answer = one(u.answer);
  return {
    ...(one(f.expected_contains) ? { expected_contains: one(f.expected_contains)!.v } : {}),
    ...(one(f.forbidden_contains) ? { forbidden_contains: one(f.forbidden_contains)!.v } : {}),
    ...(answer ? { expected_answer: answer.v } : {}),
    ...(f.expected_refusal !== undefined ? { expected_refusal: f.expected_refusal } : {}),
    ...(one(f.rubric) ? { rubric: one(f.rubric)!.v } : {}),
  };
}

/**
 * promptfoo's var combinations: a var holding a list of strings (unless the test's
 * disableVarExpansion option says not to), or a `file://` glob, gives one test per value (every combination); a file var is read as its text (YAML as JSON text, as
 * promptfoo does). Code, images and PDFs are not read: Untranslatable.
 */
function varCombinations(vars: Record<string, unknown>, base: string, from: string, keepLists: boolean): Record<string, unknown>[] {
  let combos: Record<string, unknown>[] = [{}];
  for (const [name, value] of Object.entries(vars)) {
    let values: unknown[];
    if (isFileRef(value)) values = expandRef(value, base, from).map((path) => fileVar(name, path));
    else if (!keepLists && Array.isArray(value) && value.length && typeof value[0] === 'string') values = value;
    else values = [value];
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: typeof v === 'string' ? v.replace(/\n$/, '') : v })));
  }
  return combos;
}

function fileVar(name: string, path: string): unknown {
  const ext = extname(path).toLowerCase();
  if (CODE.some((c) => path.endsWith(c) || path.includes(`${c}:`))) throw new Untranslatable(`var ${name} from a ${ext} file (code: Lunar runs none from a config)`);
  if (['.png', '.jpg', '.jpeg', '.gif', '.webp', '.pdf', '.mp3', '.wav', '.mp4'].includes(ext)) throw new Untranslatable(`var ${name} from a ${ext} file (a Lunar case holds text)`);
  if (ext === '.yaml' || ext === '.yml') return JSON.stringify(readStructured(path, `var ${name}`));
  return readText(path, `var ${name}`);
}

type Rendered = { input: string } | { messages: { role: string; content: string }[] } | { what: string; why: string };

/** The prompt with the test's vars rendered in (and its prefix and suffix), or what could not be. */
function renderPrompt(prompt: Prompt, vars: Record<string, unknown>, options: Record<string, unknown>): Rendered {
  const prefix = typeof options.prefix === 'string' ? options.prefix : '';
  const suffix = typeof options.suffix === 'string' ? options.suffix : '';
  try {
    let messages: { role: string; content: string }[];
    if (prompt.kind === 'text') {
      const text = renderNunjucks(prompt.text, vars);
      // promptfoo reads the rendered text as chat messages when it is a JSON array of them (a template looping over a history).
      const chat = asPrompt(text);
      if (chat.kind === 'text') {
        const input = prefix + text + suffix;
        return input.trim() === '' ? { what: 'empty prompt', why: 'the prompt renders to nothing' } : { input };
      }
      messages = chat.messages;
    } else messages = prompt.messages.map((m) => ({ role: m.role, content: renderNunjucks(m.content, vars) }));
    if (messages.at(-1)!.role !== 'user') return { what: 'chat ending with no user message', why: 'a chat prompt must end with a user message for a Lunar case' };
    // promptfoo pastes prefix and suffix around the raw prompt text; for a chat prompt that is the user's turn.
    messages[messages.length - 1]!.content = prefix + messages.at(-1)!.content + suffix;
    return { messages };
  } catch (error) {
    if (!(error instanceof Untranslatable)) throw error;
    return { what: error.what, why: error.message };
  }
}

function uniqueId(ids: Set<string>, t: number, v: number | undefined, p: number | undefined, test: PromptfooTest): string {
  const slug = (test.description ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
  let id = `t${t + 1}${v !== undefined ? `-v${v + 1}` : ''}${slug ? `-${slug}` : ''}${p !== undefined ? `-p${p + 1}` : ''}`;
  for (let n = 2; ids.has(id); n++) id = `t${t + 1}-${n}`;
  ids.add(id);
  return id;
}

function category(test: PromptfooTest, defaults: PromptfooTest): string {
  const given = test.metadata?.category ?? defaults.metadata?.category;
  return typeof given === 'string' && given.length ? given : 'promptfoo';
}

/** metadata.tags (a CSV's `__metadata:tags[]`) as the case's tags. */
function tags(test: PromptfooTest, defaults: PromptfooTest): { tags?: string[] } {
  const given = test.metadata?.tags ?? defaults.metadata?.tags;
  return Array.isArray(given) && given.length && given.every((t) => typeof t === 'string') ? { tags: given } : {};
}

function notes(test: PromptfooTest, t: number, v: number, combos: number, p: number, prompts: number): { notes: string } {
  const where = `promptfoo test ${t + 1}${combos > 1 ? `, vars ${v + 1}` : ''}${prompts > 1 ? `, prompt ${p + 1}` : ''}`;
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
    const target = m && !/^(embedding|embeddings|completion|image|responses|assistant|realtime):/.test(m[2]!) ? `${m[1] === 'google' ? 'gemini' : m[1]}:${m[2]}` : undefined;
    if (target && !targets.includes(target)) targets.push(target);
    else if (!target) unmapped.push(id);
  }
  return { targets, unmapped };
}

function suiteName(description: string | undefined, file: string): string {
  const from = (text: string) => text.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|-+$/g, '').slice(0, 48);
  return from(description ?? '') || from(basename(dirname(resolve(file)))) || 'promptfoo-import';
}

/** The table `lunar import promptfoo` prints: carried and dropped by assertion type, then the rest, then the notes. */
export function importTable(result: ImportPromptfooResult): string {
  const rows = [...result.assertions.map((r) => ({ ...r, label: `assert ${r.what}` })), ...result.features.map((r) => ({ ...r, label: r.what }))];
  const width = Math.max(24, ...rows.map((r) => r.label.length));
  const line = (a: string, b: string, c: string) => `${a.padEnd(width)}  ${b.padStart(7)}  ${c.padStart(7)}\n`;
  let out = line('promptfoo', 'carried', 'dropped');
  for (const r of rows) out += line(r.label, String(r.carried), String(r.dropped));
  const carried = result.assertions.reduce((n, r) => n + r.carried, 0);
  const dropped = result.assertions.reduce((n, r) => n + r.dropped, 0);
  out += line('assertions in all', String(carried), String(dropped));
  const notes = rows.flatMap((r) => [
    ...[...r.how].map(([how, n]) => `  ${r.label} (${n}) carried ${how}\n`),
    ...[...r.why].map(([why, n]) => `  ${r.label} (${n}) dropped: ${why}\n`),
  ]);
  if (notes.length) out += `notes:\n${notes.join('')}`;
  return out;
}

