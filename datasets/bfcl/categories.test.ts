// Which checker and which type rules judge each BFCL v4 single-turn category, by BFCL's own
// dispatch (eval_runner.evaluate_task → relevance_file_runner or ast_file_runner; utils.is_java /
// is_js for the language; ast_checker: "parallel" before "multiple" before simple).

import { describe, expect, it } from 'vitest';
import { BFCL_CATEGORY_RULES, bfclCategoryRule, canonicalBfclCategory } from './categories.ts';
import { BfclCategory } from './types.ts';

describe('BFCL_CATEGORY_RULES', () => {
  it("accepts the 13 single-turn names of BFCL v4's NON_LIVE_CATEGORY and LIVE_CATEGORY, plus v3's 'simple'", () => {
    expect(BfclCategory.options).toEqual([
      'simple_python',
      'simple_java',
      'simple_javascript',
      'multiple',
      'parallel',
      'parallel_multiple',
      'irrelevance',
      'live_simple',
      'live_multiple',
      'live_parallel',
      'live_parallel_multiple',
      'live_irrelevance',
      'live_relevance',
      'simple',
    ]);
  });

  it('maps each to its checker, language and need of possible answers as BFCL dispatches them', () => {
    const table = Object.fromEntries(Object.entries(BFCL_CATEGORY_RULES).map(([c, r]) => [c, `${r.checker} ${r.language} ${r.needsAnswers ? 'answers' : 'no-answers'}`]));
    expect(table).toEqual({
      simple_python: 'simple python answers',
      simple_java: 'simple java answers', // is_java: "java" in the name and not "javascript"
      simple_javascript: 'simple javascript answers', // is_js: "javascript" in the name
      multiple: 'multiple python answers',
      parallel: 'parallel python answers',
      parallel_multiple: 'parallel python answers', // "parallel" is tested before "multiple"
      irrelevance: 'irrelevance python no-answers',
      live_simple: 'simple python answers', // "live" plays no part in the AST dispatch
      live_multiple: 'multiple python answers',
      live_parallel: 'parallel python answers',
      live_parallel_multiple: 'parallel python answers',
      live_irrelevance: 'irrelevance python no-answers', // relevance_file_runner, "irrelevance" in the name: no call
      live_relevance: 'relevance python no-answers', // relevance_file_runner otherwise: at least one call
      simple: 'simple python answers',
    });
  });

  it('applies the same substring tests to any name, as BFCL does', () => {
    expect(bfclCategoryRule('format_sensitivity_parallel').checker).toBe('parallel');
    expect(bfclCategoryRule('exec_simple').checker).toBe('simple');
    expect(bfclCategoryRule('my_javascript_multiple')).toEqual({ checker: 'multiple', language: 'javascript', needsAnswers: true });
  });

  it("reads 'simple' as simple_python and leaves every other name as it is", () => {
    expect([canonicalBfclCategory('simple'), canonicalBfclCategory('live_simple'), canonicalBfclCategory('simple_java')]).toEqual(['simple_python', 'live_simple', 'simple_java']);
  });
});
