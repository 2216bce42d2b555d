// Retrieval evaluation that agrees with trec_eval 9.0.8 line for line (the reference and its rules:
// shared/data/trec_eval/README.md). Pure functions over parsed data: the `lunar trec-eval` command and
// the harness share them. The per-query measures live in retrieval-measures.ts.

import {
  DEFAULT_CUTOFFS, INTEGER_MEASURES, MEASURE_ORDER, queryValues, type Judgments, type MeasureSpec,
} from './retrieval-measures.ts';
import { compareBytes } from '../core/compare-bytes.ts';
import { atol, TrecEvalError, type Qrels, type Run, type RunEntry } from '../datasets/trec-files.ts';

export * from './retrieval-measures.ts';

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
