// Berkeley Function Calling Leaderboard entries as Lunar cases: the question becomes the
// conversation, the offered functions the case's tools, the possible answers its expectation.
// Read with datasets/bfcl/parse.ts, which keeps BFCL's int/float distinction (lossless-json).

import { readUtf8 } from '../text-file.ts';
import { basename } from 'node:path';
import { bfclCategoryRule } from './categories.ts';
import { parsePossibleAnswers, parseQuestions, type Located } from './parse.ts';
import { BfclCategory, type PossibleAnswer, type Question } from './types.ts';
import { InputError } from '../../core/errors.ts';
import { Case, CaseMessage } from '../case.ts';

/** The category a question file holds, from BFCL's file name (`BFCL_v4_parallel.json` → parallel). */
export function bfclCategoryOf(questionsFile: string): string {
  const match = /^BFCL_v\d+_(.+)\.json$/.exec(basename(questionsFile));
  if (!match) throw new InputError(`${questionsFile}: cannot tell the BFCL category from the file name (expected BFCL_v4_<category>.json); give category:`);
  return match[1]!;
}

export interface BfclSource {
  questions: string;
  /** Possible answers; not needed for irrelevance, live_irrelevance and live_relevance. */
  answers?: string;
  /** Default: from the question file's name. */
  category?: string;
  /** Default true: function names offered and compared with "." as "_" (see BfclExpectation). */
  underscoreToDot?: boolean;
}

/**
 * Every entry of a BFCL question file as a case. The (ir)relevance categories need no answers; every other
 * category needs a possible answer for each entry (one missing is bad input naming the id).
 */
export function readBfclCases({ questions: questionsFile, answers: answersFile, category = bfclCategoryOf(questionsFile), underscoreToDot = true }: BfclSource): Case[] {
  const known = BfclCategory.safeParse(category);
  if (!known.success) throw new InputError(`${questionsFile}: category: "${category}" is not a BFCL single-turn category (${BfclCategory.options.join(', ')})`);
  const { needsAnswers } = bfclCategoryRule(category);
  if (needsAnswers && !answersFile) throw new InputError(`${questionsFile}: answers: category ${category} needs its possible-answer file`);
  const questions = parseQuestions(readUtf8(questionsFile), questionsFile, category);
  const answers = answersFile && needsAnswers ? parsePossibleAnswers(readUtf8(answersFile), answersFile) : undefined;
  const cases: Case[] = [];
  for (const [id, question] of questions) {
    const answer = answers?.get(id);
    if (answers && !answer) throw new InputError(`${answersFile}: id: "${id}" (${questionsFile}:${question.line}) has no possible answer`);
    cases.push(bfclCase(category, question, answer, questionsFile, underscoreToDot));
  }
  if (cases.length === 0) throw new InputError(`${questionsFile}: no BFCL entries`);
  return cases;
}

function bfclCase(category: string, question: Located<Question>, answer: Located<PossibleAnswer> | undefined, file: string, underscoreToDot: boolean): Case {
  const { id, function: functions } = question.value;
  const turns = question.value.question;
  // Single-turn categories: one turn, a list of messages.
  const first = CaseMessage.array().min(1).safeParse(turns[0]);
  if (turns.length !== 1 || !first.success) {
    throw new InputError(`${file}:${question.line}: question: expected one turn of {role, content} messages (multi-turn BFCL categories are not supported)`);
  }
  // Built directly, not through the zod parse of a JSONL line: the values must keep their
  // bigint/number types, which a parse would check but not change.
  const parsed = Case.safeParse({
    id,
    messages: first.data,
    category: `bfcl_${category}`,
    tags: ['bfcl', category],
    bfcl: { category, functions, underscore_to_dot: underscoreToDot, ...(answer ? { ground_truth: answer.value.ground_truth } : {}) },
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`${file}:${question.line}: ${issue.path.join('.') || '(entry)'}: ${issue.message}`);
  }
  return parsed.data;
}

