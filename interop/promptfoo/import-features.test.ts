// `lunar import promptfoo` on small configs written here, one feature of promptfoo's config at a
// time: file:// tests, vars and defaultTest with globs, defaultTest merging, var combinations,
// prefix and suffix, assertionTemplates, the model-graded and reference checks, and what is
// reported as dropped. Expected cases are worked out by hand from each config.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { importPromptfoo, type ImportPromptfooResult } from './import.ts';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lunar-pf-features-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return join(dir, 'promptfooconfig.yaml');
}

function run(config: string): { result: ImportPromptfooResult; cases: Record<string, unknown>[]; suite: Record<string, unknown> } {
  const result = importPromptfoo(config, join(dirname(config), 'out'));
  if (result.refused) throw new Error(result.refused);
  return { result, cases: readFileSync(result.dataset, 'utf8').trim().split('\n').map((l) => JSON.parse(l)), suite: parseYaml(readFileSync(result.suite, 'utf8')) };
}

function row(rows: ImportPromptfooResult['assertions'], what: string) {
  const found = rows.find((r) => r.what === what);
  return found && { carried: found.carried, dropped: found.dropped, how: [...found.how.keys()], why: [...found.why.keys()] };
}

describe('lunar import promptfoo: files, defaults and vars', () => {
  it('reads tests from a glob of YAML, JSON and CSV files, vars from text and YAML files, and defaultTest from a file', () => {
    const config = project({
      'promptfooconfig.yaml': "prompts: ['file://prompts/*.txt']\ndefaultTest: file://defaults.yaml\ntests: file://tests/*\n",
      'prompts/a.txt': 'Q: {{ q }} ({{ lang }})',
      'defaults.yaml': 'vars: { lang: en }\nassert: [{ type: not-icontains, value: sorry }]\n',
      'tests/1.yaml': '- vars: { q: file://vars/question.txt }\n  assert: [{ type: icontains, value: paris }]\n',
      'tests/2.json': JSON.stringify([{ vars: { q: 'file://vars/meta.yaml', lang: 'fr' }, assert: [{ type: 'equals', value: 'X' }] }]),
      'tests/3.csv': 'q,__expected\nWhat?,contains: that\n',
      'vars/question.txt': 'What is the capital of France?\n',
      'vars/meta.yaml': 'a: 1\n',
    });
    const { cases } = run(config);
    expect(cases.map((c) => [c.input, c.expected_contains, c.expected_answer, c.forbidden_contains])).toEqual([
      // A file var is relative to the config (promptfoo's base path), whichever file names it.
      ['Q: What is the capital of France? (en)', 'paris', undefined, 'sorry'],
      ['Q: {"a":1} (fr)', undefined, 'X', 'sorry'],
      ['Q: What? (en)', 'that', undefined, 'sorry'],
    ]);
  });

  it('makes one test per value of a list var (every combination), and per file of a glob var', () => {
    const config = project({
      'promptfooconfig.yaml':
        "prompts: ['{{ greeting }} in {{ language }}: {{ doc }}']\ntests:\n  - vars: { greeting: [Hi, Bye], language: [French, German], doc: 'file://docs/*.md' }\n    assert: [{ type: icontains, value: '{{ language }}' }]\n",
      'docs/a.md': 'A',
      'docs/b.md': 'B',
    });
    const { cases, result } = run(config);
    expect(result.tests).toBe(8);
    expect(cases.map((c) => `${c.input as string} / ${c.expected_contains as string}`)).toEqual([
      'Hi in French: A / French',
      'Hi in French: B / French',
      'Hi in German: A / German',
      'Hi in German: B / German',
      'Bye in French: A / French',
      'Bye in French: B / French',
      'Bye in German: A / German',
      'Bye in German: B / German',
    ]);
  });

  it("merges defaultTest's vars, options and assertions under the test's own, with prefix and suffix, and resolves $ref templates", () => {
    const config = project({
      'promptfooconfig.yaml': [
        "prompts: ['[{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"{{ q | upper }}\"}]', 'Ask: {{ q }}']",
        'defaultTest:',
        '  vars: { q: default question }',
        "  options: { prefix: 'P> ', suffix: ' <S' }",
        "  assert: [{ $ref: '#/assertionTemplates/polite' }]",
        'tests:',
        '  - vars: { q: own question }',
        "    options: { suffix: '!' }",
        "    assert: [{ type: contains, value: Yes }, { $ref: '#/assertionTemplates/polite' }]",
        '  - description: defaults only',
        'assertionTemplates:',
        "  polite: { type: llm-rubric, value: 'Is polite about {{ q }}' }",
        '',
      ].join('\n'),
    });
    const { cases, suite } = run(config);
    expect(cases).toEqual([
      { id: 't1-p1', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'P> OWN QUESTION!' }], category: 'promptfoo', expected_contains: 'Yes', rubric: ['Is polite about own question', 'Is polite about own question'], notes: 'from promptfoo test 1, prompt 1' },
      { id: 't1-p2', input: 'P> Ask: own question!', category: 'promptfoo', expected_contains: 'Yes', rubric: ['Is polite about own question', 'Is polite about own question'], notes: 'from promptfoo test 1, prompt 2' },
      { id: 't2-defaults-only-p1', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'P> DEFAULT QUESTION <S' }], category: 'promptfoo', rubric: 'Is polite about default question', notes: 'defaults only (promptfoo test 2, prompt 1)' },
      { id: 't2-defaults-only-p2', input: 'P> Ask: default question <S', category: 'promptfoo', rubric: 'Is polite about default question', notes: 'defaults only (promptfoo test 2, prompt 2)' },
    ]);
    expect(suite.scorers).toEqual(['answer_contains', 'rubric']);
  });
});

