// run_suite: a suite run as `lunar bench` runs it (runBench: same plan, cache, store and files),
// answered with its headline figures as JSON — per configuration and target the attempts, passes,
// errors, pass rate and cost, and the run id to look the rest up (`lunar report <run-id>`).
// Runs go one at a time: two runs writing one results store and cache at once gain nothing.
// Cancelling the call stops starting attempts; those in flight finish and the run is kept,
// marked interrupted, as a first Ctrl-C does.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { describeFailures } from '../../cli/bench.ts';
import { runBench, type BenchResult } from '../../runners/bench.ts';
import { loadSuite } from '../../runners/suite.ts';
import { Serial } from '../memory/serial.ts';
import { defineTool } from '../tools/tool.ts';

export interface RunSuiteOptions {
  /** Where results.db and runs/ live. */
  home: string;
  /** Where a bare suite name is looked up (`tools` → <folder>/tools.yaml). */
  suitesFolder: string;
  /** Where a relative suite path is resolved (the server's working folder). */
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

const schema = z.object({
  suite: z.string().min(1).describe('A suite name (tools means suites/tools.yaml) or the path of a suite file'),
  target: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe("Targets to run, e.g. ['baseline'] or ['ollama:qwen2.5:7b', 'openai:gpt-4o-mini']; default: the suite's own targets, else baseline"),
  filter: z.array(z.string().min(1)).optional().describe('Only the cases matching a term: a case id (* as wildcard), category:NAME or tag:NAME'),
  limit: z.number().int().min(1).optional().describe('At most this many cases'),
  repeat: z.number().int().min(1).max(20).optional().describe('Run every case this many times (default 1)'),
});

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

export function runSuiteTool(options: RunSuiteOptions) {
  const serial = new Serial();
  return defineTool({
    name: 'run_suite',
    description:
      'Run a Lunar evaluation suite (its cases on the given targets, scored) and return its headline figures as JSON: ' +
      'pass rate, attempts, errors and cost per configuration and target, and the run id. Every attempt is stored in the results database.',
    schema,
    run(args, { signal }) {
      return serial.run(async () => {
        const suite = loadSuite(suiteFile(args.suite, options));
        const result = await runBench({
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
        return JSON.stringify(summarize(suite.name, result), null, 2);
      });
    },
  });
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
