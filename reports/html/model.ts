// The data the HTML report's script reads: every attempt as a compact row (names interned into
// lists, long strings cut: 10,000 rows stay within a few megabytes), the chart figures, and the
// embedded traces, which get what is left of the page's budget once the rows are counted.
// The overview, totals and lock are rendered on the server (template.ts) from the same input.

import type { Score } from '../../metrics/score.ts';
import type { StoredAttempt } from '../../runners/store.ts';
import { reportOutcome, type ReportOutcome } from '../report-input.ts';
import { type RunReportInput } from '../../runners/reporter.ts';
import { chartsData, type ChartsData } from './charts-data.ts';
import { DEFAULT_TRACE_LIMITS, embedTraces, type EmbeddedTraces, type TraceLimits } from './traces.ts';

/** Strings in a row (answer, error, a score's reason or details) are cut to at most this many characters. */
export const ROW_STRING_CHARS = 2_000;
/** ...and to fewer in a large run, so its rows' strings stay within about this many characters in all. */
const ROW_STRINGS_BUDGET = 3_000_000;
const MIN_ROW_STRING_CHARS = 100;
/** Embedded traces always get this much room, however large the rows. */
const MIN_TRACE_CHARS = 1_000_000;

/**
 * The cut for a run's row strings: 2,000 characters in a small run; in a large one the budget
 * shared by every answer and every score's reason and details (never below 100):
 * 1,000 attempts with 2 scorers → 600; 10,000 → 100. The whole texts are in results.json and,
 * for attempts whose trace is embedded, the answer is in the drill-down.
 */
export function rowStringChars(attempts: number, scorers: number): number {
  const share = Math.floor(ROW_STRINGS_BUDGET / Math.max(1, attempts * (1 + 2 * scorers)));
  return Math.max(MIN_ROW_STRING_CHARS, Math.min(ROW_STRING_CHARS, share));
}

export interface PageScore {
  scorer: string;
  status: Score['status'];
  value: number | null;
  pass: boolean | null;
  reason: string;
  details?: unknown;
}

export interface PageRow {
  /** Indices into PageData's suites, configs, targets and categories. */
  s: number;
  c: number;
  t: number;
  k: number;
  id: string;
  r: number;
  o: ReportOutcome;
  ms: number;
  usd: number;
  scores: PageScore[];
  error?: string;
  answer: string | null;
}

export interface PageData {
  run: { id: string; status: string; startedAt: string; finishedAt: string | null };
  suites: string[];
  configs: string[];
  targets: string[];
  categories: string[];
  scorers: string[];
  rows: PageRow[];
  /** Per row, the index of its trace in the page's traceData; -1 when it is not embedded. */
  traceIndex: number[];
  /** Row strings (answer, error, reasons, details) longer than this are cut (rowStringChars). */
  rowChars: number;
  charts: ChartsData;
  traces: { available: boolean; embedded: number; taken: EmbeddedTraces['taken']; leftOut: EmbeddedTraces['leftOut']; cutStrings: number };
}

export interface PageModel {
  data: PageData;
  /** data.rows as JSON (measured for the page's budget, so serialised once). */
  rowsText: string;
  /** The embedded traces as JSON texts, in traceIndex order (kept apart so they are serialised once). */
  traceTexts: string[];
}

export function buildPageModel(input: RunReportInput, limits: TraceLimits = DEFAULT_TRACE_LIMITS): PageModel {
  const attempts = tableOrder(input.attempts);
  const suites = interner();
  const configs = interner();
  const targets = interner();
  const categories = interner();
  const scorers = new Set<string>();
  for (const a of attempts) for (const s of a.scores) scorers.add(s.scorer);
  const chars = rowStringChars(attempts.length, scorers.size);
  const cut = (text: string) => cutText(text, chars);
  const outcomes = attempts.map(reportOutcome);
  const rows = attempts.map(
    (a, i): PageRow => ({
      s: suites.id(a.suite),
      c: configs.id(a.config),
      t: targets.id(a.target),
      k: categories.id(a.category),
      id: a.caseId,
      r: a.repeat,
      o: outcomes[i]!,
      ms: a.latencyMs,
      usd: a.costUsd,
      scores: a.scores.map((score) => pageScore(score, chars)),
      ...(a.error === undefined ? {} : { error: cut(a.error) }),
      answer: a.finalAnswer === null ? null : cut(a.finalAnswer),
    }),
  );
  const rowsText = JSON.stringify(rows);
  // Traces get what the rows leave of the page's budget, and always some room.
  const traceChars = Math.min(limits.maxTraceChars, Math.max(MIN_TRACE_CHARS, limits.maxPageChars - rowsText.length));
  const traces = embedTraces(attempts, outcomes, input.trace, { ...limits, maxTraceChars: traceChars });
  return {
    data: {
      run: { id: input.run.id, status: input.run.status, startedAt: input.run.startedAt, finishedAt: input.run.finishedAt },
      suites: suites.list,
      configs: configs.list,
      targets: targets.list,
      categories: categories.list,
      scorers: [...scorers].sort(),
      rows,
      traceIndex: traces.index,
      rowChars: chars,
      charts: chartsData(input.aggregates, attempts),
      traces: { available: traces.available, embedded: traces.texts.length, taken: traces.taken, leftOut: traces.leftOut, cutStrings: traces.cutStrings },
    },
    rowsText,
    traceTexts: traces.texts,
  };
}

