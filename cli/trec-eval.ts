// `lunar trec-eval`: trec_eval 9.0.8's flags and output, on Lunar's implementation (metrics/retrieval.ts).
// Fatal input errors print one line to stderr, nothing to stdout, and exit with trec_eval's code
// (1 bad measure, 2 unreadable or malformed file, 4 duplicate docno, 7 no query in both files).

import { type Command, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { evaluate, formatTrecEval, parseMeasures } from '../metrics/retrieval.ts';
import { parseQrels, parseRun, TrecEvalError } from '../datasets/trec-files.ts';
import { nonNegativeInt } from './args.ts';
import { setExitCode } from './exit.ts';

export interface TrecEvalIo {
  readText(path: string): string;
  stdout(text: string): void;
  stderr(text: string): void;
}

// latin1 maps each byte to one code unit and back, so qids and docnos sort and print byte for byte, as
// trec_eval's C strings do, whatever their encoding.
const processIo: TrecEvalIo = {
  readText: (path) => readFileSync(path, 'latin1'),
  stdout: (text) => void process.stdout.write(Buffer.from(text, 'latin1')),
  stderr: (text) => void process.stderr.write(Buffer.from(text, 'latin1')),
};

interface TrecEvalOpts {
  q?: boolean;
  c?: boolean;
  M?: number;
  l?: number;
  m?: string[];
}

export function registerTrecEval(program: Command, io: TrecEvalIo = processIo): void {
  program
    .command('trec-eval')
    .description(
      'Score a TREC run against qrels exactly as trec_eval 9.0.8 does: same flags, same stdout ' +
        '(e.g. trec-eval -q -c -m map -m ndcg_cut.10 -m P.5,10 qrels run).',
    )
    .argument('<qrels>', 'judgments, lines of "qid iter docno rel"')
    .argument('<run>', 'results, lines of "qid iter docno rank score run_id" (the rank column is ignored)')
    .option('-q', 'also print every query\'s values, before the "all" summary')
    .option('-c', 'average over every query in the qrels; queries the run lacks count as 0')
    .option('-M <n>', 'evaluate only the first n documents of each query\'s ranking (for MRR@10: -M 10 -m recip_rank)', nonNegativeInt)
    .option('-l <level>', 'least qrels rel value that counts as relevant (default 1; nDCG uses raw rel values)', integer)
    .option(
      '-m <measure>',
      'measure to compute, repeatable: num_q num_ret num_rel num_rel_ret map recip_rank, or with cutoffs ' +
        'P.5,10 recall.10 ndcg_cut.10 map_cut.10 success.1,5,10 (no cutoffs: trec_eval\'s defaults)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .action((qrelsPath: string, runPath: string, opts: TrecEvalOpts) => {
      try {
        const measures = opts.m ?? [];
        if (measures.length === 0) {
          throw new TrecEvalError(1, 'name the measures with -m (trec_eval\'s default "official" set includes measures Lunar does not implement)');
        }
        parseMeasures(measures); // an unknown measure fails before any file is read, as in trec_eval
        const qrels = parseQrels(readInput(io, qrelsPath, 'qrels'), qrelsPath);
        const run = parseRun(readInput(io, runPath, 'run'), runPath);
        const rows = evaluate(qrels, run, {
          measures,
          perQuery: Boolean(opts.q),
          complete: Boolean(opts.c),
          maxRetrieved: opts.M,
          relevanceLevel: opts.l,
          runFile: runPath,
        });
        io.stdout(formatTrecEval(rows));
      } catch (error) {
        if (!(error instanceof TrecEvalError)) throw error;
        io.stderr(`lunar trec-eval: ${error.message}\n`);
        setExitCode(program, error.exitCode);
      }
    });
}

function readInput(io: TrecEvalIo, path: string, kind: string): string {
  try {
    return io.readText(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new TrecEvalError(2, `cannot read ${kind} file '${path}' (${reason})`);
  }
}

function integer(value: string): number {
  if (!/^[+-]?\d+$/.test(value)) throw new InvalidArgumentError('expected an integer');
  return Number(value);
}
