// promptfoo assertions as Lunar expectations. Lunar's checks come in two kinds: fields of a case
// (expected_contains, forbidden_contains, expected_answer, expected_refusal, rubric), which each
// case gives for itself, and scorers of a suite (regex, is_json, latency, cost, answer_relevancy,
// and the options of rubric and embedding_similarity), whose options hold for every case. So a
// per-test assertion carries over as a case field, and a suite-wide one only when every test
// makes the same check (import.ts decides that). Every assertion ends as an Outcome: carried (with
// the rule it is carried by, when Lunar's differs from promptfoo's) or dropped, with why.

import { renderNunjucks, Untranslatable } from './nunjucks.ts';
import type { PromptfooAssertion } from './promptfoo-config.ts';

export type Outcome = { type: string; carried: true; how?: string } | { type: string; carried: false; why: string };

export interface CaseChecks {
  expected_contains?: string[];
  forbidden_contains?: string[];
  expected_refusal?: boolean;
  rubric?: string[];
}

/** A suite scorer an assertion became, keyed by what it checks so that every test can be compared. */
export interface SuiteCheck {
  key: string;
  type: string;
  scorer: Record<string, Record<string, unknown>> | string;
  /** How Lunar's scorer differs from promptfoo's check, when it does. */
  how?: string;
  /**
   * The scorer leaves a case without its field unscored (rubric, embedding_similarity), so only
   * the tests that have the field need it; otherwise every test must make the check.
   */
  scoped?: boolean;
  /** Brought by an assertion counted elsewhere (similar's scorer, factuality's rubric): not counted again. */
  extra?: true;
}

/** A reference answer a check needs in expected_answer; a suite can hold one kind (exact_match reads every one). */
export interface AnswerCheck {
  type: string;
  kind: 'equals' | 'similar' | 'factuality';
  values: string[];
  /** For similar: the embedding_similarity check it brings. */
  suite?: SuiteCheck;
  how: string;
}

export interface TestChecks {
  fields: CaseChecks;
  answers: AnswerCheck[];
  suite: SuiteCheck[];
  /** The outcome of every assertion carried as a field or dropped here; answers and suite checks are decided later. */
  outcomes: Outcome[];
}

const CONTAINS_RULE = "Lunar's answer_contains matches at word and number boundaries (\"12\" is not in \"120\") after folding case, white space and thousands separators";
const EXCLUDES_RULE = "Lunar's answer_excludes folds case, white space and thousands separators before looking";
const CODE = 'Lunar runs no code from a config: write it as a scorer (metrics/)';
/** promptfoo's factuality grader passes an answer that agrees with the reference, adds to it or leaves some out; it fails one that contradicts it. */
export const FACTUALITY_RUBRIC = 'The answer is factually consistent with the reference answer: it may add or leave out details, but it must not contradict it.';
export const RUBRIC_RULE = "graded 1-5 by Lunar's rubric judge (G-Eval) against the criteria, passing when (score - 1) / 4 reaches the threshold (promptfoo's, else 0.5); several in one test are graded as one list";

const WHY: Record<string, string> = {
  javascript: CODE,
  python: CODE,
  ruby: CODE,
  webhook: 'Lunar calls no webhooks from a config',
  'assert-set': 'Lunar has no nested assertion sets',
  'select-best': 'Lunar compares runs with lunar compare, not within a test',
  'max-score': 'Lunar compares runs with lunar compare, not within a test',
  levenshtein: 'no edit-distance scorer in Lunar',
  'rouge-n': "Lunar's rouge_l scores ROUGE-L, not ROUGE-N",
  bleu: 'no BLEU scorer in Lunar',
  'context-faithfulness': "Lunar's faithfulness judges the agent's own retrieved chunks, not a context var",
  'context-recall': "Lunar's context_recall judges the agent's own retrieved chunks, not a context var",
  'context-relevance': "Lunar's context_precision judges the agent's own retrieved chunks, not a context var",
  moderation: 'no moderation scorer in Lunar',
  perplexity: 'Lunar keeps no token log-probabilities',
  'perplexity-score': 'Lunar keeps no token log-probabilities',
  classifier: 'no classifier scorer in Lunar',
  'is-valid-openai-tools-call': 'a promptfoo tool-call schema check: Lunar checks tool calls against expected_tool_calls',
  'is-valid-openai-function-call': 'a promptfoo tool-call schema check: Lunar checks tool calls against expected_tool_calls',
  'is-valid-function-call': 'a promptfoo tool-call schema check: Lunar checks tool calls against expected_tool_calls',
};

