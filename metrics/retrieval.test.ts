// Agreement with trec_eval 9.0.8 on every line of every golden file in the reference data trec_eval, plus the
// README's hand-worked values as named checks.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { averagePrecision, evaluate, formatFixed4, formatTrecEval, ndcgAt, precisionAt, rankRun, recallAt, reciprocalRank, successAt, type EvaluateOptions, type TrecEvalRow } from './retrieval.ts';
import { parseQrels, parseRun, TrecEvalError } from '../datasets/trec-files.ts';
import { compareBytes } from '../core/compare-bytes.ts';
import { referenceData } from '../test/reference-data.ts';

// Files are read in beforeAll or in a test, never while collecting: without them the tests skip.
const TREC_EVAL = referenceData('trec_eval');
const read = (name: string): string => readFileSync(TREC_EVAL.file(name), 'latin1');
const qrelsOf = (name: string) => parseQrels(read(name), name);
const runOf = (name: string) => parseRun(read(name), name);

const STANDARD = ['ndcg_cut.5,10,20', 'recip_rank', 'map', 'map_cut.10', 'P.1,5,10', 'recall.5,10,100', 'success.1,5,10'];
const COUNTS = ['num_q', 'num_ret', 'num_rel', 'num_rel_ret'];

interface GoldenCase {
  golden: string;
  qrels: string;
  run: string;
  options: Omit<EvaluateOptions, 'measures'>;
  measures: string[];
}

const CASES: GoldenCase[] = [
  { golden: 'golden.q.c.txt', qrels: 'qrels.test', run: 'results.test', options: { perQuery: true, complete: true }, measures: STANDARD },
  { golden: 'golden.q.txt', qrels: 'qrels.test', run: 'results.test', options: { perQuery: true }, measures: STANDARD },
  { golden: 'golden.q.c.M10.txt', qrels: 'qrels.test', run: 'results.test', options: { perQuery: true, complete: true, maxRetrieved: 10 }, measures: STANDARD },
  { golden: 'golden.q.c.counts.txt', qrels: 'qrels.test', run: 'results.test', options: { perQuery: true, complete: true }, measures: COUNTS },
  { golden: 'golden.rounded.q.c.txt', qrels: 'qrels.test', run: 'results.rounded.test', options: { perQuery: true, complete: true }, measures: STANDARD },
  { golden: 'tiny/golden.q.c.txt', qrels: 'tiny/qrels', run: 'tiny/run', options: { perQuery: true, complete: true }, measures: [...COUNTS, ...STANDARD] },
  { golden: 'tiny/golden.q.txt', qrels: 'tiny/qrels', run: 'tiny/run', options: { perQuery: true }, measures: [...COUNTS, ...STANDARD] },
  { golden: 'tiny/golden.float32.q.c.txt', qrels: 'tiny/qrels', run: 'tiny/run.float32', options: { perQuery: true, complete: true }, measures: STANDARD },
];

function parseGolden(text: string): TrecEvalRow[] {
  return text.split('\n').filter(Boolean).map((line) => {
    const [measure, qid, value] = line.split('\t');
    return { measure: measure.trimEnd(), qid, value: Number(value) };
  });
}

describe.skipIf(!TREC_EVAL.present)('agreement with trec_eval 9.0.8 golden output', () => {
  for (const c of CASES) {
    describe(c.golden, () => {
      let golden = '';
      let rows: TrecEvalRow[] = [];
      beforeAll(() => {
        golden = read(c.golden);
        rows = evaluate(qrelsOf(c.qrels), runOf(c.run), { ...c.options, measures: c.measures });
      });

      it('has the same lines in the same order, each value within 1e-4', () => {
        const expected = parseGolden(golden);
        expect(rows.map((r) => `${r.measure} ${r.qid}`)).toEqual(expected.map((r) => `${r.measure} ${r.qid}`));
        rows.forEach((row, i) => {
          expect(Math.abs(row.value - expected[i].value), `${row.measure} ${row.qid}`).toBeLessThanOrEqual(1e-4);
        });
      });

      it('prints it byte for byte', () => {
        expect(formatTrecEval(rows)).toBe(golden);
      });
    });
  }
});

