// The τ-bench figure: the 115 retail test episodes through `runBench` (suites/tau-retail.yaml, agent
// and simulated user both openai:fake-model, concurrency 8, cache off, a temporary home) against a
// loopback OpenAI server that answers every request after 100 ms, replaying each task's
// ground-truth actions (tau-replay-turns.ts). The ideal is the makespan lower bound the episodes'
// model calls allow: each episode's calls (agent + user) × 100 ms run one after another, 8
// episodes in flight, so max(longest episode, sum of episodes / 8). The aim is within 20% of it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateReferenceSet, missingFiles } from '../datasets/reference/locate.ts';
import { runBench } from '../runners/bench.ts';
import { loadSuite } from '../runners/suite.ts';
import { slowChatServer } from './promptfoo/loopback-server.ts';
import { tauReplay } from './tau-replay-turns.ts';

const DELAY_MS = 100;
const CONCURRENCY = 8;

export async function perfTau(suitesFolder: string, print: (line: string) => void): Promise<void> {
  const set = locateReferenceSet('tau_bench');
  if (missingFiles(set, ['retail/tasks.test.json']).length > 0) {
    print(`τ-bench retail: skipped (the tau_bench reference data is missing; \`lunar data pull tau-bench\` gets it)`);
    return;
  }
  const replay = tauReplay(set.path, 'retail', 'test');
  const calls = new Map<number, number>();
  const server = await slowChatServer(DELAY_MS, (body) => {
    const { turn, task } = replay.turn(body);
    calls.set(task, (calls.get(task) ?? 0) + 1);
    return turn;
  });
  const home = mkdtempSync(join(tmpdir(), 'lunar-perf-tau-'));
  try {
    const suite = loadSuite(join(suitesFolder, 'tau-retail.yaml'));
    const env = { ...process.env, OPENAI_API_KEY: 'sk-fake-loopback', OPENAI_BASE_URL: `${server.url}/v1` };
    const target = 'openai:fake-model';
    const started = performance.now();
    const result = await runBench({ suites: [suite], targets: [target], user: target, fallbackTargets: [], home, env, cache: 'off', concurrency: CONCURRENCY, progressStream: null });
    const seconds = (performance.now() - started) / 1000;
    const rewards = result.attempts.map((a) => a.scores.find((s) => s.scorer === 'tau_reward')?.value ?? 0);
    const mean = rewards.reduce((a, b) => a + b, 0) / Math.max(1, rewards.length);
    // Calls are counted per task the request names; tasks 93 and 95 share an instruction (and
    // their actions), so they count as one: the longest episode and the sum are unchanged.
    const perEpisode = [...calls.entries()].filter(([task]) => task >= 0).map(([, n]) => (n * DELAY_MS) / 1000);
    const total = perEpisode.reduce((a, b) => a + b, 0);
    const ideal = Math.max(Math.max(0, ...perEpisode), total / CONCURRENCY);
    const over = ((seconds / ideal - 1) * 100).toFixed(0);
    print(
      `τ-bench retail: ${result.attempts.length} episodes, concurrency ${CONCURRENCY}, fake server at ${DELAY_MS} ms: ${seconds.toFixed(1)} s, ideal ${ideal.toFixed(1)} s (${Number(over) >= 0 ? '+' : ''}${over}%; ${server.requests} model calls), rewards ${mean.toFixed(3)}`,
    );
  } finally {
    await server.close();
    rmSync(home, { recursive: true, force: true });
  }
}
