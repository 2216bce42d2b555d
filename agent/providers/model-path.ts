// A model call's path for one attempt, the same for the target and for the judge: the cache, then
// the provider's lane in the scheduler (a cached answer takes no place in a quota).

import { type CacheMode, type CallCache } from './cache.ts';
import { cachedChatModel } from './cached-models.ts';
import { scheduledChatModel } from './scheduled.ts';
import type { ChatModel } from './types.ts';
import type { Case } from '../../datasets/case.ts';
import type { JudgeAccess } from '../../metrics/score.ts';
import type { PreparedJudge } from '../../judges/resolve.ts';
import type { Scheduler } from './scheduler.ts';

export interface Caching {
  cache: CallCache;
  mode: CacheMode;
}

/**
 * One cache wrapper per attempt, so repeated identical calls inside it are separate draws. The
 * local policies (baseline, scripted) skip both: they are instant and unlimited, and a script is
 * not part of the request a cache key is made from.
 */
export function forAttempt(model: ChatModel, scheduler: Scheduler, caching: Caching | undefined, repeat: number, label: string): ChatModel {
  if (model.provider === 'baseline' || model.provider === 'scripted') return model;
  const scheduled = scheduledChatModel(model, scheduler);
  return caching ? cachedChatModel(scheduled, caching.cache, { mode: caching.mode, repeat, label }) : scheduled;
}

/**
 * The judge for one attempt: its own model on the same path as the target's (its lane, its cache
 * under the attempt's repeat index), behind the run's breaker; or why there is none.
 */
export function judgeForAttempt(judge: PreparedJudge, c: Case, repeat: number, scheduler: Scheduler, caching: Caching | undefined): JudgeAccess {
  if (!judge.available) return { available: false, reason: judge.reason };
  const model = forAttempt(judge.breaker.wrap(judge.target.model(c)), scheduler, caching, repeat, `${c.id} (judge)`);
  return { available: true, id: judge.id, model };
}