/**
 * One test's assertions (defaultTest's first, as promptfoo merges them), with string values
 * rendered as Nunjucks templates over the test's vars, as promptfoo renders them.
 */
export function mapAssertions(assertions: readonly PromptfooAssertion[], vars: Readonly<Record<string, unknown>>): TestChecks {
  const checks: TestChecks = { fields: {}, answers: [], suite: [], outcomes: [] };
  for (const a of assertions) {
    const drop = (why: string) => void checks.outcomes.push({ type: a.type, carried: false, why });
    if (a.transform !== undefined) drop('it checks a transformed output, which Lunar does not make');
    else if (a.weight === 0) drop('weight 0: it can never fail a promptfoo test');
    else {
      let value: unknown;
      try {
        value = rendered(a.value, vars);
      } catch (error) {
        if (!(error instanceof Untranslatable)) throw error;
        drop(`its value: ${error.message}`);
        continue;
      }
      mapOne({ ...a, value }, checks, drop);
    }
  }
  return checks;
}

function rendered(value: unknown, vars: Readonly<Record<string, unknown>>): unknown {
  if (typeof value === 'string') return renderNunjucks(value, vars);
  if (Array.isArray(value)) return value.map((v) => rendered(v, vars));
  return value;
}

function mapOne(a: PromptfooAssertion, checks: TestChecks, drop: (why: string) => void): void {
  const carried = (how?: string) => void checks.outcomes.push({ type: a.type, carried: true, ...(how ? { how } : {}) });
  const { fields } = checks;
  const type = a.type.replace(/^similar:.*$/, 'similar');
  switch (type) {
    case 'contains':
    case 'icontains':
    case 'contains-all':
    case 'icontains-all':
    case 'contains-any':
    case 'icontains-any': {
      const values = listValue(a.value, /-(all|any)$/.test(type));
      if (!values) return drop('its value is not text');
      if (type.endsWith('-any') && values.length > 1) return drop('one of several strings: expected_contains needs every one');
      (fields.expected_contains ??= []).push(...values);
      return carried(`as expected_contains: ${CONTAINS_RULE}${type.startsWith('contains') ? "; it also ignores case, which promptfoo's contains does not" : ''}`);
    }
    case 'not-contains':
    case 'not-icontains':
    case 'not-contains-any':
    case 'not-icontains-any': {
      const values = listValue(a.value, type.endsWith('-any'));
      if (!values) return drop('its value is not text');
      (fields.forbidden_contains ??= []).push(...values);
      return carried(`as forbidden_contains: ${EXCLUDES_RULE}${type.startsWith('not-contains') ? "; it also ignores case, which promptfoo's not-contains does not" : ''}`);
    }
    case 'not-contains-all':
    case 'not-icontains-all':
      return drop('it passes when any one string is missing: no Lunar field says that');
    case 'equals':
      if (typeof a.value !== 'string' && typeof a.value !== 'number') return drop('it compares JSON values, not text');
      checks.answers.push({ type: a.type, kind: 'equals', values: [String(a.value)], how: 'as expected_answer with exact_match (case and white space kept): it still reads 1,000 as 1000' });
      return;
    case 'is-refusal':
    case 'not-is-refusal':
      fields.expected_refusal = type === 'is-refusal';
      return carried("as expected_refusal with Lunar's refusal scorer (its own refusal phrases)");
    case 'llm-rubric':
    case 'model-graded-closedqa':
    case 'g-eval': {
      if (typeof a.value !== 'string' || a.value.trim() === '') return drop('its rubric is not text');
      (fields.rubric ??= []).push(a.value.trim());
      checks.suite.push(rubricCheck(a.type, a.threshold));
      return;
    }
    case 'factuality':
    case 'model-graded-factuality':
    case 'similar': {
      const values = typeof a.value === 'string' && a.value.trim() ? [a.value] : Array.isArray(a.value) && a.value.length && a.value.every((v) => typeof v === 'string' && v.trim()) ? (a.value as string[]) : undefined;
      if (!values) return drop('its reference is not text');
      if (type === 'similar') {
        const threshold = a.threshold ?? 0.75;
        const suite = { key: JSON.stringify(['embedding_similarity', threshold]), type: a.type, scorer: { embedding_similarity: { threshold } }, scoped: true, extra: true } as const;
        checks.answers.push({ type: a.type, kind: 'similar', values, suite, how: "as expected_answer with embedding_similarity (cosine); its default embedder is Lunar's offline, lexical hash: set embedder: in suite.yaml to compare meaning" });
      } else {
        checks.answers.push({ type: a.type, kind: 'factuality', values, how: `as expected_answer and a rubric: ${JSON.stringify(FACTUALITY_RUBRIC)}, ${RUBRIC_RULE}` });
      }
      return;
    }
    case 'javascript':
      return javascript(a, checks, carried, drop);
    default: {
      const check = suiteCheck({ ...a, type });
      if (check && 'key' in check) checks.suite.push(check);
      else drop(check?.why ?? WHY[type] ?? (type.startsWith('not-') ? `no Lunar check says the opposite of ${type.slice(4)}` : 'no Lunar check does the same'));
    }
  }
}

