// The gates of a run's suites, as the run recorded them when it started (runners/run-start.ts):
// `lunar gate` checks what the run was planned against, whether or not the suite files are still
// there or have changed since.

import { RecordedGates, parseThreshold, type Threshold } from '../runners/gate-spec.ts';

export interface SuiteGateSpec {
  /** The suite's name, as its attempts carry it. */
  name: string;
  file: string;
  /** The scorers the suite's configurations ran. */
  scorers: string[];
  thresholds: Threshold[];
  /** An absolute path. */
  reference?: { path: string; tolerance: number };
}

/** The recorded gates by suite name; undefined for a run made before runs recorded their gates. */
export function recordedGates(run: { config: unknown }): Map<string, SuiteGateSpec> | undefined {
  const parsed = RecordedGates.safeParse((run.config as { gates?: unknown } | null)?.gates);
  if (!parsed.success) return undefined;
  return new Map(
    Object.entries(parsed.data).map(([name, g]) => [
      name,
      {
        name,
        file: g.file,
        scorers: g.scorers,
        // Each expression was checked when the suite was loaded; parse again for the structured form.
        thresholds: g.thresholds.map((text) => (parseThreshold(text) as Extract<ReturnType<typeof parseThreshold>, { ok: true }>).threshold),
        ...(g.reference ? { reference: g.reference } : {}),
      },
    ]),
  );
}
