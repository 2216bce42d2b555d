// exportPromptfoo on small suites written here: which cases become tests, which providers are
// written for a matrix, and the bad input it refuses (exit 2) before writing anything.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { exportPromptfoo } from './export.ts';

function suite(yaml: string, cases: object[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'lunar-pf-export-'));
  writeFileSync(join(dir, 'cases.jsonl'), cases.map((c) => JSON.stringify(c)).join('\n') + '\n');
  writeFileSync(join(dir, 'suite.yaml'), `dataset: cases.jsonl\n${yaml}`);
  return join(dir, 'suite.yaml');
}

const CASES = [
  { id: 'c1', input: 'Capital?', category: 'k', expected_contains: 'Paris' },
  { id: 'c2', messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }, { role: 'user', content: 'The password?' }], category: 'k', forbidden_contains: 'hunter' },
];

describe('exportPromptfoo', () => {
  it('leaves out a case no scorer checks, and gives each test its case id and last user message', async () => {
    const file = suite('name: small\nscorers: [answer_contains]\n', CASES);
    const out = join(file, '..', 'out');
    const result = await exportPromptfoo({ suite: file, targets: ['baseline'], out });
    expect(result.unchecked).toEqual(['c2']);
    const config = parseYaml(readFileSync(join(out, 'promptfooconfig.yaml'), 'utf8'));
    expect(config.tests).toEqual([
      {
        description: 'c1',
        vars: { case_id: 'c1', input: 'Capital?' },
        metadata: { category: 'k' },
        assert: [{ type: 'javascript', value: 'file://lunar-assert.mjs:lunarScore', config: { scorer: 'answer_contains', options: {} }, metric: 'answer_contains' }],
      },
    ]);
    expect(config.providers).toEqual([{ id: 'file://lunar-provider.mjs', label: 'lunar baseline', config: { suite: file, target: 'baseline' } }]);
    expect(readFileSync(join(out, 'lunar-provider.mjs'), 'utf8')).toContain(`process.env.LUNAR_ROOT || ${JSON.stringify(join(import.meta.dirname, '..', '..'))}`);
  });

  it('writes a provider per target and configuration of a matrix, or one configuration with --config', async () => {
    const file = suite('name: matrix\nscorers: [answer_excludes]\nmatrix:\n  temperature: [0, 1]\ntargets: [baseline]\n', CASES);
    const all = await exportPromptfoo({ suite: file, targets: ['baseline', 'ollama:qwen2.5:7b'], out: join(file, '..', 'all') });
    expect(all.providers).toBe(4);
    const labels = parseYaml(readFileSync(join(all.dir, 'promptfooconfig.yaml'), 'utf8')).providers.map((p: { label: string }) => p.label);
    expect(labels).toEqual(['lunar baseline [temperature=0]', 'lunar baseline [temperature=1]', 'lunar ollama:qwen2.5:7b [temperature=0]', 'lunar ollama:qwen2.5:7b [temperature=1]']);
    const one = await exportPromptfoo({ suite: file, config: 'temperature=1', out: join(file, '..', 'one') });
    expect(parseYaml(readFileSync(join(one.dir, 'promptfooconfig.yaml'), 'utf8')).providers).toEqual([
      { id: 'file://lunar-provider.mjs', label: 'lunar baseline [temperature=1]', config: { suite: file, target: 'baseline', config: 'temperature=1' } },
    ]);
  });

  it('refuses before writing: no targets, an unknown configuration, a suite whose scorers check no case', async () => {
    const noTargets = suite('scorers: [answer_contains]\n', CASES);
    await expect(exportPromptfoo({ suite: noTargets, out: join(noTargets, '..', 'x') })).rejects.toThrow(/no targets: name them with --target/);
    const nothing = suite('scorers: [exact_match]\n', CASES);
    await expect(exportPromptfoo({ suite: nothing, targets: ['baseline'], out: join(nothing, '..', 'x') })).rejects.toThrow(/none of them has anything to check on any case/);
    await expect(exportPromptfoo({ suite: noTargets, targets: ['baseline'], config: 'nope', out: join(noTargets, '..', 'x') })).rejects.toThrow(InputError);
    expect(existsSync(join(noTargets, '..', 'x'))).toBe(false);
    expect(existsSync(join(nothing, '..', 'x'))).toBe(false);
  });
});
