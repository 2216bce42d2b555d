// runCase: one case on one target, the way `lunar bench` runs an attempt (runners/attempt.ts):
// the same target resolution, model path (the provider's lane and the model-call cache), tool
// loop and scorers, and the judge on the same path. What it returns can be scored again by any
// other scorer, so a test can ask for a check its suite does not list.

import type { CacheMode } from '../../agent/providers/cache.ts';
import type { Trace } from '../../agent/trace.ts';
import type { Case } from '../../datasets/case.ts';
import type { Score } from '../../metrics/score.ts';
import { runAttempt } from '../../runners/attempt.ts';
import { InputError } from '../../core/errors.ts';
import { judgeForAttempt } from '../../judges/access.ts';
import type { PlannedAttempt } from '../../runners/plan.ts';
import { attemptOutcome, type AttemptOutcome } from '../../metrics/outcome.ts';
import { resolveTarget } from '../../agent/targets.ts';
import { createScorers, parseCase, setupCase, type CaseSetupOptions, type ScorerSpec } from './case-setup.ts';
import { sessionFor, type CaseSession } from './session.ts';
import { needsCaseScript } from '../../agent/providers/capabilities.ts';

export interface RunCaseOptions extends CaseSetupOptions {
  /** Where cache.db and knowledge indexes live (default $LUNAR_HOME, else .lunar). */
  home?: string;
  /** The model-call cache, as `lunar bench --cache` (default on). */
  cache?: CacheMode;
  /** Where providers read keys and addresses (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** The repeat index: each is its own draw with its own seed and cache entry (default 0). */
  repeat?: number;
  /** Cuts the run short (the attempt is then an error). */
  signal?: AbortSignal;
}

export interface CaseResult {
  case: Case;
  target: string;
  /** The suite configuration it ran in (`default` without a matrix). */
  config: string;
  /** 'error' when the run itself failed (the provider, the script): never a pass. */
  status: 'ok' | 'error';
  error?: string;
  trace: Trace;
  /** The scores of the suite's scorers (or those named, or the default set) that applied. */
  scores: Score[];
  /** As `lunar bench` counts it: every scored check passed (skipped ones aside), or not, or nothing could check it. */
  outcome: AttemptOutcome;
  /**
   * The score of any scorer on this run: given by name, the stored one when it was among `scores`;
   * else (or given with options) the scorer run now on the trace (a judge on the same path as the target). null when the scorer has
   * nothing to check on this case (no expectation of its kind).
   */
  score(scorer: ScorerSpec): Promise<Score | null>;
}

/**
 * Runs a case on a target (`scripted`, `baseline`, `ollama:qwen2.5:7b`, `openai:gpt-4o-mini`, ...)
 * and scores it. `c` is a case object (checked as a dataset line is) or, with `options.suite`, a
 * case id in the suite's dataset. Bad input (an invalid case, an unknown target or scorer, a
 * missing API key) throws an InputError; a run that fails is a result with status 'error'.
 */
export async function runCase(c: Case | Record<string, unknown> | string, target: string, options: RunCaseOptions = {}): Promise<CaseResult> {
  return runCaseUnchecked(typeof c === 'string' ? c : parseCase(c), target, options);
}

/**
 * runCase for a case taken as it is, unchecked: the promptfoo provider's way to run a prompt that
 * is not a suite case (it has no expectation, which a dataset line must have).
 */
export async function runCaseUnchecked(c: Case | string, target: string, options: RunCaseOptions = {}): Promise<CaseResult> {
  const session = sessionFor(options);
  const { prepared, case: chosen } = await setupCase(c, options, session);
  const resolved = resolveTarget(target, session.providerOptions, { keys: session.mode !== 'replay' });
  if (needsCaseScript(target) && !chosen.script) throw new InputError(`runCase: case ${chosen.id}: script: the scripted target needs a script on the case`);
  const repeat = options.repeat ?? 0;
  const attempt: PlannedAttempt = { prepared, case: chosen, target: resolved, repeat };
  const scheduler = session.scheduler(prepared.suite.limits);
  const row = await runAttempt(attempt, options.signal, scheduler, session.caching());
  return {
    case: chosen,
    target: resolved.id,
    config: prepared.variant.config,
    status: row.status,
    ...(row.error !== undefined ? { error: row.error } : {}),
    trace: row.trace,
    scores: row.scores,
    outcome: attemptOutcome(row),
    score: (spec) => scoreAgain(session, attempt, row.scores, row.trace, spec),
  };
}

async function scoreAgain(session: CaseSession, attempt: PlannedAttempt, scores: readonly Score[], trace: Trace, spec: ScorerSpec): Promise<Score | null> {
  const [scorer] = createScorers([spec]);
  // A bare name means the run's own scorer of that name (with the suite's options); options given
  // here mean that scorer with these options, run now.
  const stored = typeof spec === 'string' ? scores.find((s) => s.scorer === scorer!.name) : undefined;
  if (stored) return stored;
  const { prepared, case: c, repeat } = attempt;
  const judge = scorer!.kind === 'judge' ? judgeForAttempt(prepared.judge, c, repeat, session.scheduler(prepared.suite.limits), session.caching()) : undefined;
  try {
    return await scorer!.score({ case: c, trace, judge });
  } catch (error) {
    // As in a bench run: a scorer that throws is an error score, never a pass.
    return { scorer: scorer!.name, value: null, pass: null, status: 'error', reason: (error as Error).message };
  }
}
