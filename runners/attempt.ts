// One attempt: a case run by a target's agent on its model path (the provider's lane and the
// model-call cache), then scored, its judge (if any) on the same path. Never throws: whatever goes
// wrong is an errored attempt with the message.

import { declaredRegistry } from '../agent/tools/declared.ts';
import type { ToolRegistry } from '../agent/tools/tool.ts';
import { emptyTrace, type Trace } from '../agent/trace.ts';
import type { Case } from '../datasets/case.ts';
import { channelFor, externalChannelFor } from './channels.ts';
import { newTraceparent, type SpanCollector } from '../agent/external/span-collector.ts';
import { storedTraceFor } from '../agent/otel/imported.ts';
import type { ResolvedAgent } from '../agent/targets.ts';
import { randomUUID } from 'node:crypto';
import { DEFAULT_BUDGET } from '../agent/loop.ts';
import { needsJudge } from '../judges/registry.ts';
import { bfclToolSpecs } from '../metrics/bfcl/tool-specs.ts';
import type { JudgeAccess, Score, Scorer } from '../metrics/score.ts';
import { forAttempt, type Caching } from '../agent/providers/model-path.ts';
import { judgeForAttempt } from '../judges/access.ts';
import type { PlannedAttempt, PreparedSuite } from './plan.ts';
import type { Scheduler } from '../agent/providers/scheduler/scheduler.ts';
import type { AttemptRow } from './store.ts';

/** Bench attempts sample greedily with a fixed seed unless the suite says otherwise. */
export const DEFAULT_TEMPERATURE = 0;
export const DEFAULT_SEED = 0;

/**
 * Runs and scores one attempt. Never throws: whatever goes wrong becomes an errored attempt with
 * the message, so one bad attempt cannot take the run down.
 */
export async function runAttempt(attempt: PlannedAttempt, abort: AbortSignal | undefined, scheduler: Scheduler, caching?: Caching, spans?: SpanCollector): Promise<Omit<AttemptRow, 'runId'>> {
  const { prepared, case: c, target, repeat } = attempt;
  const { variant } = prepared;
  const base = { suite: prepared.suite.name, config: variant.config, caseId: c.id, category: c.category, target: target.id, repeat };
  try {
    // An imported trace (lunar import traces) is replayed as it was recorded: no agent runs.
    const trace = target.agent ? await runExternal(attempt, target.agent, abort, scheduler, caching, spans) : (storedTraceFor(target, c) ?? (await runOwnAgent(attempt, abort, scheduler, caching)));
    if (trace.stopReason === 'error' || trace.stopReason === 'aborted') {
      return { ...base, status: 'error', error: trace.error ?? trace.stopReason, trace, scores: [] };
    }
    // The attempt's own judge, on the same path as its target (lane, cache under this repeat).
    const judge = needsJudge(prepared.scorers) ? judgeForAttempt(prepared.judge, c, repeat, scheduler, caching) : undefined;
    const scores: Score[] = [];
    for (const scorer of prepared.scorers) {
      const score = await scoreSafely(scorer, c, trace, judge);
      if (score) scores.push(score);
    }
    return { ...base, status: 'ok', trace, scores };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...base, status: 'error', error: message, trace: emptyTrace(target.id, 'error', message), scores: [] };
  }
}

/** Lunar's own agent: the tool loop on the target's model, through the case's channel. */
function runOwnAgent(attempt: PlannedAttempt, abort: AbortSignal | undefined, scheduler: Scheduler, caching: Caching | undefined): Promise<Trace> {
  const { prepared, case: c, target, repeat } = attempt;
  const { variant } = prepared;
  const run = {
    model: forAttempt(target.model(c), scheduler, caching, repeat, c.id),
    tools: toolsFor(prepared, c),
    system: variant.system,
    workspaceRoot: variant.workspaceRoot,
    temperature: variant.temperature ?? DEFAULT_TEMPERATURE,
    // Each repeat is its own draw: its own seed (and its own cache entry).
    seed: DEFAULT_SEED + repeat,
    budget: stripUndefined(variant.budget),
    callTimeoutMs: variant.timeoutMs,
    // Only abandoning the run cuts attempts short; stopping lets them finish.
    signal: abort,
  };
  const episode = variant.episode && attempt.user ? { settings: variant.episode, user: attempt.user, scheduler, caching, repeat } : undefined;
  return channelFor(variant.channel, c).run(c, run, { episode });
}

/**
 * An external agent: per turn a call on its kind's lane and through the cache, with a session id
 * and a W3C traceparent of this attempt's own; `spans`, the run's OTLP receiver when one runs,
 * gives its trajectory when its responses do not.
 */
function runExternal(attempt: PlannedAttempt, agent: ResolvedAgent, abort: AbortSignal | undefined, scheduler: Scheduler, caching: Caching | undefined, spans: SpanCollector | undefined): Promise<Trace> {
  const { prepared, case: c, target, repeat } = attempt;
  const { variant } = prepared;
  const { traceparent, traceId } = newTraceparent();
  const binding = {
    sessionId: `lunar-${randomUUID()}`,
    traceparent,
    vars: { case_id: c.id, category: c.category, tags: c.tags, repeat },
    ...(spans ? { otlpEndpoint: spans.endpoint } : {}),
  };
  const run = {
    model: forAttempt(agent.bind(binding), scheduler, caching, repeat, c.id),
    traceId,
    ...(spans ? { spans } : {}),
    ...(abort ? { signal: abort } : {}),
    ...(variant.timeoutMs !== undefined ? { callTimeoutMs: variant.timeoutMs } : {}),
    // The same time budget as Lunar's own agent gets (max_steps and max_tokens are the agent's own business).
    maxTimeMs: variant.budget.maxTimeMs ?? DEFAULT_BUDGET.maxTimeMs,
  };
  return externalChannelFor(variant.channel, c, target.id)(c, run);
}

/**
 * The tools a case is offered: a BFCL case its own declared functions (names differ per entry, so
 * they cannot share the suite's registry); any other case the suite's, or the subset it names.
 */
function toolsFor(prepared: PreparedSuite, c: Case): ToolRegistry {
  if (c.bfcl) return declaredRegistry(bfclToolSpecs(c.bfcl.functions, { underscoreToDot: c.bfcl.underscore_to_dot, category: c.bfcl.category }));
  return c.tools ? prepared.tools.pick(c.tools) : prepared.tools;
}

/** A scorer that throws yields an error score with the reason; it never takes the run down. */
async function scoreSafely(scorer: Scorer, c: Case, trace: Trace, judge: JudgeAccess | undefined): Promise<Score | null> {
  try {
    return await scorer.score({ case: c, trace, judge });
  } catch (error) {
    return { scorer: scorer.name, value: null, pass: null, status: 'error', reason: (error as Error).message };
  }
}


function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