// Case ids in natural order: c2 before c10, bfcl_simple_9 before bfcl_simple_10.
const natural = new Intl.Collator('en', { numeric: true }).compare;
const OUTCOME_RANK: Record<ReportOutcome, number> = { failed: 0, errored: 0, unscored: 1, passed: 2 };

/**
 * The attempts as the case table lists them: failed and errored first (what a reader opens the
 * report for), then unscored, then passed; within each, by suite (in the run's order), case id
 * in natural order, target, configuration and repeat.
 */
export function tableOrder(attempts: readonly StoredAttempt[]): StoredAttempt[] {
  const suites = new Map<string, number>();
  for (const a of attempts) if (!suites.has(a.suite)) suites.set(a.suite, suites.size);
  const ranked = attempts.map((a) => ({ a, rank: OUTCOME_RANK[reportOutcome(a)], suite: suites.get(a.suite)! }));
  ranked.sort((x, y) => x.rank - y.rank || x.suite - y.suite || natural(x.a.caseId, y.a.caseId) || natural(x.a.target, y.a.target) || natural(x.a.config, y.a.config) || x.a.repeat - y.a.repeat);
  return ranked.map((r) => r.a);
}

/** The page's JSON: the data, with the rows and the embedded traces (as `traceData`) spliced in as serialised. */
export function pageJson(model: PageModel): string {
  const { rows: _rows, ...rest } = model.data;
  const head = JSON.stringify(rest);
  return `${head.slice(0, -1)},"rows":${model.rowsText},"traceData":[${model.traceTexts.join(',')}]}`;
}

function pageScore(s: StoredAttempt['scores'][number], chars: number): PageScore {
  // Most scores are short: the stored object serialises as it is (an undefined details is left out).
  if (s.details === undefined && s.reason.length <= chars) return s;
  const bounded: PageScore = { scorer: s.scorer, status: s.status, value: s.value, pass: s.pass, reason: cutText(s.reason, chars) };
  if (s.details !== undefined) bounded.details = boundDetails(s.details, chars);
  return bounded;
}

/**
 * Details as they are when short. Otherwise their top level only: strings cut (a judge's
 * reasoning stays readable), numbers and flags kept, lists and objects named with a pointer to
 * results.json — a judge's fifty rated claims do not weigh on every row of a large run.
 */
function boundDetails(details: Record<string, unknown>, chars: number): unknown {
  if (!longerThan(details, 2 * chars)) return details;
  const top: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    if (typeof value === 'string') top[key] = cutText(value, chars);
    else if (value === null || typeof value !== 'object') top[key] = value;
    else top[key] = Array.isArray(value) ? `[${value.length} items: in results.json]` : '{…}: in results.json';
  }
  return top;
}

/** Whether a JSON value's strings and keys add up to more than `limit` characters; stops as soon as they do. */
function longerThan(value: unknown, limit: number): boolean {
  let left = limit;
  const walk = (v: unknown): boolean => {
    if (typeof v === 'string') return (left -= v.length) < 0;
    if (Array.isArray(v)) return v.some(walk);
    if (v !== null && typeof v === 'object') return Object.entries(v).some(([k, x]) => (left -= k.length) < 0 || walk(x));
    return (left -= 8) < 0;
  };
  return walk(value);
}

export function cutText(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, chars)}… (+${text.length - chars} characters in results.json)`;
}

/** Assigns each distinct name an index in first-seen order. */
export function interner(): { list: string[]; id(name: string): number } {
  const ids = new Map<string, number>();
  const list: string[] = [];
  return {
    list,
    id(name) {
      let id = ids.get(name);
      if (id === undefined) {
        id = list.length;
        ids.set(name, id);
        list.push(name);
      }
      return id;
    },
  };
}
