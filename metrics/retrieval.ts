// Retrieval evaluation that agrees with trec_eval 9.0.8 line for line (the reference and its rules:
// shared/data/trec_eval/README.md). Pure functions over parsed data: the `lunar trec-eval` command and
// the harness share them. The per-query measures live in retrieval-measures.ts.

import {
  DEFAULT_CUTOFFS, INTEGER_MEASURES, MEASURE_ORDER, queryValues, type Judgments, type MeasureSpec,
} from './retrieval-measures.ts';

export * from './retrieval-measures.ts';

/** qid → docno → rel. */
export type Qrels = Map<string, Map<string, number>>;
/** `line` (1-based, in the run file) only makes error messages point at the line. */
export type RunEntry = { docno: string; score: number; line?: number };
/** qid → retrieved docs, in any order: ranking is rankRun's job. */
export type Run = Map<string, RunEntry[]>;

export interface TrecEvalRow {
  measure: string;
  /** A query id, or 'all' for the summary. */
  qid: string;
  value: number;
}

export interface EvaluateOptions {
  /** trec_eval `-m` arguments: 'map', 'P.5,10', 'ndcg_cut' (default cutoffs), … */
  measures: readonly string[];
  /** -q: per-query rows before the summary. */
  perQuery?: boolean;
  /** -c: average over every qrels query; those missing from the run count as 0. */
  complete?: boolean;
  /** -M: evaluate only the first n docs of each query's ranking. */
  maxRetrieved?: number;
  /** -l: the least rel value that counts as relevant (default 1). */
  relevanceLevel?: number;
  /** Named in error messages. */
  runFile?: string;
}

/** A failure trec_eval treats as fatal; exitCode is the one trec_eval exits with. */
export class TrecEvalError extends Error {
  constructor(readonly exitCode: number, message: string) {
    super(message);
    this.name = 'TrecEvalError';
  }
}

/**
 * C strcmp order. UTF-8 byte order is code point order, which UTF-16 `<` breaks only for astral
 * characters; on text decoded as latin1 (one code unit per byte) this is plain byte order.
 */
export function compareBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) return a.codePointAt(i)! - b.codePointAt(i)!;
  }
  return a.length - b.length;
}

/** C atof: the longest numeric prefix (hex, inf and nan included), 0 when there is none. */
export function atof(s: string): number {
  const t = s.replace(/^[ \t\n\v\f\r]+/, '');
  const special = /^([+-]?)(inf|nan)/i.exec(t);
  if (special) return special[2].toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  const hex = /^([+-]?)0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?/i.exec(t);
  if (hex && (hex[2] || hex[3])) {
    const digits = hex[2] + (hex[3] ?? '');
    const value = Number.parseInt(digits, 16) * 2 ** (Number(hex[4] ?? 0) - 4 * (hex[3] ?? '').length);
    return hex[1] === '-' ? -value : value;
  }
  const value = Number.parseFloat(t);
  return Number.isNaN(value) ? 0 : value;
}

/** C atol: leading whitespace, sign, digits; anything else reads as 0. */
export function atol(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m ? Number.parseInt(m[1], 10) : 0;
}

// C isspace, not JS \s: a no-break space inside a docno is part of the docno to trec_eval.
const splitFields = (line: string): string[] => line.split(/[ \t\n\v\f\r]+/).filter(Boolean);

function textLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

const excerpt = (line: string): string => JSON.stringify(line.length > 80 ? `${line.slice(0, 77)}...` : line);

/**
 * qrels lines are `qid iter docno rel`, exactly 4 fields. As in trec_eval a blank line is malformed,
 * and only a '#' in the first column starts a comment.
 */
