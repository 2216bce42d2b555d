// LLM judges inside a run: the suite names a judge, each attempt gets its own judge model, and a
// run whose judge cannot be reached still completes with the judge scores skipped.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBench } from '../runners/bench.ts';
import { loadSuite } from '../runners/suite.ts';

function judgedSuite(judgeLine: string, judgeReplies: string[] = []): { home: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lunar-judged-'));
  const cases = [
    { id: 'q1', input: 'What is the capital of France?', category: 'geo', expected_answer: 'Paris', expected_contains: 'Paris', script: [{ text: 'Paris.' }] },
    { id: 'q2', input: 'What is the capital of Italy?', category: 'geo', expected_answer: 'Rome', expected_contains: 'Rome', script: [{ text: 'Milan.' }] },
  ];
  writeFileSync(join(dir, 'data.jsonl'), cases.map((c) => JSON.stringify(c)).join('\n'));
  // Each attempt replays the judge script from its start: one rubric score, one pairwise pair.
  writeFileSync(join(dir, 'judge.jsonl'), judgeReplies.map((text) => JSON.stringify({ text })).join('\n'));
  const file = join(dir, 'suite.yaml');
  writeFileSync(
    file,
    `dataset: data.jsonl\ntools: []\n${judgeLine}\nscorers:\n  - answer_contains\n  - rubric: { criteria: "names the right capital", steps: ["Check the city named is the capital asked for."] }\n`,
  );
  return { home: join(dir, 'home'), file };
}

describe('judges in a run', () => {
  it("scores with the suite's judge: a 4 of 5 from the rubric is 0.75, and the judge's call is in the score", async () => {
    const { home, file } = judgedSuite('judge: scripted:judge.jsonl', ['{"reasoning": "names Paris", "score": 4}']);
    const result = await runBench({ suites: [loadSuite(file)], targets: ['scripted'], fallbackTargets: [], home, progressStream: null });
    expect(result.status).toBe('completed');
    const rubric = result.attempts.map((a) => a.scores.find((s) => s.scorer === 'rubric'));
    expect(rubric.map((s) => [s?.status, s?.value])).toEqual([
      ['scored', 0.75],
      ['scored', 0.75],
    ]);
    expect(rubric[0]!.details).toMatchObject({ judge: { model: `scripted:${join(file, '..', 'judge.jsonl')}`, calls: 1 } });
    expect(result.lock.judgePrompts.length).toBeGreaterThan(0);
  });

  it('skips judge scores with the reason when no judge is configured or its key is missing, and still scores the rest', async () => {
    for (const judgeLine of ['', 'judge: openai:gpt-4o-mini']) {
      const { home, file } = judgedSuite(judgeLine);
      const result = await runBench({ suites: [loadSuite(file)], targets: ['scripted'], fallbackTargets: [], home, progressStream: null, env: { PATH: process.env.PATH ?? '' } });
      expect(result.status).toBe('completed');
      const [q1, q2] = result.attempts;
      expect(q1!.scores.find((s) => s.scorer === 'answer_contains')).toMatchObject({ pass: true });
      expect(q2!.scores.find((s) => s.scorer === 'answer_contains')).toMatchObject({ pass: false });
      const rubric = q1!.scores.find((s) => s.scorer === 'rubric')!;
      expect(rubric).toMatchObject({ status: 'skipped', value: null, pass: null });
      expect(rubric.reason).toMatch(judgeLine ? /OPENAI_API_KEY/ : /no judge/i);
    }
  });
});
