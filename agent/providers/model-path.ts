// A model call's path for one attempt, the same for the target and for the judge: the cache, then
// the provider's lane in the scheduler (a cached answer takes no place in a quota).

import { type CacheMode, type CallCache } from './cache.ts';
import { cachedChatModel } from './cached-models.ts';
import { scheduledChatModel } from './scheduled.ts';
import type { ChatModel } from './types.ts';
import type { Scheduler } from './scheduler/scheduler.ts';
import { capabilitiesOf } from './capabilities.ts';

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
  if (capabilitiesOf(model.provider).local) return model;
  const scheduled = scheduledChatModel(model, scheduler);
  return caching ? cachedChatModel(scheduled, caching.cache, { mode: caching.mode, repeat, label }) : scheduled;
}
