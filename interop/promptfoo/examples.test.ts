// `lunar import promptfoo` on 21 of promptfoo's own example configs (fixtures/examples/, copied
// from promptfoo's repository with their file:// dependencies; see the README there). Per
// example: whether it imports (exit 0) or is refused (exit 2), the tests after var combinations,
// the cases written and the assertions carried and dropped. The counts of getting-started,
// simple-csv, gpt-3.5-vs-4, claude-vs-gpt, eval-customer-support-rubric and mmlu were worked out by
// hand from their files (in the comments); the rest hold what this importer gives today, so a
// change shows up here. Every suite written loads, and its dataset parses as Lunar cases.

import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../datasets/load.ts';
import { loadSuite } from '../../runners/suite.ts';
import { importPromptfoo, type ImportPromptfooResult } from './import.ts';

const EXAMPLES = resolve(import.meta.dirname, 'fixtures/examples');

type Expected = { tests: number; cases: number; carried: number; dropped: number } | 'refused';

const EXPECTED: Record<string, Expected> = {
  'assistant-cli': 'refused', // no assertions at all
  // 15 tests; the 5th (icontains-any of two) and the 13th (no assertion) make no case: 13 cases.
  // carried: cost 13 + latency 13 + llm-rubric 2 + icontains 11 + contains 1 = 40;
  // dropped: javascript 15 + cost 2 + latency 2 + icontains-any 1 = 20.
  'claude-vs-gpt': { tests: 15, cases: 13, carried: 40, dropped: 20 },
  'config-csv-metadata': { tests: 3, cases: 3, carried: 6, dropped: 0 },
  'csv-metadata': { tests: 3, cases: 3, carried: 6, dropped: 0 },
  'csv-prompts': 'refused', // no assertions at all
  'eval-custom-grader-csv': 'refused', // every check is a TypeScript file
  // 8 CSV rows, 5 llm-rubric each from defaultTest: 40 carried.
  'eval-customer-support-rubric': { tests: 8, cases: 8, carried: 40, dropped: 0 },
  'eval-self-grading': { tests: 2, cases: 4, carried: 2, dropped: 2 },
  // 2 tests × 2 prompts; one contains and one icontains.
  'getting-started': { tests: 2, cases: 4, carried: 2, dropped: 0 },
  // 15 tests; 3 have checks of their own (contains+llm-rubric, llm-rubric, contains): 3 cases.
  // carried: cost 3 + latency 3 + llm-rubric 2 + contains 2 = 10; dropped: cost 12 + latency 12.
  'gpt-3.5-vs-4': { tests: 15, cases: 3, carried: 10, dropped: 24 },
  'gpt-4o-vs-4o-mini': { tests: 15, cases: 3, carried: 10, dropped: 24 },
  'json-output': 'refused', // code checks, and a transformed output
  'jsonl-test-cases': { tests: 2, cases: 2, carried: 2, dropped: 0 },
  'llama-gpt-comparison': { tests: 8, cases: 4, carried: 4, dropped: 0 },
  'mistral-llama-comparison': { tests: 8, cases: 8, carried: 4, dropped: 0 },
  // 25 CSV rows, defaultTest's equals '{{answer}}' rendered per row.
  mmlu: { tests: 25, cases: 25, carried: 25, dropped: 0 },
  'simple-cli': 'refused', // no assertions at all
  // 4 CSV rows × 2 prompts from prompts.txt; one __expected icontains each.
  'simple-csv': { tests: 4, cases: 8, carried: 4, dropped: 0 },
  'simple-test': { tests: 5, cases: 6, carried: 4, dropped: 4 },
  'structured-outputs-config': { tests: 2, cases: 2, carried: 2, dropped: 4 },
  summarization: { tests: 1, cases: 2, carried: 2, dropped: 1 },
};

function imported(example: string): ImportPromptfooResult {
  return importPromptfoo(join(EXAMPLES, example, 'promptfooconfig.yaml'), mkdtempSync(join(tmpdir(), `lunar-pf-example-${example}-`)));
}

function totals(result: ImportPromptfooResult): { carried: number; dropped: number } {
  return { carried: result.assertions.reduce((n, r) => n + r.carried, 0), dropped: result.assertions.reduce((n, r) => n + r.dropped, 0) };
}