describe.skipIf(!TREC_EVAL.present)('tiny case, worked by hand (README)', () => {
  const qrels = TREC_EVAL.present ? qrelsOf('tiny/qrels') : new Map();
  const run = TREC_EVAL.present ? runOf('tiny/run') : new Map();
  const ranked = (qid: string) => rankRun(run.get(qid)!).map((e) => e.docno);
  const q1 = qrels.get('q1')!;

  it('ranks q1 as d3, d5, d1, d2, d8, d6: the 8.0 tie goes to the docno that sorts last', () => {
    expect(ranked('q1')).toEqual(['d3', 'd5', 'd1', 'd2', 'd8', 'd6']);
  });
  it('AP q1 = (1/3 + 2/4)/3 = 0.2778', () => expect(averagePrecision(ranked('q1'), q1)).toBeCloseTo(0.2778, 4));
  it('RR q1 = 1/3', () => expect(reciprocalRank(ranked('q1'), q1)).toBeCloseTo(1 / 3, 10));
  it('P@5 q1 = 2/5', () => expect(precisionAt(ranked('q1'), q1, 5)).toBe(0.4));
  it('P@10 q1 = 2/10: the denominator stays k though only 6 were retrieved', () => {
    expect(precisionAt(ranked('q1'), q1, 10)).toBe(0.2);
  });
  it('R@10 q1 = 2/3 (d7 is relevant but never retrieved)', () => expect(recallAt(ranked('q1'), q1, 10)).toBeCloseTo(2 / 3, 10));
  it('nDCG@10 q1 = 0.4569: linear gain, ideal from every judged doc', () => {
    const expected = (2 / Math.log2(4) + 1 / Math.log2(5)) / (2 + 1 / Math.log2(3) + 1 / Math.log2(4));
    expect(ndcgAt(ranked('q1'), q1, 10)).toBeCloseTo(expected, 12);
    expect(formatFixed4(ndcgAt(ranked('q1'), q1, 10))).toBe('0.4569');
  });
  it('success@1 q1 = 0, success@5 q1 = 1', () => {
    expect(successAt(ranked('q1'), q1, 1)).toBe(0);
    expect(successAt(ranked('q1'), q1, 5)).toBe(1);
  });
  it('RR q2 = 0.5: d5 ranks before d4 on the tie', () => {
    expect(ranked('q2')).toEqual(['d5', 'd4']);
    expect(reciprocalRank(ranked('q2'), qrels.get('q2')!)).toBe(0.5);
  });
  it('MRR@k is RR over the first k: q1 has nothing relevant in its first 2', () => {
    expect(reciprocalRank(ranked('q1'), q1, { k: 2 })).toBe(0);
    expect(reciprocalRank(ranked('q1'), q1, { k: 3 })).toBeCloseTo(1 / 3, 10);
  });
  it('map all: 0.1944 with -c (num_q 4), 0.2593 without (num_q 3)', () => {
    const all = (complete: boolean) => formatTrecEval(evaluate(qrels, run, { measures: ['num_q', 'map'], complete }));
    expect(all(true)).toBe('num_q                 \tall\t4\nmap                   \tall\t0.1944\n');
    expect(all(false)).toBe('num_q                 \tall\t3\nmap                   \tall\t0.2593\n');
  });
  it('float32: 0.30000001, 0.3 and 0.3000000001 tie, so does 16777217 with 16777216: RR 0.5 for both', () => {
    const f32 = runOf('tiny/run.float32');
    expect(rankRun(f32.get('q1')!).map((e) => e.docno)).toEqual(['d3', 'd2', 'd1']);
    expect(reciprocalRank(rankRun(f32.get('q1')!).map((e) => e.docno), q1)).toBe(0.5);
    expect(reciprocalRank(rankRun(f32.get('q2')!).map((e) => e.docno), qrels.get('q2')!)).toBe(0.5);
  });
});

