// Agreement with BFCL's own AST checker (ast_checker.py at gorilla 6ea5797) on every line of
// the reference data's bfcl/checker_verdicts_dev.jsonl: the verdict, the error type, and the wording of
// every error message.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkBfcl } from './index.ts';
import { parseJsonl, parsePossibleAnswers, parseQuestions, type Located } from '../../datasets/bfcl/parse.ts';
import { BFCL_ERROR_TYPES, BfclCategory, OutputLine, PyValue, type BfclVerdict, type PossibleAnswer, type Question } from '../../datasets/bfcl/types.ts';
import { pyRepr } from '../../datasets/bfcl/python.ts';
import { referenceData } from '../../test/reference-data.ts';

const BFCL = referenceData('bfcl');
const CATEGORIES = ['simple_python', 'multiple', 'parallel', 'irrelevance'] as const;

const VerdictLine = OutputLine.extend({
  category: BfclCategory,
  perturbation: z.string(),
  underscore_to_dot: z.boolean(),
  valid: z.boolean(),
  error_type: z.string().nullable(),
  error: z.array(PyValue),
});
type VerdictLine = z.infer<typeof VerdictLine>;

interface Judged {
  line: number;
  want: VerdictLine;
  got: BfclVerdict;
}

const judged = new Map<string, Judged[]>();

beforeAll(() => {
  if (!BFCL.present) return;
  const read = (name: string) => readFileSync(BFCL.file(name), 'utf8');
  const verdicts = parseJsonl(read('checker_verdicts_dev.jsonl'), 'checker_verdicts_dev.jsonl', VerdictLine);
  for (const category of CATEGORIES) {
    const questions = parseQuestions(read(`BFCL_v4_${category}.json`), category);
    const answers: Map<string, Located<PossibleAnswer>> | null =
      category === 'irrelevance' ? null : parsePossibleAnswers(read(`possible_answer/BFCL_v4_${category}.json`), category);
    judged.set(
      category,
      verdicts
        .filter((v) => v.value.category === category)
        .map(({ value: want, line }) => {
          const question: Question = questions.get(want.id)!.value;
          const groundTruth = answers?.get(want.id)!.value.ground_truth;
          const got = checkBfcl(category, { functions: question.function, groundTruth }, want.calls, { underscoreToDot: want.underscore_to_dot });
          return { line, want, got };
        }),
    );
  }
});

/** The lines where `differs` holds, as `line id perturbation: ours vs BFCL's` (empty when all agree). */
function disagreements(category: string, differs: (j: Judged) => boolean, show: (v: { valid: boolean; error_type: string | null }) => string): string[] {
  return judged
    .get(category)!
    .filter(differs)
    .map((j) => `${j.line} ${j.want.id} ${j.want.perturbation}: ${show(j.got)} vs BFCL ${show(j.want)}`);
}

// Counts from the data's README; the valid counts are BFCL's.
const EXPECTED = {
  simple_python: { outputs: 1803, valid: 428 },
  multiple: { outputs: 1246, valid: 295 },
  parallel: { outputs: 1440, valid: 378 },
  irrelevance: { outputs: 200, valid: 50 },
} as const;

describe.skipIf(!BFCL.present)("BFCL's AST checker verdicts (checker_verdicts_dev.jsonl)", () => {
  it('covers all 4,689 outputs, split by category as the README says', () => {
    const counts = Object.fromEntries(CATEGORIES.map((c) => [c, { outputs: judged.get(c)!.length, valid: judged.get(c)!.filter((j) => j.want.valid).length }]));
    expect(counts).toEqual(EXPECTED);
  });

  describe.each(CATEGORIES)('%s', (category) => {
    it("reaches BFCL's verdict on every output", () => {
      expect(disagreements(category, (j) => j.got.valid !== j.want.valid, (v) => String(v.valid))).toEqual([]);
      expect(judged.get(category)!.filter((j) => j.got.valid).length).toBe(EXPECTED[category].valid);
    });

    it("gives BFCL's error type on every output", () => {
      expect(disagreements(category, (j) => j.got.error_type !== j.want.error_type, (v) => String(v.error_type))).toEqual([]);
    });

    it("words every error message as BFCL does (BFCL's dicts compared by their Python repr)", () => {
      const differing = judged
        .get(category)!
        .filter((j) => JSON.stringify(j.got.errors) !== JSON.stringify(j.want.error.map((e) => (typeof e === 'string' ? e : pyRepr(e)))))
        .map((j) => j.line);
      expect(differing).toEqual([]);
    });
  });

  it('meets every error type BFCL gives on these outputs, and only names from BFCL_ERROR_TYPES', () => {
    const seen = new Set([...judged.values()].flat().map((j) => j.got.error_type));
    expect([...seen].filter((t) => t !== null).sort()).toEqual([
      'irrelevance_error:decoder_success',
      'multiple_function_checker:wrong_count',
      'parallel_function_checker_no_order:cannot_find_match',
      'parallel_function_checker_no_order:wrong_count',
      'simple_function_checker:missing_optional',
      'simple_function_checker:missing_required',
      'simple_function_checker:unexpected_param',
      'simple_function_checker:wrong_count',
      'simple_function_checker:wrong_func_name',
      'type_error:nested',
      'type_error:simple',
      'value_error:dict_key',
      'value_error:list/tuple',
      'value_error:others',
      'value_error:string',
    ]);
    for (const type of seen) if (type !== null) expect(BFCL_ERROR_TYPES).toContain(type);
  });

  it('agrees on the greedy traps: the same calls are valid in one order and not in another', () => {
    const traps = judged
      .get('parallel')!
      .filter((j) => j.want.perturbation.startsWith('greedy_trap_'))
      .map((j) => [j.want.id, j.want.perturbation, j.got.valid, j.got.error_type]);
    expect(traps).toEqual([
      ['parallel_96', 'greedy_trap_overlapping_answers', false, 'parallel_function_checker_no_order:cannot_find_match'],
      ['parallel_96', 'greedy_trap_same_calls_other_order', true, null],
      ['parallel_178', 'greedy_trap_overlapping_answers', false, 'parallel_function_checker_no_order:cannot_find_match'],
      ['parallel_178', 'greedy_trap_same_calls_other_order', true, null],
      ['parallel_180', 'greedy_trap_overlapping_answers', false, 'parallel_function_checker_no_order:cannot_find_match'],
      ['parallel_180', 'greedy_trap_same_calls_other_order', true, null],
    ]);
  });

  it('judges the 244 underscore_to_dot outputs with dotted names converted', () => {
    const u2d = [...judged.values()].flat().filter((j) => j.want.underscore_to_dot);
    expect(u2d).toHaveLength(244);
    expect(u2d.filter((j) => j.got.valid !== j.want.valid)).toEqual([]);
  });
});
