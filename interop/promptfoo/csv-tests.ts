// promptfoo tests written as CSV (src/csv.ts in promptfoo): one test per row; a plain column is a
// var; `__expected`, `__expected1`..`__expectedN` are assertions in promptfoo's one-line form
// (`icontains: foo`, `similar(0.8): ...`, `llm-rubric: ...`, `fn:`/`javascript:`, `is-json`, or
// plain text for equals); `__description`, `__metric`, `__threshold`, `__prefix`, `__suffix`,
// `__metadata:key` and `__metadata:key[]` (comma list, `\,` for a comma) as promptfoo reads them.

import { InputError } from '../../core/errors.ts';
import type { PromptfooAssertion, PromptfooTest } from './promptfoo-config.ts';

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks; a BOM is dropped. */
export function parseCsv(text: string, file: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (quoted) throw new InputError(`${file}: line ${rows.length + 1}: a quoted field is not closed`);
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/** Each data row as a record by the header's column names. */
export function csvRecords(text: string, file: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text, file);
  if (!header) return [];
  return rows.map((cells, r) => {
    if (cells.length > header.length) throw new InputError(`${file}: line ${r + 2}: ${cells.length} fields, the header names ${header.length}`);
    return Object.fromEntries(header.map((name, c) => [name.trim(), cells[c] ?? '']));
  });
}

// promptfoo's base assertion types, which its one-line form recognises (with an optional `not-`).
const BASE_TYPES = [
  'answer-relevance', 'bleu', 'classifier', 'contains', 'contains-all', 'contains-any', 'contains-html', 'contains-json', 'contains-sql', 'contains-xml',
  'context-faithfulness', 'context-recall', 'context-relevance', 'conversation-relevance', 'cost', 'equals', 'factuality', 'finish-reason', 'g-eval', 'gleu',
  'guardrails', 'icontains', 'icontains-all', 'icontains-any', 'is-html', 'is-json', 'is-refusal', 'is-sql', 'is-valid-function-call',
  'is-valid-openai-function-call', 'is-valid-openai-tools-call', 'is-xml', 'javascript', 'latency', 'levenshtein', 'llm-rubric', 'meteor',
  'model-graded-closedqa', 'model-graded-factuality', 'moderation', 'perplexity', 'perplexity-score', 'pi', 'python', 'regex', 'rouge-n', 'ruby',
  'similar', 'starts-with', 'webhook', 'word-count',
];
// Longest first, so `contains-all` is not read as `contains` followed by `-all`.
const ONE_LINE = new RegExp(`^(not-)?(${[...BASE_TYPES].sort((a, b) => b.length - a.length).join('|')})(?:\\((\\d+(?:\\.\\d+)?)\\))?(?::([\\s\\S]*))?$`);
const THRESHOLD_TYPES = new Set(['answer-relevance', 'classifier', 'context-faithfulness', 'context-recall', 'context-relevance', 'cost', 'latency', 'levenshtein', 'perplexity-score', 'perplexity', 'rouge-n', 'similar', 'starts-with']);

/** promptfoo's one-line assertion (assertionFromString): a type prefix, else equals. */
export function assertionFromString(expected: string): PromptfooAssertion {
  for (const [prefix, type] of [['javascript:', 'javascript'], ['fn:', 'javascript'], ['eval:', 'javascript'], ['python:', 'python'], ['grade:', 'llm-rubric'], ['llm-rubric:', 'llm-rubric']] as const) {
    if (expected.startsWith(prefix)) return { type, value: type === 'llm-rubric' ? expected.slice(prefix.length).trim() : expected.slice(prefix.length).trim() };
  }
  if (expected.startsWith('file://')) {
    if (/\.py(:|$)/.test(expected)) return { type: 'python', value: expected };
    if (/\.[jt]s(:|$)/.test(expected)) return { type: 'javascript', value: expected };
  }
  const m = ONE_LINE.exec(expected);
  if (!m) return { type: 'equals', value: expected };
  const [, not, base, thresholdText, raw] = m;
  const type = `${not ?? ''}${base}`;
  // promptfoo keeps the text after the colon as it is; the space people put after it is not meant as part of the value.
  const value = raw?.trim();
  if (/^(i?contains)-(all|any)$/.test(base!)) return { type, value: (value ?? '').split(',').map((s) => s.trim()) };
  if (THRESHOLD_TYPES.has(base!)) {
    const threshold = Number.parseFloat(thresholdText ?? '') || (base === 'similar' ? 0.8 : 0.75);
    return { type, ...(value !== undefined && value !== '' ? { value } : {}), threshold };
  }
  return { type, ...(value !== undefined && value !== '' ? { value } : {}) };
}

/** One CSV row as a promptfoo test (testCaseFromCsvRow). */
export function testFromCsvRow(row: Readonly<Record<string, string>>): PromptfooTest {
  const vars: Record<string, string> = {};
  const assert: PromptfooAssertion[] = [];
  const options: Record<string, unknown> = {};
  const metadata: Record<string, unknown> = {};
  let description: string | undefined;
  let metric: string | undefined;
  let threshold: number | undefined;
  const byColumn = new Map<string, PromptfooAssertion>();
  const configs: [string, string, string][] = [];
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith('__expected')) {
      if (value.trim() === '') continue;
      const assertion = assertionFromString(value.trim());
      assert.push(assertion);
      byColumn.set(key, assertion);
    } else if (key.startsWith('__config:')) {
      // `__config:__expected2:threshold`: an option of the assertion in that column.
      const [, column = '', option = ''] = key.split(':');
      if (value.trim() !== '') configs.push([column, option, value.trim()]);
    } else if (key === '__prefix' || key === '__suffix') options[key.slice(2)] = value;
    else if (key === '__description') description = value;
    else if (key === '__metric') metric = value;
    else if (key === '__threshold') threshold = Number.parseFloat(value);
    else if (key.startsWith('__metadata:')) {
      const name = key.slice('__metadata:'.length);
      if (value === '') continue;
      if (name.endsWith('[]')) metadata[name.slice(0, -2)] = value.split(/(?<!\\),/).map((s) => s.replace(/\\,/g, ',').trim()).filter(Boolean);
      else metadata[name] = value;
    } else if (key === '__providerOutput') options[key] = value;
    else vars[key] = value;
  }
  for (const [column, option, value] of configs) {
    const target = byColumn.get(column);
    if (!target) continue;
    if (option === 'threshold' && Number.isFinite(Number(value))) target.threshold = Number(value);
    else options[`__config:${column}:${option}`] = value;
  }
  if (metric) for (const a of assert) a.metric = metric;
  return {
    vars,
    assert,
    options,
    ...(Object.keys(metadata).length ? { metadata } : {}),
    ...(description ? { description } : {}),
    ...(threshold ? { threshold } : {}),
  };
}