describe('lunar import promptfoo: chat templates', () => {
  it('reads a template that renders to a JSON array of messages (a loop over a history) as a chat', () => {
    const config = project({
      'promptfooconfig.yaml': "prompts: ['file://chat.njk']\ntests:\n  - vars: { q: And now?, history: [{ role: user, content: 'Say \"hi\"' }, { role: assistant, content: hi }] }\n    assert: [{ type: icontains, value: now }]\n",
      'chat.njk': '[{% for m in history %}{"role": "{{ m.role }}", "content": {{ m.content | dump }}},{% endfor %}\n {"role": "user", "content": "{{ q }}"}]\n',
    });
    expect(run(config).cases[0]!.messages).toEqual([
      { role: 'user', content: 'Say "hi"' },
      { role: 'assistant', content: 'hi' },
      { role: 'user', content: 'And now?' },
    ]);
  });
});

describe('lunar import promptfoo: assertion types', () => {
  it('carries similar as expected_answer with embedding_similarity, and factuality as a reference and a rubric, one kind of reference per suite', () => {
    const similar = run(
      project({
        'promptfooconfig.yaml':
          "prompts: ['{{q}}']\ntests:\n  - vars: { q: a }\n    assert: [{ type: similar, value: Ahoy, threshold: 0.9 }]\n  - vars: { q: b }\n    assert: [{ type: factuality, value: Paris is the capital }, { type: icontains, value: paris }]\n",
      }),
    );
    expect(similar.cases.map((c) => [c.expected_answer, c.expected_contains, c.rubric])).toEqual([
      ['Ahoy', undefined, undefined],
      [undefined, 'paris', undefined],
    ]);
    expect(similar.suite.scorers).toEqual(['answer_contains', { embedding_similarity: { threshold: 0.9 } }]);
    expect(row(similar.result.assertions, 'factuality')).toMatchObject({ carried: 0, dropped: 1, why: ["this suite's expected_answer holds similar references, and Lunar's scorers read every case's"] });

    const factual = run(project({ 'promptfooconfig.yaml': "prompts: ['{{q}}']\ntests:\n  - vars: { q: b }\n    assert: [{ type: model-graded-factuality, value: Paris is the capital }]\n" }));
    expect(factual.cases[0]).toMatchObject({ expected_answer: 'Paris is the capital', rubric: 'The answer is factually consistent with the reference answer: it may add or leave out details, but it must not contradict it.' });
    expect(factual.suite.scorers).toEqual(['rubric']);
  });

  it('reads the one-line JavaScript checks that say what a Lunar check says, and drops the rest as code', () => {
    const { cases, suite, result } = run(
      project({
        'promptfooconfig.yaml': [
          "prompts: ['{{q}}']",
          'defaultTest:',
          '  assert:',
          "    - { type: javascript, value: 'output.length <= 280' }",
          "    - { type: not-starts-with, value: 'As an AI' }",
          'tests:',
          "  - vars: { q: a }\n    assert: [{ type: javascript, value: \"output.toLowerCase().includes('ahoy')\" }, { type: javascript, value: \"!output.includes('Sorry')\" }]",
          "  - vars: { q: b }\n    assert: [{ type: javascript, value: 'output.split(\" \").length > 3' }, { type: icontains, value: b }]",
          '',
        ].join('\n'),
      }),
    );
    expect(cases.map((c) => [c.expected_contains, c.forbidden_contains])).toEqual([
      ['ahoy', 'Sorry'],
      ['b', undefined],
    ]);
    // Two regex checks made by every test: the suite has one regex scorer, so the second is dropped.
    expect(suite.scorers).toEqual(['answer_contains', 'answer_excludes', { regex: { pattern: '^[\\s\\S]{0,280}$' } }]);
    expect(row(result.assertions, 'not-starts-with')).toMatchObject({ carried: 0, dropped: 2, why: ['a second regex check: a suite has one scorer of each name'] });
    expect(row(result.assertions, 'javascript')).toMatchObject({ carried: 4, dropped: 1 });
  });

  it('drops not-contains-all, negated model-graded checks and a transformed output, saying why', () => {
    const { result } = run(
      project({
        'promptfooconfig.yaml':
          "prompts: ['{{q}}']\ntests:\n  - vars: { q: a }\n    assert:\n      - { type: icontains, value: a }\n      - { type: not-icontains-all, value: [x, y] }\n      - { type: not-llm-rubric, value: rude }\n      - { type: contains, value: c, transform: output.trim() }\n      - { type: levenshtein, value: abc }\n",
      }),
    );
    expect(row(result.assertions, 'not-icontains-all')?.why).toEqual(['it passes when any one string is missing: no Lunar field says that']);
    expect(row(result.assertions, 'not-llm-rubric')?.why).toEqual(['no Lunar check says the opposite of llm-rubric']);
    expect(row(result.assertions, 'contains')?.why).toEqual(['it checks a transformed output, which Lunar does not make']);
    expect(row(result.assertions, 'levenshtein')?.why).toEqual(['no edit-distance scorer in Lunar']);
  });

  it('reports a prompt whose Nunjucks it cannot render as dropped prompt syntax, keeping the prompts it can', () => {
    const { result, cases } = run(
      project({ 'promptfooconfig.yaml': "prompts: ['{% macro m() %}x{% endmacro %}{{ q }}', 'Plain {{ q }}']\ntests:\n  - vars: { q: a }\n    assert: [{ type: icontains, value: a }]\n" }),
    );
    expect(cases.map((c) => c.input)).toEqual(['Plain a']);
    expect(result.features.find((f) => f.what === 'prompt syntax: {% macro %}')).toMatchObject({ carried: 0, dropped: 1 });
  });
});