function rubricCheck(type: string, threshold: number | undefined): SuiteCheck {
  const t = threshold ?? 0.5;
  return { key: JSON.stringify(['rubric', t]), type, scorer: t === 0.5 ? 'rubric' : { rubric: { threshold: t } }, how: `as the case's rubric: ${RUBRIC_RULE}`, scoped: true };
}

/** The few one-line JavaScript checks that say exactly what a Lunar field or scorer says. */
function javascript(a: PromptfooAssertion, checks: TestChecks, carried: (how?: string) => void, drop: (why: string) => void): void {
  const code = typeof a.value === 'string' ? a.value.trim().replace(/^return\s+/, '').replace(/;$/, '').trim() : '';
  const includes = /^(!)?\s*output(\.toLowerCase\(\))?\.includes\((['"])((?:(?!\3)[^\\])*)\3\)$/.exec(code);
  if (includes) {
    const [, not, lower, , needle] = includes;
    if (!needle || (lower && needle !== needle.toLowerCase())) return drop(CODE);
    const field = not ? 'forbidden_contains' : 'expected_contains';
    (checks.fields[field] ??= []).push(needle);
    return carried(`read as ${not ? 'not-' : ''}${lower ? 'icontains' : 'contains'}: as ${field}: ${not ? EXCLUDES_RULE : CONTAINS_RULE}`);
  }
  const starts = /^output\.startsWith\((['"])((?:(?!\1)[^\\])*)\1\)$/.exec(code);
  if (starts && starts[2]) {
    checks.suite.push({ key: JSON.stringify(['starts-with', starts[2]]), type: a.type, scorer: { regex: { pattern: `^${escapeRegExp(starts[2])}` } }, how: 'read as starts-with: as a regex scorer' });
    return;
  }
  const length = /^output\.length\s*(<=|<|>=|>)\s*(\d+)$/.exec(code);
  if (length) {
    const n = Number(length[2]);
    const range = { '<': `{0,${n - 1}}`, '<=': `{0,${n}}`, '>': `{${n + 1},}`, '>=': `{${n},}` }[length[1] as '<' | '<=' | '>' | '>='];
    if (!(length[1] === '<' && n === 0)) {
      checks.suite.push({ key: JSON.stringify(['length', length[1], n]), type: a.type, scorer: { regex: { pattern: `^[\\s\\S]${range}$` } }, how: 'read as a length limit: as a regex scorer on the answer (UTF-16 code units, as output.length counts)' });
      return;
    }
  }
  if (/^JSON\.parse\(output\)$/.test(code)) {
    checks.suite.push({ key: JSON.stringify(['is-json', null]), type: a.type, scorer: 'is_json', how: "read as is-json: Lunar's is_json also takes the answer's first ```json block" });
    return;
  }
  drop(CODE);
}

/** Suite-wide checks: the scorer an assertion becomes when every test has it, or why it cannot. */
function suiteCheck(a: PromptfooAssertion): SuiteCheck | { why: string } | undefined {
  const key = JSON.stringify([a.type, a.value ?? null, a.threshold ?? null]);
  switch (a.type) {
    case 'regex':
    case 'not-regex':
      if (typeof a.value !== 'string') return { why: 'its value is not a pattern' };
      return { key, type: a.type, scorer: { regex: { pattern: a.value, ...(a.type === 'not-regex' ? { expect: 'no_match' } : {}) } } };
    case 'starts-with':
    case 'not-starts-with':
      if (typeof a.value !== 'string' || a.value === '') return { why: 'its value is not text' };
      return { key, type: a.type, scorer: { regex: { pattern: `^${escapeRegExp(a.value)}`, ...(a.type === 'not-starts-with' ? { expect: 'no_match' } : {}) } }, how: 'as a regex scorer' };
    case 'is-json':
    case 'contains-json': {
      const how = a.type === 'is-json' ? "Lunar's is_json also takes the answer's first ```json block" : "Lunar's is_json reads the whole answer or its first ```json block, not JSON anywhere in it";
      if (a.value === undefined) return { key, type: a.type, scorer: 'is_json', how };
      if (typeof a.value === 'object' && a.value !== null) return { key, type: a.type, scorer: { json_schema: { schema: a.value as Record<string, unknown> } }, how };
      return { why: 'a schema given as a string or file is not read' };
    }
    case 'latency':
      if (a.threshold === undefined) return { why: 'no threshold' };
      return { key, type: a.type, scorer: { latency: { max_ms: a.threshold } } };
    case 'cost':
      if (a.threshold === undefined) return { why: 'no threshold' };
      return { key, type: a.type, scorer: { cost: { max_usd: a.threshold } } };
    case 'answer-relevance':
      return { key, type: a.type, scorer: { answer_relevancy: { threshold: a.threshold ?? 0.5 } }, how: "as answer_relevancy (RAGAS's: questions the judge writes from the answer, compared with the case's)" };
    default:
      return undefined;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A string, a number, a list of them, or for the -all/-any types promptfoo's comma-separated form. */
function listValue(value: unknown, commaList: boolean): string[] | undefined {
  if (typeof value === 'number') return [String(value)];
  if (typeof value === 'string' && commaList) {
    const fields = splitCommaList(value);
    return fields.length ? fields : undefined;
  }
  if (typeof value === 'string') return value.length ? [value] : undefined;
  if (Array.isArray(value) && value.length && value.every((v) => (typeof v === 'string' && v.length) || typeof v === 'number')) return value.map(String);
  return undefined;
}

/** promptfoo's comma-separated values: fields trimmed, a field in double quotes may hold commas ("" is a quote). */
export function splitCommaList(value: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i < value.length) {
    while (i < value.length && (value[i] === ',' || /\s/.test(value[i]!))) i++;
    if (i >= value.length) break;
    let field = '';
    if (value[i] === '"') {
      i++;
      while (i < value.length) {
        if (value[i] === '"' && value[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (value[i] === '"') {
          i++;
          break;
        } else field += value[i++];
      }
      while (i < value.length && value[i] !== ',') i++;
    } else {
      const end = value.indexOf(',', i);
      field = value.slice(i, end < 0 ? value.length : end).trim();
      i = end < 0 ? value.length : end;
    }
    fields.push(field);
  }
  return fields;
}
