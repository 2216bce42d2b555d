// What the generated lunar-provider.mjs and lunar-assert.mjs load (through tsx) inside promptfoo's
// process. The provider runs a case of the suite as `lunar bench` runs an attempt (runCase: same
// target, model path, tools and scorers) and answers with the final answer, the Trace and the
// scores in its metadata; the assertion runs a Lunar scorer on that Trace and answers with its
// verdict and reason.

import { z } from 'zod';
import { CACHE_MODES } from '../../agent/providers/cache.ts';
import { Trace } from '../../agent/trace.ts';
import type { Case } from '../../datasets/case.ts';
import { createScorer, ScorerOptionsError, UnknownScorerError } from '../../judges/registry.ts';
import { Score, skipped } from '../../metrics/score.ts';
import { runCaseUnchecked } from '../vitest/run-case.ts';

/** The provider's `config` in promptfooconfig.yaml (promptfoo adds basePath). */
export const ProviderConfig = z.object({
  /** The suite file (absolute, or relative to the working folder). */
  suite: z.string().min(1),
  target: z.string().min(1),
  /** The suite configuration (matrix entry); default its first. */
  config: z.string().min(1).optional(),
  /** Lunar's home (cache.db, indexes); default $LUNAR_HOME, else .lunar. */
  home: z.string().min(1).optional(),
  cache: z.enum(CACHE_MODES).optional(),
});
export type ProviderConfig = z.infer<typeof ProviderConfig>;

/** What the provider leaves in its response's metadata for the assertions. */
export const LunarMetadata = z.object({
  caseId: z.string(),
  target: z.string(),
  config: z.string(),
  case: z.record(z.string(), z.unknown()),
  status: z.enum(['ok', 'error']),
  scores: z.array(Score),
  trace: Trace,
});
export type LunarMetadata = z.infer<typeof LunarMetadata>;

export interface ProviderResponse {
  output?: string;
  error?: string;
  metadata?: { lunar: LunarMetadata };
  tokenUsage?: { prompt: number; completion: number; total: number };
  cost?: number;
  latencyMs?: number;
}

export interface GradingResult {
  pass: boolean;
  score: number;
  reason: string;
  metadata?: Record<string, unknown>;
}

const CallContext = z.object({ vars: z.record(z.string(), z.unknown()).optional(), repeatIndex: z.number().int().nonnegative().optional() }).loose();

/**
 * Runs the test's case (its `case_id` var) on the provider's target. A test without a case_id is
 * a prompt of the user's own: it runs as a one-message case in the suite's configuration, checked
 * by no expectation of its own.
 */
export async function callProvider(rawConfig: unknown, prompt: string, rawContext: unknown): Promise<ProviderResponse> {
  const parsed = ProviderConfig.safeParse(rawConfig);
  if (!parsed.success) return { error: `lunar-provider: config: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ')}` };
  const config = parsed.data;
  const context = CallContext.safeParse(rawContext ?? {}).data;
  const vars = context?.vars ?? {};
  const caseId = typeof vars.case_id === 'string' ? vars.case_id : undefined;
  const c: Case | string = caseId ?? { id: 'promptfoo-prompt', input: prompt, category: 'promptfoo', tags: [] };
  try {
    // promptfoo's --repeat is Lunar's: each repeat its own draw (seed) and cache entry.
    const result = await runCaseUnchecked(c, config.target, { suite: config.suite, config: config.config, home: config.home, cache: config.cache, repeat: context?.repeatIndex ?? 0 });
    const { trace } = result;
    const metadata: LunarMetadata = {
      caseId: result.case.id,
      target: result.target,
      config: result.config,
      case: result.case as Record<string, unknown>,
      status: result.status,
      scores: result.scores,
      trace,
    };
    const usage = { prompt: trace.usage.inputTokens, completion: trace.usage.outputTokens, total: trace.usage.inputTokens + trace.usage.outputTokens };
    // An attempt that errored is an error in promptfoo too (never a pass; Lunar counts it a failure).
    if (result.status === 'error') return { error: `lunar: case ${result.case.id} on ${result.target}: ${result.error}`, metadata: { lunar: metadata }, tokenUsage: usage };
    return { output: trace.finalAnswer ?? '', metadata: { lunar: metadata }, tokenUsage: usage, cost: trace.costUsd, latencyMs: Math.round(trace.latencyMs) };
  } catch (error) {
    return { error: `lunar: ${(error as Error).message}` };
  }
}

const AssertContext = z
  .object({
    config: z.object({ scorer: z.string().min(1), options: z.record(z.string(), z.unknown()).default({}) }),
    providerResponse: z.object({ metadata: z.object({ lunar: LunarMetadata }).loose() }).loose(),
  })
  .loose();

/**
 * The javascript assertion: the scorer named in the assertion's config, run on the provider's
 * Trace. A judge scorer is not called again: its score is the one the provider's run made (on
 * the same path and cache as `lunar bench`). Skipped is not a failure in Lunar, so it passes here
 * with score 0 and says so — unless nothing at all scored the run, which Lunar counts apart as
 * "unscored" and promptfoo cannot: then it fails, never a pass.
 */
export async function gradeAssertion(_output: unknown, rawContext: unknown): Promise<GradingResult> {
  const parsed = AssertContext.safeParse(rawContext);
  if (!parsed.success) {
    const problem = parsed.error.issues[0]!;
    return { pass: false, score: 0, reason: `lunar-assert: ${problem.path.join('.')}: ${problem.message} (use it with the provider lunar export promptfoo wrote)` };
  }
  const { config, providerResponse } = parsed.data;
  const lunar = providerResponse.metadata.lunar;
  const score = await runScorer(config.scorer, config.options, lunar.case as Case, lunar.trace, lunar.scores);
  return verdict(score, config.scorer, lunar.scores);
}

async function runScorer(name: string, options: Record<string, unknown>, c: Case, trace: Trace, stored: readonly Score[]): Promise<Score | null> {
  let scorer;
  try {
    scorer = createScorer(name, options);
  } catch (error) {
    if (error instanceof UnknownScorerError || error instanceof ScorerOptionsError) return { scorer: name, value: null, pass: null, status: 'error', reason: error.message };
    throw error;
  }
  if (scorer.kind === 'judge') {
    return stored.find((s) => s.scorer === scorer.name) ?? skipped(scorer.name, `the suite does not list ${scorer.name}, so the provider's run did not ask its judge`);
  }
  try {
    return await scorer.score({ case: c, trace });
  } catch (error) {
    return { scorer: scorer.name, value: null, pass: null, status: 'error', reason: (error as Error).message };
  }
}

export function verdict(score: Score | null, name: string, stored: readonly Score[]): GradingResult {
  if (score === null) return { pass: true, score: 1, reason: `${name}: nothing to check on this case`, metadata: { lunarStatus: 'not applicable' } };
  const metadata = { lunarStatus: score.status, lunarValue: score.value };
  if (score.status === 'scored') return { pass: score.pass === true, score: score.value ?? 0, reason: `${score.scorer}: ${score.reason}`, metadata };
  if (score.status === 'error') return { pass: false, score: 0, reason: `${score.scorer} errored: ${score.reason}`, metadata };
  if (stored.some((s) => s.status === 'scored')) return { pass: true, score: 0, reason: `${score.scorer} skipped (not counted, as in Lunar): ${score.reason}`, metadata };
  return { pass: false, score: 0, reason: `unscored: nothing could check this run (${score.scorer} skipped: ${score.reason}); Lunar leaves it out of the pass rate, promptfoo cannot, so it is not a pass`, metadata };
}
