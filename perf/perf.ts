// `npm run perf`: benchmarks of Lunar itself. Each figure is the median of several rounds run
// side by side in one process, because this machine is noisy. Not a test: nothing asserts.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantile } from '../metrics/stats.ts';
import { runBench } from '../runners/bench.ts';
import { REPORTERS } from '../reports/reporters.ts';
import { perfRetrieval } from './retrieval.ts';
import { perfTau } from './tau.ts';
import { loadSuite } from '../runners/suite.ts';

export interface PerfOptions {
  rounds: number;
  suitesFolder: string;
  /** The Vaswani folder for the retrieval figures (the reference data set's, wherever it is, unless given). */
  vaswani: string;
  /** Synthetic index sizes for the retrieval latency figures. */
  sizes: number[];
  /** Only this figure (`--only tau`): the τ-bench retail episodes against the 100 ms fake. */
  only?: 'tau';
}

export async function runPerf(options: PerfOptions): Promise<void> {
  if (options.only === 'tau') return perfTau(options.suitesFolder, (line) => console.log(line));
  await perfHarness(options);
  await perfTau(options.suitesFolder, (line) => console.log(line));
  await perfRetrieval(options.vaswani, options.sizes, (line) => console.log(line));
}

async function perfHarness(options: PerfOptions): Promise<void> {
  const suite = loadSuite(join(options.suitesFolder, 'tools.yaml'));
  const home = mkdtempSync(join(tmpdir(), 'lunar-perf-'));
  try {
    const times: number[] = [];
    let attempts = 0;
    for (let round = 0; round < options.rounds + 1; round++) {
      const started = performance.now();
      const result = await runBench({ suites: [suite], targets: ['baseline'], fallbackTargets: [], home, progressStream: null, concurrency: 4, reporters: REPORTERS });
      // Round 0 warms caches and the JIT; it is not counted.
      if (round > 0) times.push(performance.now() - started);
      attempts = result.attempts.length;
    }
    const median = quantile(times, 0.5)!;
    console.log(`bench, tools suite on baseline (${attempts} attempts, results stored): median ${median.toFixed(1)} ms over ${options.rounds} rounds, ${(attempts / (median / 1000)).toFixed(0)} attempts/s`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
