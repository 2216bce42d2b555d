// `lunar export promptfoo <suite>`: the suite as a promptfoo config. One provider per target (and
// suite configuration) runs the Lunar agent through lunar-provider.mjs; one test per case carries
// its id and its checks, as promptfoo's own assertion types where they agree with Lunar's scorers
// exactly and as javascript assertions running the scorers otherwise (assertions.ts).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { CacheMode } from '../../agent/providers/cache.ts';
import { caseMessages, type Case } from '../../datasets/case.ts';
import { loadDataset } from '../../datasets/load.ts';
import { readTrecTopics } from '../../datasets/trec.ts';
import { InputError } from '../../core/errors.ts';
import { PACKAGE_ROOT } from '../../core/package.ts';
import { loadSuite, type Suite, type SuiteVariant } from '../../runners/suite.ts';
import { validateTargets } from '../../agent/targets.ts';
import { createScorers } from '../vitest/case-setup.ts';
import { caseAssertions, type PromptfooAssertion, type SuiteScorer } from './assertions.ts';
import { ASSERT_FILE, assertModule, PROVIDER_FILE, providerModule } from './provider-files.ts';
import { needsCaseScript } from '../../agent/providers/capabilities.ts';

export const CONFIG_FILE = 'promptfooconfig.yaml';

export interface ExportPromptfooOptions {
  suite: string;
  /** Targets to run (default: the suite's `targets:`). */
  targets?: string[];
  /** Only this configuration of a suite with a matrix (default: every one, if they share their scorers). */
  config?: string;
  out: string;
  /** Written into the provider config when given (else the provider uses $LUNAR_HOME or .lunar). */
  home?: string;
  cache?: CacheMode;
  /** The Lunar checkout the provider loads (default this one). */
  lunarRoot?: string;
}

export interface ExportPromptfooResult {
  dir: string;
  files: string[];
  tests: number;
  providers: number;
  /** Assertions written, by promptfoo type. */
  assertions: Record<string, number>;
  /** Scorers that became javascript assertions, with how many. */
  javascript: Record<string, number>;
  /**
   * Cases no scorer of the suite has anything to check on: left out, since promptfoo would pass a
   * test without assertions, and Lunar counts them as neither passed nor failed ("unscored").
   */
  unchecked: string[];
}

export async function exportPromptfoo(options: ExportPromptfooOptions): Promise<ExportPromptfooResult> {
  const suiteFile = resolve(options.suite);
  const suite = loadSuite(suiteFile);
  const variants = pickVariants(suite, options.config);
  const targets = options.targets?.length ? [...new Set(options.targets)] : suite.targets;
  if (!targets?.length) throw new InputError(`${suite.file}: no targets: name them with --target (e.g. --target ollama:qwen2.5:7b), or give the suite targets:`);
  validateTargets(targets);
  const scorers = suiteScorers(suite, variants);
  const cases = exportableCases(suite);
  if (targets.some(needsCaseScript)) {
    const missing = cases.find((c) => !c.script);
    if (missing) throw new InputError(`${suite.datasetPath}: case ${missing.id}: script: the scripted target needs a script on every case`);
  }

  const tests = [];
  const assertions: Record<string, number> = {};
  const javascript: Record<string, number> = {};
  const unchecked: string[] = [];
  for (const c of cases) {
    const assert = await caseAssertions(c, scorers, ASSERT_FILE);
    if (assert.length === 0) {
      unchecked.push(c.id);
      continue;
    }
    for (const a of assert) {
      assertions[a.type] = (assertions[a.type] ?? 0) + 1;
      if (a.type === 'javascript') javascript[a.config.scorer] = (javascript[a.config.scorer] ?? 0) + 1;
    }
    tests.push(testOf(c, assert));
  }
  if (tests.length === 0) throw new InputError(`${suite.file}: scorers: none of them has anything to check on any case of ${suite.datasetPath}`);
  const several = suite.variants.length > 1;
  const providers = targets.flatMap((target) =>
    variants.map((variant) => ({
      id: `file://${PROVIDER_FILE}`,
      label: `lunar ${target}${several ? ` [${variant.config}]` : ''}`,
      config: {
        suite: suiteFile,
        target,
        ...(several ? { config: variant.config } : {}),
        ...(options.home ? { home: resolve(options.home) } : {}),
        ...(options.cache ? { cache: options.cache } : {}),
      },
    })),
  );
  const doc = {
    description: suite.description ?? `Lunar suite ${suite.name}`,
    prompts: ['{{input}}'],
    providers,
    tests,
  };

  const dir = resolve(options.out);
  mkdirSync(dir, { recursive: true });
  const header = [
    `# Written by \`lunar export promptfoo ${suite.file}\`. Run it with promptfoo 0.121.9 (the last release on Node 20):`,
    `#   npx promptfoo@0.121.9 eval -c ${CONFIG_FILE}`,
    `# Each provider runs the Lunar agent (${PROVIDER_FILE}) on the case named by the test's case_id var;`,
    `# javascript assertions run Lunar's scorers on its Trace (${ASSERT_FILE}).`,
    '',
  ].join('\n');
  const files = [join(dir, CONFIG_FILE), join(dir, PROVIDER_FILE), join(dir, ASSERT_FILE)];
  writeFileSync(files[0]!, header + stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }));
  writeFileSync(files[1]!, providerModule(options.lunarRoot ?? PACKAGE_ROOT));
  writeFileSync(files[2]!, assertModule());
  return { dir, files, tests: tests.length, providers: providers.length, assertions, javascript, unchecked };
}

function pickVariants(suite: Suite, config: string | undefined): SuiteVariant[] {
  if (config === undefined) return suite.variants;
  const found = suite.variants.find((v) => v.config === config);
  if (!found) throw new InputError(`${suite.file}: --config: no configuration "${config}"; it has ${suite.variants.map((v) => v.config).join(', ')}`);
  return [found];
}

/** A promptfoo test applies to every provider, so the configurations exported together must check alike. */
function suiteScorers(suite: Suite, variants: readonly SuiteVariant[]): SuiteScorer[] {
  const lists = variants.map((v) => JSON.stringify(v.scorers));
  if (new Set(lists).size > 1) {
    throw new InputError(`${suite.file}: scorers: its configurations use different scorers, and a promptfoo test checks every provider alike; export one at a time with --config (${variants.map((v) => v.config).join(', ')})`);
  }
  const entries = variants[0]!.scorers;
  const scorers = createScorers(entries.map((e) => ({ [e.name]: e.options })));
  return entries.map((e, i) => ({ name: e.name, options: e.options, scorer: scorers[i]! }));
}

function exportableCases(suite: Suite): Case[] {
  if (suite.dataset.kind === 'jsonl') return loadDataset(suite.dataset.path).cases;
  if (suite.dataset.kind === 'trec') return readTrecTopics(suite.dataset.topics, suite.dataset.qrels);
  throw new InputError(`${suite.file}: dataset: a BFCL suite cannot be exported to promptfoo (its cases are built from BFCL's files at run time)`);
}

function testOf(c: Case, assert: PromptfooAssertion[]) {
  const messages = caseMessages(c);
  const input = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  return {
    description: c.id,
    vars: { case_id: c.id, input },
    metadata: { category: c.category, ...(c.tags.length ? { tags: c.tags } : {}) },
    assert,
  };
}
