// Runs `promptfoo eval` (the optional peer, installed on first use into .lunar/peers/) as a child
// process on a config, with promptfoo's own cache off, its home in a folder of the caller's and a
// time limit that ends it and everything it started. Its -o JSON is read back per test.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { ensurePeer, PeerError } from '../peers.ts';
import { promptfooEnv } from './env.ts';
import { killGroupAfter } from './process-group.ts';

export interface PromptfooEvalOptions {
  config: string;
  /** promptfoo's -o file (JSON). */
  output: string;
  /** HOME and promptfoo's config dir (its database and logs). */
  home: string;
  /** Tests in flight (-j; default 4). */
  jobs?: number;
  /** Ends the run, killing its process group (default 5 minutes). */
  timeoutMs?: number;
  /** Added to promptfoo's environment (e.g. LUNAR_HOME for the Lunar provider). */
  env?: NodeJS.ProcessEnv;
  /** The promptfoo CLI entry (default: the pinned peer, installed if missing). */
  entry?: string;
}

export interface PromptfooEvalRun {
  exitCode: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

export async function runPromptfooEval(options: PromptfooEvalOptions): Promise<PromptfooEvalRun> {
  const entry = options.entry ?? (await ensurePeer('promptfoo'));
  const args = [entry, 'eval', '-c', options.config, '--no-cache', '--no-table', '--no-progress-bar', '-j', String(options.jobs ?? 4), '-o', options.output];
  const env = { ...promptfooEnv(options.home, false), ...options.env };
  return new Promise((resolvePromise) => {
    // Its own process group, so the time limit ends promptfoo and anything it started.
    const child = spawn(process.execPath, args, { cwd: dirname(options.config), env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const limit = killGroupAfter(child, options.timeoutMs ?? 300_000);
    const finish = (exitCode: number | null) => {
      limit.clear();
      resolvePromise({ exitCode, timedOut: limit.timedOut, stdout, stderr });
    };
    child.on('error', (error) => {
      stderr += `\ncannot start promptfoo: ${error.message}`;
      finish(null);
    });
    child.on('close', (code) => finish(code));
  });
}

/** One test × provider of promptfoo's -o JSON, as far as Lunar reads it. */
const PromptfooResultRow = z
  .object({
    success: z.boolean(),
    /** 0 none, 1 an assertion failed, 2 an error (the provider's, or the run's). */
    failureReason: z.number().int().optional(),
    error: z.string().nullish(),
    provider: z.object({ id: z.string(), label: z.string().optional() }).loose(),
    vars: z.record(z.string(), z.unknown()).optional(),
    testCase: z.object({ vars: z.record(z.string(), z.unknown()).optional(), description: z.string().optional() }).loose(),
    gradingResult: z
      .object({ pass: z.boolean(), reason: z.string().optional(), componentResults: z.array(z.object({ pass: z.boolean(), reason: z.string().optional() }).loose()).optional() })
      .loose()
      .nullish(),
  })
  .loose();

const PromptfooOutput = z
  .object({ results: z.object({ results: z.array(PromptfooResultRow), stats: z.object({ successes: z.number(), failures: z.number(), errors: z.number() }).loose() }).loose() })
  .loose();

export interface PromptfooOutcome {
  caseId: string;
  provider: string;
  outcome: 'pass' | 'fail' | 'error';
  reason: string;
}

/** Each test's outcome from promptfoo's -o JSON (0.121's shape), by case_id var and provider label. */
export function readPromptfooOutcomes(file: string): { outcomes: PromptfooOutcome[]; stats: { successes: number; failures: number; errors: number } } {
  if (!existsSync(file)) throw new PeerError(`promptfoo wrote no output file ${file}`);
  const parsed = PromptfooOutput.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new PeerError(`${file}: not promptfoo 0.121's output shape: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  const outcomes = parsed.data.results.results.map((row) => {
    const vars = row.vars ?? row.testCase.vars ?? {};
    const outcome: PromptfooOutcome['outcome'] = row.success ? 'pass' : row.failureReason === 2 ? 'error' : 'fail';
    return {
      caseId: String(vars.case_id ?? row.testCase.description ?? ''),
      provider: row.provider.label ?? row.provider.id,
      outcome,
      reason: row.gradingResult?.reason ?? row.error ?? '',
    };
  });
  return { outcomes, stats: parsed.data.results.stats };
}
