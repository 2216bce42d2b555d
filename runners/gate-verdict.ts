// A gate's verdict on a run, kept in the run's recorded configuration: `lunar gate` writes it when
// it has checked the run, and `lunar history` reads it back to mark the runs a gate failed. Runs
// record no gate outcome otherwise, and a verdict belongs with the run it judged (not in a
// separate file that could drift from the store). Checking a run again replaces its verdict.

import { z } from 'zod';
import type { ResultsStore } from './store.ts';

export const GateVerdict = z.object({
  checked_at: z.string(),
  /** Checks that failed the run; advisory failures are not among them. */
  failed: z.number().int().nonnegative(),
  held: z.number().int().nonnegative(),
  checks: z.array(
    z.object({
      suite: z.string(),
      config: z.string(),
      target: z.string(),
      measure: z.string(),
      verdict: z.enum(['held', 'failed', 'advisory']),
      text: z.string(),
    }),
  ),
});
export type GateVerdict = z.infer<typeof GateVerdict>;

/** Stores the verdict in the run's configuration, keeping everything else the run recorded. */
export function recordGateVerdict(store: ResultsStore, runId: string, verdict: GateVerdict): void {
  const run = store.run(runId);
  if (!run) throw new Error(`recordGateVerdict: no run ${runId}`);
  const config = run.config && typeof run.config === 'object' ? (run.config as Record<string, unknown>) : {};
  store.setRunConfig(runId, { ...config, gate: verdict });
}

/** The verdict a run's configuration holds; undefined when no gate checked it (or it is unreadable). */
export function recordedGateVerdict(config: unknown): GateVerdict | undefined {
  const gate = config && typeof config === 'object' ? (config as Record<string, unknown>).gate : undefined;
  const parsed = GateVerdict.safeParse(gate);
  return parsed.success ? parsed.data : undefined;
}
