// run_suite: a suite run as `lunar bench` runs it, answered with its headline figures as JSON. The
// tool only checks its arguments and runs one suite at a time (two runs writing one results store
// and cache at once gain nothing); the run itself is the runner the command starting the server
// passes in (runners/run-suite.ts), so the agent never imports the harness above it. Cancelling
// the call aborts the signal the runner gets.

import { z } from 'zod';
import { Serial } from '../memory/serial.ts';
import { defineTool } from '../tools/tool.ts';

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

export type RunSuiteRequest = z.infer<typeof schema>;

/** Runs one suite and answers with what the model reads back (JSON-serialisable). */
export type SuiteRunner = (request: RunSuiteRequest, signal: AbortSignal) => Promise<unknown>;

export function runSuiteTool(runSuite: SuiteRunner) {
  const serial = new Serial();
  return defineTool({
    name: 'run_suite',
    description:
      'Run a Lunar evaluation suite (its cases on the given targets, scored) and return its headline figures as JSON: ' +
      'pass rate, attempts, errors and cost per configuration and target, and the run id. Every attempt is stored in the results database.',
    schema,
    run(args, { signal }) {
      return serial.run(async () => JSON.stringify(await runSuite(args, signal), null, 2));
    },
  });
}