export function parseQrels(text: string, file: string): Qrels {
  const qrels: Qrels = new Map();
  const seenAt = new Map<string, number>();
  textLines(text).forEach((line, i) => {
    if (line.startsWith('#')) return;
    const fields = splitFields(line);
    if (fields.length !== 4) {
      throw new TrecEvalError(2, `${file}:${i + 1}: malformed qrels line (want 4 fields: qid iter docno rel): ${excerpt(line)}`);
    }
    const [qid, , docno, rel] = fields;
    let judgments = qrels.get(qid);
    if (!judgments) qrels.set(qid, (judgments = new Map()));
    // trec_eval notices this only in a query it evaluates; a bad qrels file fails here whatever the run.
    const key = `${qid}\n${docno}`;
    if (judgments.has(docno)) {
      throw new TrecEvalError(4, `${file}:${i + 1}: duplicate docno '${docno}' for query '${qid}' (also line ${seenAt.get(key)})`);
    }
    seenAt.set(key, i + 1);
    judgments.set(docno, atol(rel));
  });
  if (qrels.size === 0) throw new TrecEvalError(2, `${file}: no judgments`);
  return qrels;
}

/**
 * Run lines are `qid iter docno rank score run_id [ignored...]`; blank lines and lines starting with '#'
 * are skipped. Scores become float32, as trec_eval 9.0.8 stores them. Duplicates are kept: trec_eval
 * rejects them only in queries it evaluates and only within the -M cut, so evaluate() checks.
 */
export function parseRun(text: string, file: string): Run {
  const run: Run = new Map();
  textLines(text).forEach((line, i) => {
    const fields = splitFields(line);
    if (fields.length === 0 || fields[0].startsWith('#')) return;
    if (fields.length < 6) {
      throw new TrecEvalError(2, `${file}:${i + 1}: malformed run line (want 6 fields: qid iter docno rank score run_id): ${excerpt(line)}`);
    }
    const [qid, , docno, , score] = fields;
    let entries = run.get(qid);
    if (!entries) run.set(qid, (entries = []));
    entries.push({ docno, score: Math.fround(atof(score)), line: i + 1 });
  });
  if (run.size === 0) throw new TrecEvalError(2, `${file}: no results`);
  return run;
}

/** trec_eval's ranking: float32 score descending, ties by docno descending in byte order; then the -M cut. */
export function rankRun(entries: readonly RunEntry[], maxRetrieved?: number): RunEntry[] {
  const ranked = entries
    .map((entry) => ({ entry, score: Math.fround(entry.score) }))
    .sort((a, b) => (a.score > b.score ? -1 : a.score < b.score ? 1 : compareBytes(b.entry.docno, a.entry.docno)))
    .map(({ entry }) => entry);
  return maxRetrieved === undefined ? ranked : ranked.slice(0, Math.max(0, maxRetrieved));
}

/**
 * `-m` arguments → what to compute, in trec_eval's print order. As in trec_eval a measure named twice is
 * computed once, and the first cutoff list given for it wins (`-m P.5 -m P.10` prints P_5 only).
 */
export function parseMeasures(specs: readonly string[]): MeasureSpec[] {
  const requested = new Set<string>();
  const params = new Map<string, string>();
  for (const spec of specs) {
    const dot = spec.indexOf('.');
    const name = dot < 0 ? spec : spec.slice(0, dot);
    if (dot === spec.length - 1) throw new TrecEvalError(1, `improper measure '${spec}': nothing after the '.'`);
    if (dot >= 0 && !params.has(name)) params.set(name, spec.slice(dot + 1));
    if (!(MEASURE_ORDER as readonly string[]).includes(name)) {
      throw new TrecEvalError(1, `unsupported measure '${name}' (Lunar implements ${MEASURE_ORDER.join(', ')})`);
    }
    requested.add(name);
  }
  if (requested.size === 0) throw new TrecEvalError(1, 'no measures requested');
  return MEASURE_ORDER.filter((name) => requested.has(name)).map((name) => {
    const defaults = DEFAULT_CUTOFFS[name];
    const given = params.get(name);
    // Parameters on a measure without cutoffs (map.5) are accepted and ignored, as trec_eval does.
    if (!defaults) return { name, cutoffs: [] };
    return { name, cutoffs: given === undefined ? defaults : parseCutoffs(name, given) };
  });
}

function parseCutoffs(name: string, list: string): number[] {
  const cutoffs = list.split(',').map(atol).sort((a, b) => a - b);
  if (cutoffs[0] <= 0) throw new TrecEvalError(2, `measure '${name}': cutoffs must be positive (got '${list}')`);
  if (cutoffs.some((c, i) => i > 0 && c === cutoffs[i - 1])) {
    throw new TrecEvalError(2, `measure '${name}': duplicate cutoffs in '${list}'`);
  }
  return cutoffs;
}

