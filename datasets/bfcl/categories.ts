// Which checker and which language's type rules judge a category: BFCL decides by substrings of
// the category name (eval_checker/eval_runner.py, ast_checker.py, utils.py), and so does this.
//
// - eval_runner.evaluate_task: is_relevance_or_irrelevance ("relevance" or "irrelevance" in the
//   name) → relevance_file_runner, which expects no call when "irrelevance" is in the name and at
//   least one call otherwise. Neither looks at a possible answer (live_relevance has no file).
// - Otherwise ast_file_runner, with the language from utils.is_js ("javascript" in the name) and
//   is_java ("java" in the name and not is_js), else Python; then ast_checker: "parallel" in the
//   name → parallel_function_checker_no_order, else "multiple" → multiple_function_checker, else
//   the simple checker. So live_X is judged exactly as X, and parallel_multiple and
//   live_parallel_multiple as parallel (each expected call's schema looked up by its name among
//   the offered functions).

import { type BfclCategory, BfclCategory as BfclCategoryShape, type BfclLanguage } from './types.ts';

/** The check a category gets. `relevance`: at least one call; `irrelevance`: none. */
export type BfclChecker = 'simple' | 'multiple' | 'parallel' | 'relevance' | 'irrelevance';

export interface BfclCategoryRule {
  checker: BfclChecker;
  /** Whose type rules judge the arguments (only the AST checkers look at them). */
  language: BfclLanguage;
  /** Whether judging needs the possible answers (false for relevance and irrelevance). */
  needsAnswers: boolean;
}

/** BFCL's rule for any category name, by the same substring tests BFCL applies. */
export function bfclCategoryRule(category: string): BfclCategoryRule {
  const language: BfclLanguage = category.includes('javascript') ? 'javascript' : category.includes('java') ? 'java' : 'python';
  if (category.includes('relevance')) {
    // "irrelevance" contains "relevance": both go to the relevance runner, told apart there.
    return { checker: category.includes('irrelevance') ? 'irrelevance' : 'relevance', language, needsAnswers: false };
  }
  const checker: BfclChecker = category.includes('parallel') ? 'parallel' : category.includes('multiple') ? 'multiple' : 'simple';
  return { checker, language, needsAnswers: true };
}

/** The rule of every category Lunar accepts by name. */
export const BFCL_CATEGORY_RULES: Readonly<Record<BfclCategory, BfclCategoryRule>> = Object.fromEntries(
  BfclCategoryShape.options.map((category) => [category, bfclCategoryRule(category)]),
) as Record<BfclCategory, BfclCategoryRule>;

/** BFCL's name for a category: `simple` (BFCL v3) is `simple_python`. */
export function canonicalBfclCategory(category: string): string {
  return category === 'simple' ? 'simple_python' : category;
}
