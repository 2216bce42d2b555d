// Environment suites: their fields, their cases, who plays the user, and bad input named.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { skipWithoutTauData, TAU_DATA_DIR } from '../agent/environments/tau/test-data.ts';
import { defaultTauDataDir } from '../agent/environments/tau/index.ts';
import { tauCases, userChoice } from './episodes.ts';
import { loadSuite } from './suite.ts';

const dir = mkdtempSync(join(tmpdir(), 'lunar-env-suite-'));
const suiteFile = (name: string, text: string) => {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
};

describe('environment suites', () => {
  it('read environment, user, tool_calls and max_steps, with τ-bench defaults', () => {
    const suite = loadSuite(suiteFile('a', 'environment: { kind: tau, domain: airline }\nscorers: [tau_reward]\n'));
    expect(suite.dataset).toEqual({ kind: 'tau', domain: 'airline', split: 'test', dir: defaultTauDataDir() });
    expect(suite.variants[0]).toMatchObject({ channel: 'episode', episode: { toolCalls: 'all', maxSteps: 30, user: {} } });
    const b = loadSuite(suiteFile('b', 'environment: { kind: tau, domain: retail, split: dev, data: ./d }\nuser: { target: openai:gpt-4o, strategy: react }\ntool_calls: first\nmax_steps: 12\nscorers: [tau_reward]\n'));
    expect(b.dataset).toMatchObject({ split: 'dev', dir: join(dir, 'd') });
    expect(b.variants[0]!.episode).toEqual({ toolCalls: 'first', maxSteps: 12, user: { target: 'openai:gpt-4o', strategy: 'react' } });
  });

  it('name the file and field of bad input', () => {
    expect(() => loadSuite(suiteFile('c', 'environment: { kind: tau, domain: bank }\nscorers: [tau_reward]\n'))).toThrow(/c\.yaml: environment\.domain: /);
    expect(() => loadSuite(suiteFile('d', 'dataset: x.jsonl\nenvironment: { kind: tau, domain: retail }\nscorers: [tau_reward]\n'))).toThrow(/d\.yaml: dataset: give exactly one of "dataset" or "environment"/);
    expect(() => loadSuite(suiteFile('e', 'dataset: x.jsonl\nmax_steps: 3\nscorers: [answer_contains]\n'))).toThrow(/e\.yaml: user: .*give an environment/);
    expect(() => loadSuite(suiteFile('f', 'environment: { kind: tau, domain: retail }\nuser: { strategy: psychic }\nscorers: [tau_reward]\n'))).toThrow(/f\.yaml: user\.strategy: /);
  });

  it('the user: --user, then the suite, then the agent model, then scripted for a local policy', () => {
    const settings = { toolCalls: 'all' as const, maxSteps: 30, user: {} };
    expect(userChoice(settings, undefined, 'openai:gpt-4o-mini', 's.yaml')).toEqual({ id: 'openai:gpt-4o-mini', strategy: 'llm' });
    expect(userChoice(settings, undefined, 'baseline', 's.yaml')).toEqual({ id: 'scripted', strategy: 'scripted' });
    expect(userChoice(settings, 'groq:llama-3.3-70b-versatile', 'baseline', 's.yaml')).toEqual({ id: 'groq:llama-3.3-70b-versatile', strategy: 'llm' });
    expect(userChoice({ ...settings, user: { target: 'openai:gpt-4o', strategy: 'react' } }, undefined, 'baseline', 's.yaml')).toEqual({ id: 'openai:gpt-4o', strategy: 'react' });
    expect(userChoice(settings, 'scripted', 'openai:gpt-4o-mini', 's.yaml').strategy).toBe('scripted');
    // --user human: the person at the terminal plays the user, whatever the suite's strategy.
    expect(userChoice({ ...settings, user: { strategy: 'llm' } }, 'human', 'openai:gpt-4o-mini', 's.yaml')).toEqual({ id: 'human', strategy: 'human' });
    expect(() => userChoice({ ...settings, user: { strategy: 'llm' } }, undefined, 'baseline', 's.yaml')).toThrow(/s\.yaml: user: the llm user needs a model/);
  });

  it.skipIf(skipWithoutTauData('tau cases'))('make one case per task', () => {
    const cases = tauCases({ kind: 'tau', domain: 'airline', split: 'test', dir: TAU_DATA_DIR });
    expect(cases).toHaveLength(50);
    expect(cases[3]).toMatchObject({ id: 'airline-test-3', category: 'airline', episode: { environment: 'tau', index: 3, data: TAU_DATA_DIR } });
    expect(tauCases({ kind: 'tau', domain: 'retail', split: 'test', dir: TAU_DATA_DIR })).toHaveLength(115);
  });
});