function cases(result: ImportPromptfooResult): Record<string, unknown>[] {
  return readFileSync(result.dataset, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

describe("lunar import promptfoo on promptfoo's example configs", () => {
  const examples = readdirSync(EXAMPLES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

  it('has every example folder in the table, and imports at least 16 of the 21', () => {
    expect(examples).toEqual(Object.keys(EXPECTED).sort());
    expect(examples.length).toBeGreaterThanOrEqual(20);
    expect(Object.values(EXPECTED).filter((e) => e !== 'refused').length).toBeGreaterThanOrEqual(16);
  });

  for (const [example, expected] of Object.entries(EXPECTED)) {
    it(`${example}: ${expected === 'refused' ? 'nothing imported (exit 2), nothing written' : `${expected.cases} case(s), ${expected.carried} assertion(s) carried, ${expected.dropped} dropped`}`, () => {
      if (expected === 'refused') {
        const refused = imported(example);
        expect(refused.refused).toMatch(/tests: none can be carried over/);
        expect(existsSync(refused.dataset)).toBe(false);
        return;
      }
      const result = imported(example);
      expect({ tests: result.tests, cases: result.cases, ...totals(result) }).toEqual(expected);
      const suite = loadSuite(result.suite);
      expect(suite.dataset).toMatchObject({ kind: 'jsonl' });
      expect(loadDataset(result.dataset).cases).toHaveLength(expected.cases);
    });
  }

  it("renders simple-csv's Nunjucks (promptfoo's load filter) per CSV row and checks its __expected", () => {
    const [first, second] = cases(imported('simple-csv'));
    expect(first).toMatchObject({ id: 't1-p1', expected_contains: 'bonjour' });
    expect(first!.input).toContain('- Tone: formal\n- Length: brief\n\nTask: Rephrase the following text in French:\n"Hello world"');
    expect(second!.input).toContain('Follow the style configuration: {"tone":"formal","length":"brief"}.');
  });

  it("merges eval-customer-support-rubric's defaultTest rubrics into each CSV row, rendered with the row's vars, under its grader", () => {
    const result = imported('eval-customer-support-rubric');
    const first = cases(result)[0]!;
    expect(first.id).toBe('t1-es-refund-ticket-answered-in-spanish');
    expect(first.rubric).toHaveLength(5);
    expect((first.rubric as string[])[4]).toBe(
      "The support agent's reply is written in the same language as the customer message (es), in a natural support register for that language, with no mixed-language sentences.",
    );
    expect(result.judge).toBe('openai:gpt-4.1-mini');
    expect(readFileSync(result.suite, 'utf8')).toContain('judge: openai:gpt-4.1-mini\nscorers:\n  - rubric:\n      threshold: 0.8\n');
    // promptfoo reads a __threshold of 0 as none (`threshold ? ... : ...`), so none of these rows has one.
    expect(result.features.find((f) => f.what === 'test threshold')).toBeUndefined();
    expect(result.features.find((f) => f.what === 'provider echo')).toMatchObject({ carried: 0, dropped: 1 });
  });

  it("reads mmlu's equals '{{answer}}' per row, csv-metadata's __metadata columns, claude-vs-gpt's YAML chat prompt and simple-test's $ref", () => {
    expect(cases(imported('mmlu'))[2]).toMatchObject({ id: 't3', expected_answer: '3' });
    expect(cases(imported('csv-metadata'))[1]).toMatchObject({ category: 'science', tags: ['physics', 'advanced,theory', 'quantum'], expected_contains: 'quantum', rubric: 'Does this describe quantum physics accurately' });
    expect(cases(imported('claude-vs-gpt'))[0]).toMatchObject({
      messages: [
        { role: 'system', content: 'Be concise' },
        { role: 'user', content: 'Answer this riddle:\nI speak without a mouth and hear without ears. I have no body, but I come alive with wind. What am I?\n' },
      ],
      expected_contains: 'echo',
      rubric: 'Do not apologize',
    });
    expect(cases(imported('simple-test')).at(-1)).toMatchObject({ expected_contains: 'arrr', rubric: 'Is spoken like a pirate' });
  });

  it("expands summarization's file glob var into one test per file, read as the article's text", () => {
    const [first] = cases(imported('summarization'));
    expect(first!.input as string).toMatch(/^Summarize this article: Text-Only Version Go To Full Site\n\nNPR > World\n/);
    expect(first).toMatchObject({ forbidden_contains: 'AI language model' });
  });
});