describe('trec_eval semantics beyond the golden files', () => {
  const value = (rows: TrecEvalRow[], measure: string, qid: string) => rows.find((r) => r.measure === measure && r.qid === qid)?.value;

  it.skipIf(!TREC_EVAL.present)('-l 2: only rel 2 is relevant, except to nDCG, and -c recounts num_rel over rel > 0 (trec_eval quirk)', () => {
    const qrels = qrelsOf('tiny/qrels');
    const run = runOf('tiny/run');
    const opts = { measures: [...COUNTS, 'map', 'P.5', 'ndcg_cut.10'], perQuery: true, relevanceLevel: 2 };
    const rows = evaluate(qrels, run, { ...opts, complete: true });
    expect(value(rows, 'num_rel', 'q1')).toBe(1);
    expect(value(rows, 'map', 'q1')).toBeCloseTo(1 / 3, 12);
    expect(value(rows, 'P_5', 'q1')).toBe(0.2);
    expect(formatFixed4(value(rows, 'ndcg_cut_10', 'q1')!)).toBe('0.4569');
    expect(value(rows, 'num_rel', 'all')).toBe(5);
    expect(value(evaluate(qrels, run, opts), 'num_rel', 'all')).toBe(1);
  });
  it('a run qid is matched as a string: "01" is not "1"', () => {
    const q = parseQrels('1 0 a 1\n', 'q');
    expect(() => evaluate(q, parseRun('01 Q0 a 1 1 r\n', 'r'), { measures: ['map'] })).toThrow(/no queries/);
  });
  it('per-query blocks come in byte order of qid ("10" < "2"), measures in trec_eval order', () => {
    const q = parseQrels('2 0 a 1\n10 0 a 1\n', 'q');
    const rows = evaluate(q, parseRun('2 Q0 a 1 1 r\n10 Q0 a 1 1 r\n', 'r'), { measures: ['P.10,5', 'map'], perQuery: true });
    expect(rows.map((r) => `${r.measure}:${r.qid}`)).toEqual([
      'map:10', 'P_5:10', 'P_10:10', 'map:2', 'P_5:2', 'P_10:2', 'map:all', 'P_5:all', 'P_10:all',
    ]);
  });
  it.skipIf(!TREC_EVAL.present)('a measure named twice keeps its first cutoffs; defaults apply when none are given', () => {
    const qrels = qrelsOf('tiny/qrels');
    const run = runOf('tiny/run');
    const rows = evaluate(qrels, run, { measures: ['P.5', 'P.10', 'success'] });
    expect(rows.map((r) => r.measure)).toEqual(['P_5', 'success_1', 'success_5', 'success_10']);
    const defaults = evaluate(qrels, run, { measures: ['recall'] }).map((r) => r.measure);
    expect(defaults).toEqual([5, 10, 15, 20, 30, 100, 200, 500, 1000].map((k) => `recall_${k}`));
  });
  it('byte order, not locale or numeric order', () => {
    expect(['1000', '999', 'B', 'a', 'é'].sort(compareBytes)).toEqual(['1000', '999', 'B', 'a', 'é']);
    expect(compareBytes('\u{1F600}', '\uFFFD')).toBeGreaterThan(0);
    expect(rankRun([{ docno: '1000', score: 1 }, { docno: '999', score: 1 }]).map((e) => e.docno)).toEqual(['999', '1000']);
  });
  it('%6.4f rounds exact ties to even, as glibc does', () => {
    expect(formatFixed4(0.03125)).toBe('0.0312');
    expect(formatFixed4(0.09375)).toBe('0.0938');
    expect(formatFixed4(2 / 3)).toBe('0.6667');
    expect(formatTrecEval([{ measure: 'num_ret', qid: 'all', value: 1500 }])).toBe('num_ret               \tall\t1500\n');
  });
});

