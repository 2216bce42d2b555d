// promptfoo assertions as Lunar expectations. Lunar's checks come in two kinds: fields of a case
// (expected_contains, forbidden_contains, expected_answer, expected_refusal), which each case
// gives for itself, and scorers of a suite (regex, is_json, latency, cost, rubric), whose options
// hold for every case. So a per-test assertion carries over only as a case field, and a
// suite-wide one only when every test makes the same check. The rest is counted, with why.

import type { PromptfooAssertion } from './promptfoo-config.ts';

export interface CaseChecks {
  expected_contains?: string[];
  forbidden_contains?: string[];
  expected_answer?: string;
  expected_refusal?: boolean;
}

/** A suite scorer an assertion became, keyed by what it checks so that every test can be compared. */
export interface SuiteCheck {
  key: string;
  type: string;
  scorer: Record<string, Record<string, unknown>> | string;
}

export interface Tally {
  /** Assertion types not carried over: count and why. */
  notCarried: Map<string, { count: number; why: string }>;
  /** Assertion types carried over with a different rule: count and how. */
  approximate: Map<string, { count: number; how: string }>;
}

export function newTally(): Tally {
  return { notCarried: new Map(), approximate: new Map() };
}

export function count(map: Map<string, { count: number; why?: string; how?: string }>, type: string, text: { why?: string; how?: string }): void {
  const entry = map.get(type) ?? { count: 0, ...text };
  entry.count++;
  map.set(type, entry);
}

const CONTAINS_RULE = "Lunar's answer_contains matches at word and number boundaries (\"12\" is not in \"120\") after folding case, white space and thousands separators";
const EXCLUDES_RULE = "Lunar's answer_excludes folds case, white space and thousands separators before looking";

/** Suite-wide checks: the scorer an assertion becomes when every test has it, or why it cannot. */
function suiteCheck(a: PromptfooAssertion): SuiteCheck | { why: string } | undefined {
  const key = JSON.stringify([a.type, a.value ?? null, a.threshold ?? null]);
  switch (a.type) {
    case 'regex':
    case 'not-regex':
      if (typeof a.value !== 'string') return { why: 'its value is not a pattern' };
      return { key, type: a.type, scorer: { regex: { pattern: a.value, ...(a.type === 'not-regex' ? { expect: 'no_match' } : {}) } } };
    case 'is-json':
      if (a.value === undefined) return { key, type: a.type, scorer: 'is_json' };
      if (typeof a.value === 'object' && a.value !== null) return { key, type: a.type, scorer: { json_schema: { schema: a.value as Record<string, unknown> } } };
      return { why: 'a schema given as a string or file is not read' };
    case 'latency':
      if (a.threshold === undefined) return { why: 'no threshold' };
      return { key, type: a.type, scorer: { latency: { max_ms: a.threshold } } };
    case 'cost':
      if (a.threshold === undefined) return { why: 'no threshold' };
      return { key, type: a.type, scorer: { cost: { max_usd: a.threshold } } };
    case 'llm-rubric':
      if (typeof a.value !== 'string') return { why: 'its rubric is not text' };
      return { key, type: a.type, scorer: { rubric: { criteria: a.value } } };
    default:
      return undefined;
  }
}

const WHY: Record<string, string> = {
  javascript: 'Lunar runs no code from a config: write it as a scorer (metrics/)',
  python: 'Lunar runs no code from a config: write it as a scorer (metrics/)',
  ruby: 'Lunar runs no code from a config: write it as a scorer (metrics/)',
  webhook: 'Lunar calls no webhooks from a config',
  similar: 'no embedding-similarity field per case (embedding_similarity compares with expected_answer; carry the reference as equals)',
  'assert-set': 'Lunar has no nested assertion sets',
};

export interface TestChecks {
  fields: CaseChecks;
  suite: SuiteCheck[];
}

/**
 * One test's assertions (defaultTest's first, as promptfoo merges them): the case fields and
 * suite checks they become; the rest counted in `tally`.
 */
export function mapAssertions(assertions: readonly PromptfooAssertion[], tally: Tally): TestChecks {
  const fields: CaseChecks = {};
  const suite: SuiteCheck[] = [];
  for (const a of assertions) {
    if (a.transform !== undefined) {
      count(tally.notCarried, a.type, { why: 'it checks a transformed output, which Lunar does not make' });
      continue;
    }
    if (a.weight === 0) {
      count(tally.notCarried, a.type, { why: 'weight 0: it can never fail a promptfoo test' });
      continue;
    }
    if (carryField(a, fields, tally)) continue;
    const check = suiteCheck(a);
    if (check && 'key' in check) suite.push(check);
    else count(tally.notCarried, a.type, { why: check?.why ?? WHY[a.type] ?? 'no Lunar check does the same' });
  }
  return { fields, suite };
}

/** Carries a per-case assertion into the case's fields; false when it is not one. */
function carryField(a: PromptfooAssertion, fields: CaseChecks, tally: Tally): boolean {
  const values = listValue(a.value, /-(all|any)$/.test(a.type));
  switch (a.type) {
    case 'icontains':
    case 'contains':
    case 'icontains-all':
    case 'contains-all':
    case 'icontains-any':
    case 'contains-any': {
      if (!values) return notCarried(tally, a.type, 'its value is not text');
      if (a.type.endsWith('-any') && values.length > 1) return notCarried(tally, a.type, 'one of several strings: expected_contains needs every one (contains with mode any is suite-wide)');
      (fields.expected_contains ??= []).push(...values);
      const caseRule = a.type.startsWith('contains') ? '; it also ignores case, which promptfoo\'s contains does not' : '';
      count(tally.approximate, a.type, { how: `as expected_contains: ${CONTAINS_RULE}${caseRule}` });
      return true;
    }
    case 'not-icontains':
    case 'not-contains':
    case 'not-icontains-all':
    case 'not-contains-all': {
      if (!values) return notCarried(tally, a.type, 'its value is not text');
      (fields.forbidden_contains ??= []).push(...values);
      const caseRule = a.type.startsWith('not-contains') ? '; it also ignores case, which promptfoo\'s not-contains does not' : '';
      count(tally.approximate, a.type, { how: `as forbidden_contains: ${EXCLUDES_RULE}${caseRule}` });
      return true;
    }
    case 'equals':
      if (typeof a.value !== 'string' && typeof a.value !== 'number') return notCarried(tally, a.type, 'it compares JSON values, not text');
      if (fields.expected_answer !== undefined) return notCarried(tally, a.type, 'a second equals in one test');
      fields.expected_answer = String(a.value);
      count(tally.approximate, a.type, { how: "as expected_answer with exact_match (case and white space kept): it still reads 1,000 as 1000" });
      return true;
    case 'is-refusal':
    case 'not-is-refusal':
      fields.expected_refusal = a.type === 'is-refusal';
      count(tally.approximate, a.type, { how: "as expected_refusal with Lunar's refusal scorer (its own refusal phrases)" });
      return true;
    default:
      return false;
  }
}

function notCarried(tally: Tally, type: string, why: string): true {
  count(tally.notCarried, type, { why });
  return true;
}

/** A string, a number, a list of them, or for the -all/-any types promptfoo's comma-separated form. */
function listValue(value: unknown, commaList: boolean): string[] | undefined {
  if (typeof value === 'number') return [String(value)];
  if (typeof value === 'string' && commaList) {
    const fields = splitCommaList(value);
    return fields.length ? fields : undefined;
  }
  if (typeof value === 'string') return value.length ? [value] : undefined;
  if (Array.isArray(value) && value.length && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.map(String);
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