function assertNoDuplicates(ranked: readonly RunEntry[], qid: string, runFile = 'run'): void {
  const first = new Map<string, RunEntry>();
  let dup: [RunEntry, RunEntry] | undefined;
  for (const entry of ranked) {
    const earlier = first.get(entry.docno);
    if (!earlier) first.set(entry.docno, entry);
    // trec_eval names the duplicate that sorts first by docno; so do we.
    else if (!dup || compareBytes(entry.docno, dup[1].docno) < 0) dup = [earlier, entry];
  }
  if (!dup) return;
  const [a, b] = dup.sort((x, y) => (x.line ?? 0) - (y.line ?? 0));
  const where = b.line === undefined ? runFile : `${runFile}:${b.line}`;
  const also = a.line === undefined ? '' : ` (also line ${a.line})`;
  throw new TrecEvalError(4, `${where}: duplicate docno '${b.docno}' for query '${qid}'${also}`);
}

/**
 * What trec_eval prints, as rows: with perQuery, each evaluated query's block (qids in byte order),
 * then the 'all' block. Queries evaluated are the run's qids that have qrels.
 */
export function evaluate(qrels: Qrels, run: Run, options: EvaluateOptions): TrecEvalRow[] {
  const specs = parseMeasures(options.measures);
  const level = options.relevanceLevel ?? 1;
  // Only num_q never looks at the ranking, so trec_eval then never meets a duplicate docno.
  const checkDuplicates = specs.some((s) => s.name !== 'num_q');
  const rows: TrecEvalRow[] = [];
  const sums = new Map<string, number>();
  let evaluated = 0;
  for (const qid of [...run.keys()].sort(compareBytes)) {
    const judgments: Judgments | undefined = qrels.get(qid);
    if (!judgments) continue;
    const ranked = rankRun(run.get(qid)!, options.maxRetrieved);
    if (checkDuplicates) assertNoDuplicates(ranked, qid, options.runFile);
    for (const [measure, value] of queryValues(specs, ranked.map((e) => e.docno), judgments, level)) {
      sums.set(measure, (sums.get(measure) ?? 0) + value);
      if (options.perQuery && measure !== 'num_q') rows.push({ measure, qid, value });
    }
    evaluated++;
  }
  if (evaluated === 0) throw new TrecEvalError(7, 'no queries with both results and relevance info');

  const numQ = options.complete ? qrels.size : evaluated;
  for (const [measure, sum] of sums) {
    let value: number;
    if (measure === 'num_q') value = numQ;
    else if (measure === 'num_ret' || measure === 'num_rel_ret') value = sum;
    // trec_eval recounts num_rel over the whole qrels under -c, and counts rel > 0 there whatever -l says.
    else if (measure === 'num_rel') value = options.complete ? positiveJudgments(qrels) : sum;
    else value = sum / numQ;
    rows.push({ measure, qid: 'all', value });
  }
  return rows;
}

function positiveJudgments(qrels: Qrels): number {
  let n = 0;
  for (const judgments of qrels.values()) for (const rel of judgments.values()) if (rel > 0) n++;
  return n;
}

/** C printf("%6.4f"): like toFixed(4), except that an exact tie rounds to even (0.03125 → 0.0312). */
export function formatFixed4(x: number): string {
  let s = Math.abs(x).toFixed(4);
  const exact = Math.abs(x).toFixed(100);
  const dot = exact.indexOf('.');
  if (/^50*$/.test(exact.slice(dot + 5)) && Number(exact[dot + 4]) % 2 === 0) s = exact.slice(0, dot + 5);
  if (x < 0 || Object.is(x, -0)) s = `-${s}`;
  return s.padStart(6);
}

/** trec_eval's stdout: printf("%-22s\t%s\t%6.4f\n"), with %ld for the num_* counts. */
export function formatTrecEval(rows: readonly TrecEvalRow[]): string {
  return rows
    .map(({ measure, qid, value }) => {
      const shown = INTEGER_MEASURES.has(measure) ? String(Math.trunc(value)) : formatFixed4(value);
      return `${measure.padEnd(22)}\t${qid}\t${shown}\n`;
    })
    .join('');
}