describe('parsing and fatal errors', () => {
  const fail = (fn: () => unknown): TrecEvalError => {
    try {
      fn();
    } catch (error) {
      if (error instanceof TrecEvalError) return error;
      throw error;
    }
    throw new Error('expected a TrecEvalError');
  };

  it.skipIf(!TREC_EVAL.present)('tiny/run.dup: exit 4, naming the file, the line, the query and the docno', () => {
    // trec_eval's stderr for this file (the last line records its exit code):
    expect(read('tiny/golden.dup.stderr.txt')).toContain('duplicate docs d1');
    expect(read('tiny/golden.dup.stdout.txt')).toBe('');
    const error = fail(() => evaluate(qrelsOf('tiny/qrels'), runOf('tiny/run.dup'), { measures: STANDARD, runFile: 'tiny/run.dup' }));
    expect(error.exitCode).toBe(4);
    expect(error.message).toBe("tiny/run.dup:2: duplicate docno 'd1' for query 'q1' (also line 1)");
  });
  it('a duplicate that -M cuts away, or in a query without qrels, is not an error (as in trec_eval)', () => {
    const q = parseQrels('q1 0 a 1\n', 'q');
    const run = parseRun('q1 Q0 a 1 2 r\nq1 Q0 b 2 1 r\nq1 Q0 b 3 0 r\nq9 Q0 x 1 1 r\nq9 Q0 x 2 1 r\n', 'r');
    expect(evaluate(q, run, { measures: ['map'], maxRetrieved: 2 })).toEqual([{ measure: 'map', qid: 'all', value: 1 }]);
    expect(fail(() => evaluate(q, run, { measures: ['map'] })).exitCode).toBe(4);
  });
  it('a duplicate in qrels: exit 4', () => {
    const error = fail(() => parseQrels('q1 0 a 1\nq1 0 a 0\n', 'qrels.x'));
    expect([error.exitCode, error.message]).toEqual([4, "qrels.x:2: duplicate docno 'a' for query 'q1' (also line 1)"]);
  });
  it('a run line with fewer than 6 fields: exit 2, naming file and line', () => {
    const error = fail(() => parseRun('q1 Q0 a 1 1.0 r\n\n   \nq1 Q0 b 2 0.5\n', 'run.x'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^run\.x:4: malformed run line/);
  });
  it('run lines: any spaces and tabs, extra fields ignored, blank and # lines skipped, rank column ignored', () => {
    const run = parseRun('# a comment\n  q1\t Q0  a 9 1.0 r extra fields\r\n\nq1 Q0 b 1 2.0 r\n', 'r');
    expect(rankRun(run.get('q1')!).map((e) => [e.docno, e.score, e.line])).toEqual([['b', 2, 4], ['a', 1, 2]]);
  });
  it('qrels lines need exactly 4 fields; a blank line is malformed, as in trec_eval', () => {
    expect(fail(() => parseQrels('q1 0 a 1\n\nq1 0 b 1\n', 'q')).message).toMatch(/^q:2: malformed qrels line/);
    expect(fail(() => parseQrels('q1 0 a 1 x\n', 'q')).exitCode).toBe(2);
    expect(parseQrels('q1 0 a 2\r\nq1 0 b -1\n', 'q').get('q1')).toEqual(new Map([['a', 2], ['b', -1]]));
  });
  it('scores are read like C atof', () => {
    const run = parseRun('q 0 a 1 1e2x r\nq 0 b 1 junk r\nq 0 c 1 0x10 r\nq 0 d 1 -inf r\n', 'r');
    expect(run.get('q')!.map((e) => e.score)).toEqual([100, 0, 16, -Infinity]);
  });
  it.skipIf(!TREC_EVAL.present)('unsupported or malformed measures', () => {
    const q = qrelsOf('tiny/qrels');
    const r = runOf('tiny/run');
    expect(fail(() => evaluate(q, r, { measures: ['bpref'] })).exitCode).toBe(1);
    expect(fail(() => evaluate(q, r, { measures: ['P.'] })).exitCode).toBe(1);
    expect(fail(() => evaluate(q, r, { measures: ['P.0,5'] })).exitCode).toBe(2);
    expect(fail(() => evaluate(q, r, { measures: ['P.5,5'] })).exitCode).toBe(2);
  });
});
