// trec_eval's file formats (qrels and runs) read by its rules: whitespace as C's isspace, numbers
// as C's atof/atol, and its fatal errors with the exit codes trec_eval gives them.

/** qid → docno → rel. */
export type Qrels = Map<string, Map<string, number>>;
/** `line` (1-based, in the run file) only makes error messages point at the line. */
export type RunEntry = { docno: string; score: number; line?: number };
/** qid → retrieved docs, in any order: ranking is rankRun's job. */
export type Run = Map<string, RunEntry[]>;

/** A failure trec_eval treats as fatal; exitCode is the one trec_eval exits with. */
export class TrecEvalError extends Error {
  constructor(readonly exitCode: number, message: string) {
    super(message);
    this.name = 'TrecEvalError';
  }
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
