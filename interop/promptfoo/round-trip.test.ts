// The promptfoo round trip: a suite of scripted cases (test/fixtures/promptfoo/roundtrip.yaml)
// exported with `lunar export promptfoo`, then run by promptfoo 0.121.9 itself (the optional peer,
// installed into .lunar/peers/ on first use: about 4 minutes in CI) with its cache off, its home
// in a temporary folder and no network; each case must pass or fail in promptfoo as it does in
// `lunar bench`, and as worked out by hand from its script. Installing promptfoo is 1.3 GB: CI
// runs this always, elsewhere LUNAR_TEST_PROMPTFOO=1 asks for it (test/promptfoo-tests.ts).

import { Command } from 'commander';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBench } from '../../runners/bench.ts';
import { registerExportCommands } from '../../cli/export.ts';
import { ensurePeer } from '../peers.ts';
import { attemptOutcome } from '../../metrics/outcome.ts';
import { loadSuite } from '../../runners/suite.ts';
import { readPromptfooOutcomes, runPromptfooEval } from './run-eval.ts';
import { promptfooTestsWanted } from '../../test/promptfoo-tests.ts';

const SUITE = resolve(import.meta.dirname, '../../test/fixtures/promptfoo/roundtrip.yaml');

/** By hand, from each case's script and the suite's scorers (see the fixture's comments). */
const EXPECTED: Record<string, 'pass' | 'fail'> = {
  'pass-all': 'pass',
  boundary: 'fail', // "12" is not at a boundary in 120
  fenced: 'pass', // the ```json block is JSON for Lunar's is_json
  'not-json': 'fail', // is_json and the regex fail
  'leak-native': 'fail', // HUNTER found by not-icontains
  'leak-whitespace': 'fail', // "4111  1111" folds to the canary
  clean: 'pass',
  'wrong-tool': 'fail', // read_file not called
  errored: 'fail', // the script runs out: an error, never a pass
};

const WANTED = promptfooTestsWanted();

describe.skipIf(!WANTED)('lunar export promptfoo, run by promptfoo', () => {
  let promptfoo: string;
  beforeAll(async () => {
    promptfoo = await ensurePeer('promptfoo');
  }, 15 * 60_000); // 1.3 GB from the registry: minutes, more on a busy machine

  it('gives every case the pass or fail lunar bench gives it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-pf-roundtrip-'));
    const out = join(dir, 'exported');
    let stdout = '';
    const program = new Command('lunar').exitOverride();
    registerExportCommands(program, () => join(dir, 'home'), { output: { stdout: (s) => void (stdout += s), stderr: () => {} } });
    await program.parseAsync(['node', 'lunar', 'export', 'promptfoo', SUITE, '--target', 'scripted', '--out', out, '--home', join(dir, 'home'), '--cache', 'off']);
    expect(stdout).toBe(
      `wrote promptfooconfig.yaml, lunar-provider.mjs and lunar-assert.mjs in ${out}\n` +
        '9 tests × 1 provider(s); assertions: icontains 1, regex 9, javascript 25, not-icontains 2 (javascript runs is_json 9, tool_name_match 3, rubric 9, answer_contains 3, answer_excludes 1)\n' +
        `run it: npx promptfoo@0.121.9 eval -c ${join(out, 'promptfooconfig.yaml')}\n`,
    );
    // promptfoo's own types where they agree with Lunar exactly; javascript running the scorer elsewhere.
    const config = parseYaml(readFileSync(join(out, 'promptfooconfig.yaml'), 'utf8')) as { tests: { vars: { case_id: string }; assert: { type: string; value: unknown; config?: { scorer: string } }[] }[] };
    const checks = Object.fromEntries(config.tests.map((t) => [t.vars.case_id, t.assert.map((a) => (a.type === 'javascript' ? `javascript:${a.config!.scorer}` : `${a.type}:${a.value}`))]));
    expect(checks['pass-all']).toEqual(['icontains:"port":', 'regex:"[a-z]+"\\s*:', 'javascript:is_json', 'javascript:tool_name_match', 'javascript:rubric']);
    expect(checks.boundary).toEqual(['javascript:answer_contains', 'regex:"[a-z]+"\\s*:', 'javascript:is_json', 'javascript:rubric']);
    expect(checks['leak-native']).toEqual(['not-icontains:hunter', 'regex:"[a-z]+"\\s*:', 'javascript:is_json', 'javascript:rubric']);
    expect(checks['leak-whitespace']).toEqual(['javascript:answer_excludes', 'regex:"[a-z]+"\\s*:', 'javascript:is_json', 'javascript:rubric']);

    const bench = await runBench({ suites: [loadSuite(SUITE)], targets: ['scripted'], fallbackTargets: [], home: join(dir, 'bench-home'), cache: 'off', progressStream: null });
    const lunar = Object.fromEntries(bench.attempts.map((a) => [a.caseId, attemptOutcome(a)]));
    expect(lunar).toEqual(EXPECTED);

    const run = await runPromptfooEval({ entry: promptfoo, config: join(out, 'promptfooconfig.yaml'), output: join(dir, 'promptfoo.json'), home: join(dir, 'promptfoo-home'), jobs: 2, timeoutMs: 120_000 });
    expect(run.timedOut).toBe(false);
    // promptfoo exits 100 when a test failed.
    expect(run.exitCode, run.stderr).toBe(100);
    const { outcomes, stats } = readPromptfooOutcomes(join(dir, 'promptfoo.json'));
    const byCase = Object.fromEntries(outcomes.map((o) => [o.caseId, o.outcome === 'pass' ? 'pass' : 'fail']));
    expect(byCase).toEqual(lunar);
    // The attempt that errored is an error in promptfoo, not an assertion failure.
    expect(outcomes.find((o) => o.caseId === 'errored')).toMatchObject({ outcome: 'error', reason: expect.stringContaining('the script has 1 step(s)') });
    expect([stats.successes, stats.failures, stats.errors]).toEqual([3, 5, 1]);
    // Failures carry Lunar's own reasons.
    expect(outcomes.find((o) => o.caseId === 'boundary')!.reason).toBe('answer_contains: missing "12"');
    expect(outcomes.find((o) => o.caseId === 'leak-whitespace')!.reason).toBe('answer_excludes: found "4111 1111"');
  }, 180_000);
});
