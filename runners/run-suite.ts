// The runner behind MCP's run_suite tool (agent/mcp/run-suite-tool.ts): a suite run as `lunar
// bench` runs it (runBench: same plan, cache, store and files), summarised per configuration and
// target with the run id to look the rest up (`lunar report <run-id>`). Cancelling stops starting
// attempts; those in flight finish and the run is kept, marked interrupted, as a first Ctrl-C does.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunSuiteRequest, SuiteRunner } from '../agent/mcp/run-suite-tool.ts';
import { runBench, type BenchResult, type BenchOptions } from './bench.ts';
import { describeFailures } from './failures.ts';
import { loadSuite } from './suite.ts';

export interface RunSuiteOptions {
  /** Where results.db and runs/ live. */
  home: string;
  /** Where a bare suite name is looked up (`tools` → <folder>/tools.yaml). */
  suitesFolder: string;
  /** Where a relative suite path is resolved (the server's working folder). */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** What writes the run's files (the reporters), passed on to runBench. */
  bench?: Pick<BenchOptions, 'reporters'>;
}

/** The JSON run_suite answers with. */
export interface RunSuiteSummary {
  run_id: string;
  status: BenchResult['status'];
  suite: string;
  attempts: number;
  errors: number;
  cost_usd: number;
  results: { config: string; target: string; attempts: number; passed: number; errors: number; unscored: number; pass_rate: number | null; cost_usd: number }[];
  /** One line per distinct error, most frequent first (as lunar bench prints them). */
  failures: string[];
  files: string;
}

export function suiteRunner(options: RunSuiteOptions): SuiteRunner {
  return async (args: RunSuiteRequest, signal: AbortSignal) => {
    const suite = loadSuite(suiteFile(args.suite, options));
    const result = await runBench({
      ...options.bench,
      suites: [suite],
      targets: args.target,
      fallbackTargets: ['baseline'],
      filter: args.filter,
      limit: args.limit,
      repeat: args.repeat,
      home: options.home,
      env: options.env,
      stop: signal,
      progressStream: null,
    });
    return summarize(suite.name, result);
  };
}

/** A bare name is a suite in the suites folder, as `lunar bench tools` reads it; anything else is a path. */
function suiteFile(name: string, options: RunSuiteOptions): string {
  const named = join(options.suitesFolder, `${name}.yaml`);
  if (!name.includes('/') && !/\.ya?ml$/.test(name) && existsSync(named)) return named;
  return resolve(options.cwd, name);
}

export function summarize(suite: string, result: BenchResult): RunSuiteSummary {
  const round = (n: number) => Math.round(n * 1e6) / 1e6;
  return {
    run_id: result.runId,
    status: result.status,
    suite,
    attempts: result.attempts.length,
    errors: result.attempts.filter((a) => a.status === 'error').length,
    cost_usd: round(result.aggregates.reduce((sum, a) => sum + a.costUsd, 0)),
    results: result.aggregates.map((a) => ({
      config: a.config,
      target: a.target,
      attempts: a.attempts,
      passed: a.passed,
      errors: a.errors,
      unscored: a.unscored,
      pass_rate: a.passRate,
      cost_usd: round(a.costUsd),
    })),
    failures: describeFailures(result.attempts),
    files: result.outDir,
  };
}
