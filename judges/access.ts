// The judge's model call path for one attempt: the same as the target's (agent/providers/model-path.ts).

import { forAttempt, type Caching } from '../agent/providers/model-path.ts';
import type { Scheduler } from '../agent/providers/scheduler/scheduler.ts';
import type { Case } from '../datasets/case.ts';
import type { JudgeAccess } from '../metrics/score.ts';
import type { PreparedJudge } from './resolve.ts';

/**
 * The judge for one attempt: its own model on the same path as the target's (its lane, its cache
 * under the attempt's repeat index), behind the run's breaker; or why there is none.
 */
export function judgeForAttempt(judge: PreparedJudge, c: Case, repeat: number, scheduler: Scheduler, caching: Caching | undefined): JudgeAccess {
  if (!judge.available) return { available: false, reason: judge.reason };
  const model = forAttempt(judge.breaker.wrap(judge.target.model(c)), scheduler, caching, repeat, `${c.id} (judge)`);
  return { available: true, id: judge.id, model };
}
