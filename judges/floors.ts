// `judge_floors:` in a suite: the reliability a judge must show before its scores may fail a gate
// (judges/advisory.ts applies them). Its own file so the suite schema takes it without the
// reliability machinery.

import { z } from 'zod';

export const JudgeFloors = z
  .object({
    /** The least Cohen's kappa the judge's latest calibration (for the scorer's prompt) must show. */
    kappa: z.number().min(-1).max(1).optional(),
    /** The least share of re-judgments that must give the same pass/fail as the stored score. */
    self_consistency: z.number().min(0).max(1).optional(),
    /** How self-consistency is measured: attempts re-judged (default 10), times each (default 3), the sample's seed (default 0). */
    sample: z.number().int().positive().optional(),
    k: z.number().int().positive().optional(),
    seed: z.number().int().nonnegative().optional(),
  })
  .strict();
export type JudgeFloors = z.infer<typeof JudgeFloors>;
