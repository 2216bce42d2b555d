// Turning what happened with a judge into a Score: no judge (skipped, with why), a judge that
// could not be asked (skipped) or gave no usable reply (error), with what it cost either way.

import { errored, skipped, type JudgeAccess, type Score } from '../metrics/score.ts';
import type { JudgeModel, JudgeResult } from './core.ts';
import type { JudgeUsage } from './usage.ts';

export const NO_JUDGE =
  'no judge configured: add `judge: <target id>` to the suite (e.g. judge: openai:gpt-4o-mini or judge: ollama:qwen2.5:7b)';

/** The judge to call, or the skipped score that says why there is none. */
export function judgeOrSkip(scorer: string, judge: JudgeAccess | undefined): JudgeModel | Score {
  if (!judge) return skipped(scorer, NO_JUDGE);
  if (!judge.available) return skipped(scorer, judge.reason);
  return judge;
}

export function isScore(value: JudgeModel | Score): value is Score {
  return 'status' in value;
}

/** The score for a judge question that failed: skipped or error as the result says, with the reason and what it cost. */
export function judgeFailed(scorer: string, result: Extract<JudgeResult<unknown>, { ok: false }>, usage: JudgeUsage, details: Record<string, unknown> = {}): Score {
  const all = { ...details, judge: usage.summary() };
  return result.status === 'skipped' ? skipped(scorer, result.reason, all) : errored(scorer, result.reason, all);
}
