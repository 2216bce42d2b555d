import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenAiFake } from '../test/fakes/openai-server.ts';
import { REPORTERS } from '../reports/reporters.ts';
import { runBench, type BenchOptions } from './bench.ts';
import { formatAutoRepeat } from './auto-repeat.ts';
import { ResultsStore } from './store.ts';
import { loadSuite, type Suite } from './suite.ts';

// Three cases that expect "done": `steady` always says it, `wrong` never does, `flip` says it only
// on even repeats (each repeat is sampled with seed = repeat), so its verdicts disagree every time.
function flipSuite(dir: string): Suite {
  const cases = ['steady', 'wrong', 'flip'].map((id) => JSON.stringify({ id, input: `case ${id}`, category: 'k', expected_contains: 'done' }));
  writeFileSync(join(dir, 'data.jsonl'), `${cases.join('\n')}\n`);
  writeFileSync(join(dir, 'suite.yaml'), 'name: flips\ndataset: data.jsonl\ntools: [calculator]\nscorers: [answer_contains]\n');
  return loadSuite(join(dir, 'suite.yaml'));
}

const fakes: OpenAiFake[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.close();
});

async function flipModel(): Promise<OpenAiFake> {
  const fake = await new OpenAiFake()
    .answerWith((body) => {
      const asked = JSON.stringify(body.messages);
      const done = asked.includes('case steady') || (asked.includes('case flip') && body.seed % 2 === 0);
      // gpt-4o-mini: 1,000 tokens in and 500 out cost $0.00045 a call.
      return { text: done ? 'done' : 'not yet', usage: { input: 1_000, output: 500 } };
    })
    .start();
  fakes.push(fake);
  return fake;
}

function bench(home: string, fake: OpenAiFake, options: Partial<BenchOptions> & { suites: Suite[] }) {
  return runBench({ fallbackTargets: ['baseline'], targets: ['openai:gpt-4o-mini'], env: { OPENAI_BASE_URL: `${fake.url}/v1` }, cache: 'off', home, progressStream: null, reporters: REPORTERS, ...options });
}

const repeatsOf = (attempts: readonly { caseId: string; repeat: number }[]) => {
  const by: Record<string, number[]> = {};
  for (const a of attempts) (by[a.caseId] ??= []).push(a.repeat);
  for (const list of Object.values(by)) list.sort((x, y) => x - y);
  return by;
};

describe('runBench --repeat auto', () => {
  it('repeats the agreeing cases to the policy minimum and the flipping one to the cap, and counts the calls saved', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-auto-'));
    const fake = await flipModel();
    const result = await bench(join(dir, 'home'), fake, { suites: [flipSuite(dir)], autoRepeat: { maxRepeat: 5 } });
    expect(result.status).toBe('completed');
    // minRepeat 2 (metrics/adaptive-repeats.ts): two agreeing verdicts settle a case; flip alternates to the cap.
    expect(repeatsOf(result.attempts)).toEqual({ steady: [0, 1], wrong: [0, 1], flip: [0, 1, 2, 3, 4] });
    expect(fake.requests).toHaveLength(9);
    expect(result.autoRepeat).toEqual({ maxRepeat: 5, rounds: 4, calls: 9, fixedCalls: 15, saved: 6, savedShare: 6 / 15 });
    expect(formatAutoRepeat(result.autoRepeat!)).toBe('--repeat auto: 9 attempts in 5 round(s); a fixed --repeat 5 would make 15: 6 saved (40%)');
    // The flip case's majority (3 of 5) passes; the aggregate counts every stored attempt.
    expect(result.aggregates[0]).toMatchObject({ attempts: 9, passed: 5 });
    const written = JSON.parse(readFileSync(join(result.outDir, 'results.json'), 'utf8'));
    expect(written.run.config.auto_repeat).toMatchObject({ calls: 9, saved: 6 });
    expect(written.run.config.invocation).toMatchObject({ repeat: 'auto', maxRepeat: 5 });
  });

  it('resumes a run its budget stopped and carries on with the rounds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-auto-'));
    const home = join(dir, 'home');
    const fake = await flipModel();
    const suite = flipSuite(dir);
    // One at a time: after 3 attempts $0.00135 ≥ $0.001, so the first round ends the run.
    const first = await bench(home, fake, { suites: [suite], autoRepeat: { maxRepeat: 3 }, concurrency: 1, budget: 0.001 });
    expect(first.status).toBe('partial');
    expect(first.attempts).toHaveLength(3);
    const resumed = await bench(home, fake, { suites: [suite], autoRepeat: { maxRepeat: 3 }, resume: first.runId });
    expect(resumed.status).toBe('completed');
    // Cap 3: flip is [pass, fail, pass] at the cap; steady and wrong settle after two.
    expect(repeatsOf(resumed.attempts)).toEqual({ steady: [0, 1], wrong: [0, 1], flip: [0, 1, 2] });
    expect(fake.requests).toHaveLength(7);
    expect(resumed.autoRepeat).toMatchObject({ calls: 7, fixedCalls: 9, saved: 2 });
    const store = new ResultsStore(join(home, 'results.db'));
    try {
      expect((store.run(first.runId)!.config as { invocation: unknown }).invocation).toMatchObject({ repeat: 'auto', maxRepeat: 3 });
    } finally {
      store.close();
    }
  });
});
