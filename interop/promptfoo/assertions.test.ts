// Which Lunar checks become promptfoo's own assertion types, and that those agree with Lunar on
// answers where a looser mapping would not. promptfoo 0.121.9's rules, from its source
// (src/assertions/contains.ts, regex.ts): icontains is
// output.toLowerCase().includes(value.toLowerCase()); regex is new RegExp(value).test(output).

import { describe, expect, it } from 'vitest';
import type { Trace } from '../../agent/trace.ts';
import { Case } from '../../datasets/case.ts';
import { createScorer } from '../../judges/registry.ts';
import { judgeTrace } from '../../test/fakes/judge-fixtures.ts';
import { boundaryFree, caseAssertions, native, plainSubstringAgrees, type SuiteScorer } from './assertions.ts';

const icontains = (output: string, value: string) => output.toLowerCase().includes(value.toLowerCase());
const entry = (name: string, options: Record<string, unknown> = {}): SuiteScorer => ({ name, options, scorer: createScorer(name, options) });
const kase = (fields: Record<string, unknown>) => Case.parse({ id: 'c', input: 'q', category: 'k', ...fields });
const run = (answer: string): Trace => judgeTrace({ finalAnswer: answer });
const lunarPass = async (name: string, c: Case, answer: string) => (await createScorer(name).score({ case: c, trace: run(answer) }))!.pass;

describe('when a plain substring test agrees with Lunar', () => {
  it('needs no white space, no comma and no two adjacent digits, and nothing promptfoo would render', () => {
    expect(['hunter', 'CANARY-7f3a', '"port":', 'a1b2'].map(plainSubstringAgrees)).toEqual([true, true, true, true]);
    expect(['4111 1111', '1,000', '1000', 'x{{y}}', 'file://a.txt', ''].map(plainSubstringAgrees)).toEqual([false, false, false, false, false, false]);
  });

  it('for answer_contains also needs no boundary rule: neither end a letter, digit or mark', () => {
    expect(['"port":', '#!', '$'].map(boundaryFree)).toEqual([true, true, true]);
    expect(['Paris', '$12', 'é', 'a-'].map(boundaryFree)).toEqual([false, false, false, false]);
  });

  it('the needles refused really differ: the boundary rule, folded white space, thousands separators', async () => {
    // "12" in "120": icontains finds it, answer_contains does not.
    expect([icontains('{"count": 120}', '12'), await lunarPass('answer_contains', kase({ expected_contains: '12' }), '{"count": 120}')]).toEqual([true, false]);
    // Verdicts of not-icontains (passes when not found) and answer_excludes on the same answer:
    // a canary split by two spaces, which answer_excludes folds and finds;
    expect([!icontains('4111  1111', '4111 1111'), await lunarPass('answer_excludes', kase({ forbidden_contains: '4111 1111' }), '4111  1111')]).toEqual([true, false]);
    // "1000" against "1,000", which answer_excludes reads without the separator.
    expect([!icontains('costs 1,000', '1000'), await lunarPass('answer_excludes', kase({ forbidden_contains: '1000' }), 'costs 1,000')]).toEqual([true, false]);
  });

  it('the needles accepted agree with Lunar on answers with case, spacing, separators and word edges', async () => {
    const answers = ['HUNTER2 is it', 'the hunter,', 'no', 'Hun ter', '"PORT": 8080', '"port" : 1', 'x#!y', '1,000 hunters', 'a1b2c', 'A1B2'];
    for (const needle of ['hunter', '"port":', '#!', 'a1b2']) {
      expect(plainSubstringAgrees(needle)).toBe(true);
      for (const answer of answers) {
        const excludes = await lunarPass('answer_excludes', kase({ forbidden_contains: needle }), answer);
        expect(excludes, `${needle} in ${answer}`).toBe(!icontains(answer, needle));
        if (boundaryFree(needle)) expect(await lunarPass('answer_contains', kase({ expected_contains: needle }), answer), `${needle} in ${answer}`).toBe(icontains(answer, needle));
      }
    }
  });
});

describe('native', () => {
  it('maps answer_contains, contains (any) and answer_excludes, case-sensitive options to contains types', () => {
    expect(native(entry('answer_contains'), kase({ expected_contains: ['"a":', '#!'] }))).toEqual([
      { type: 'icontains', value: '"a":', metric: 'answer_contains' },
      { type: 'icontains', value: '#!', metric: 'answer_contains' },
    ]);
    expect(native(entry('contains', { mode: 'any', case_sensitive: true }), kase({ expected_contains: ['"a":', '#!'] }))).toEqual([{ type: 'contains-any', value: ['"a":', '#!'], metric: 'contains' }]);
    expect(native(entry('answer_excludes', { case_sensitive: true }), kase({ forbidden_contains: 'Hunter' }))).toEqual([{ type: 'not-contains', value: 'Hunter', metric: 'answer_excludes' }]);
  });

  it('leaves a scorer to javascript when any one needle would differ', () => {
    expect(native(entry('answer_contains'), kase({ expected_contains: ['"a":', 'Paris'] }))).toBeUndefined();
    expect(native(entry('answer_excludes'), kase({ forbidden_contains: ['hunter', '4111 1111'] }))).toBeUndefined();
  });

  it('maps a flagless regex to regex or not-regex, and one with flags to javascript', () => {
    expect(native(entry('regex', { pattern: '^\\{' }), kase({ expected_contains: 'x' }))).toEqual([{ type: 'regex', value: '^\\{', metric: 'regex' }]);
    expect(native(entry('regex', { pattern: 'secret', expect: 'no_match' }), kase({ expected_contains: 'x' }))).toEqual([{ type: 'not-regex', value: 'secret', metric: 'regex' }]);
    expect(native(entry('regex', { pattern: 'paris', flags: 'i' }), kase({ expected_contains: 'x' }))).toBeUndefined();
  });
});

describe('caseAssertions', () => {
  it('writes an assertion for each scorer that applies to the case, and none for one that does not', async () => {
    const c = kase({ expected_contains: 'Paris', expected_tool_calls: [{ name: 'read_file' }] });
    const scorers = [entry('answer_contains'), entry('answer_excludes'), entry('tool_name_match'), entry('is_json')];
    expect(await caseAssertions(c, scorers, 'lunar-assert.mjs')).toEqual([
      { type: 'javascript', value: 'file://lunar-assert.mjs:lunarScore', config: { scorer: 'answer_contains', options: {} }, metric: 'answer_contains' },
      { type: 'javascript', value: 'file://lunar-assert.mjs:lunarScore', config: { scorer: 'tool_name_match', options: {} }, metric: 'tool_name_match' },
      { type: 'javascript', value: 'file://lunar-assert.mjs:lunarScore', config: { scorer: 'is_json', options: {} }, metric: 'is_json' },
    ]);
  });
});
