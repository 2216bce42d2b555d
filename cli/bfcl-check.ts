// `lunar bfcl-check`: judge model outputs with BFCL's AST checker (metrics/bfcl/), one verdict
// line per output line, in order. Bad input stops the run before anything is printed, with
// `file:line: field: what is wrong` (exit 2).

import { type Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { BfclCrashError, BfclDataError, checkBfcl } from '../metrics/bfcl/index.ts';
import { bfclCategoryRule, canonicalBfclCategory } from '../datasets/bfcl/categories.ts';
import { parseOutputs, parsePossibleAnswers, parseQuestions, type Located } from '../datasets/bfcl/parse.ts';
import { BfclCategory, type BfclVerdict, type PossibleAnswer } from '../datasets/bfcl/types.ts';
import { InputError } from '../core/errors.ts';

export interface BfclCheckIo {
  readText(path: string): string;
  stdout(text: string): void;
}

const processIo: BfclCheckIo = {
  readText: (path) => readFileSync(path, 'utf8'),
  stdout: (text) => void process.stdout.write(text),
};

export interface BfclCheckOptions {
  category: BfclCategory;
  questions: string;
  answers?: string;
  outputs: string;
}

export function registerBfclCheck(program: Command, io: BfclCheckIo = processIo): void {
  program
    .command('bfcl-check')
    .description(
      "Judge model outputs as the Berkeley Function Calling Leaderboard's AST checker does (BFCL v4): prints " +
        '{"id","valid","error_type"} per output line, in order, with BFCL\'s error-type names.',
    )
    .addOption(
      new Option('--category <name>', 'the BFCL category, which picks the checker ("simple" is BFCL v3\'s name for simple_python)')
        .choices(BfclCategory.options)
        .makeOptionMandatory(),
    )
    .requiredOption('--questions <file>', 'the question file, BFCL_v4_<category>.json (JSONL: id, question, function)')
    .option('--answers <file>', 'the possible-answer file, possible_answer/BFCL_v4_<category>.json (not needed for irrelevance, live_irrelevance, live_relevance)')
    .requiredOption(
      '--outputs <file>',
      'model outputs, JSONL: {"id", "calls": [{"name", "arguments"}], "underscore_to_dot"?: bool} (other fields ignored)',
    )
    .action((opts: BfclCheckOptions) => {
      const verdicts = bfclCheck(opts, io);
      io.stdout(verdicts.map((v) => `${JSON.stringify(v)}\n`).join(''));
    });
}

export interface BfclCheckLine {
  id: string;
  valid: boolean;
  error_type: BfclVerdict['error_type'];
}

/** Every output line's verdict, in order; an InputError names the first bad line. */
export function bfclCheck(opts: BfclCheckOptions, io: Pick<BfclCheckIo, 'readText'> = processIo): BfclCheckLine[] {
  const { needsAnswers } = bfclCategoryRule(opts.category);
  if (needsAnswers && opts.answers === undefined) {
    throw new InputError(`--answers: category ${opts.category} needs the possible-answer file (possible_answer/BFCL_v4_${opts.category}.json)`);
  }
  const questions = parseQuestions(read(io, opts.questions, 'question'), opts.questions, opts.category);
  const answers = needsAnswers ? parsePossibleAnswers(read(io, opts.answers!, 'possible-answer'), opts.answers!) : null;
  const outputs = parseOutputs(read(io, opts.outputs, 'outputs'), opts.outputs);
  return outputs.map(({ value: output, line }) => {
    const where = `${opts.outputs}:${line}`;
    if (output.category !== undefined && canonicalBfclCategory(output.category) !== canonicalBfclCategory(opts.category)) {
      throw new InputError(`${where}: category: '${output.category}' differs from --category ${opts.category}`);
    }
    const question = questions.get(output.id);
    if (!question) throw new InputError(`${where}: id: '${output.id}' is not in ${opts.questions}`);
    let answer: Located<PossibleAnswer> | undefined;
    if (answers) {
      answer = answers.get(output.id);
      if (!answer) throw new InputError(`${where}: id: '${output.id}' has no possible answer in ${opts.answers}`);
    }
    try {
      const verdict = checkBfcl(opts.category, { functions: question.value.function, groundTruth: answer?.value.ground_truth }, output.calls, {
        underscoreToDot: output.underscore_to_dot ?? false,
      });
      return { id: output.id, valid: verdict.valid, error_type: verdict.error_type };
    } catch (error) {
      // A crash of BFCL's own checker on this output (an input BFCL cannot convert) is the output's fault.
      if (error instanceof BfclCrashError) throw new InputError(`${where}: calls: ${error.message}`);
      if (error instanceof BfclDataError) {
        throw new InputError(answer ? `${opts.answers}:${answer.line}: ground_truth: ${error.message}` : `${opts.questions}:${question.line}: function: ${error.message}`);
      }
      throw error;
    }
  });
}


function read(io: Pick<BfclCheckIo, 'readText'>, path: string, kind: string): string {
  try {
    return io.readText(path);
  } catch (error) {
    throw new InputError(`${path}: cannot read the ${kind} file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
