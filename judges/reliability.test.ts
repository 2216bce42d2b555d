import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallCache } from '../agent/providers/cache.ts';
import type { Case } from '../datasets/case.ts';
import type { Score } from '../metrics/score.ts';
import { judgeForAttempt } from './access.ts';
import type { PreparedSuite } from '../runners/plan.ts';
import { Scheduler } from '../agent/providers/scheduler/scheduler.ts';
import { chatCount, json, judgeCase, judgeTrace, sentTo } from '../test/fakes/judge-fixtures.ts';
import { OpenAiFake, TEST_KEY } from '../test/fakes/openai-server.ts';
import { advisoryReasons, markAdvisory } from './advisory.ts';
import type { CalibrationRecord } from './calibration-store.ts';
import { pairwiseReference } from './pairwise.ts';
import { judgePromptHashes } from './prompts/index.ts';
import { measureJudgeReliability, positionBias, type JudgedAttempt, type JudgeReliability } from './reliability.ts';
import { resolveJudge } from './resolve.ts';
import { rubric } from './rubric.ts';
import { applyScoreUpdates, checkRunJudges } from '../runners/judge-reliability.ts';
import { faithfulness } from './faithfulness.ts';

const RUBRIC = { criteria: 'Correct.', steps: ['Check the answer.'] };
const graded = (score: number) => ({ text: json({ reasoning: `score ${score}`, score }) });
const hash = (name: string) => judgePromptHashes().find((h) => h.name === name)!.sha256;

function attempt(c: Case, scores: Score[], fields: Partial<JudgedAttempt> = {}): JudgedAttempt {
  return { caseId: c.id, target: 'scripted', repeat: 0, status: 'ok', trace: judgeTrace(), scores, ...fields };
}

describe('self-consistency', () => {
  let fake: OpenAiFake;
  let cache: CallCache;
  beforeEach(async () => {
    fake = await new OpenAiFake().start();
    cache = new CallCache(':memory:');
  });
  afterEach(async () => {
    cache.close();
    await fake.close();
  });

  const judge = () => resolveJudge('openai:gpt-4o-mini', { providerOptions: { baseUrl: `${fake.url}/v1`, apiKey: TEST_KEY, env: {}, retries: 0 } });

  it('re-judges each sampled attempt k times under fresh repeat indices (new draws, not cache hits) and counts the same pass/fail and the same value', async () => {
    const prepared = judge();
    const scheduler = new Scheduler();
    const caching = { cache, mode: 'on' as const };
    const scorer = rubric(RUBRIC);
    const cases = [judgeCase({ id: 'a' }), judgeCase({ id: 'b' })];
    const traces = [judgeTrace(), judgeTrace({ finalAnswer: 'Refunds take 14 days.' })];
    // The run: a graded 4 (0.75, pass), b graded 2 (0.25, fail).
    fake.say(graded(4), graded(2));
    const stored = [];
    for (const [i, c] of cases.entries()) {
      const score = await scorer.score({ case: c, trace: traces[i]!, judge: judgeForAttempt(prepared, c, 0, scheduler, caching) });
      stored.push(attempt(c, [score!], { trace: traces[i]! }));
    }
    expect(stored.map((a) => a.scores[0]!.value)).toEqual([0.75, 0.25]);
    // Re-judgments, a ×3 then b ×3: a 4, 4, 2 → same pass 2, same value 2; b 2, 3, 1 → 3 is 0.5, a pass: same pass 2, same value 1.
    fake.say(graded(4), graded(4), graded(2), graded(2), graded(3), graded(1));
    const input = { attempts: stored, cases, scorers: [scorer], judge: prepared, scheduler, caching, calibrations: [], sample: 10, k: 3, concurrency: 1 };
    const measured = await measureJudgeReliability(input);
    expect(measured.selfConsistency).toEqual({
      sampled: 2,
      k: 3,
      seed: 0,
      compared: 6,
      agreed: 4,
      sameValue: 3,
      rate: 4 / 6,
      valueRate: 3 / 6,
      unusable: 0,
      byScorer: [{ scorer: 'rubric', compared: 6, agreed: 4, sameValue: 3, rate: 4 / 6, valueRate: 3 / 6, unusable: 0 }],
      // Six re-judgments at the fake's 10 input and 5 output tokens, gpt-4o-mini's $0.15 / $0.60 per million.
      costUsd: expect.closeTo(6 * (10 * 0.15e-6 + 5 * 0.6e-6), 12),
    });
    // The same question as the run asked, sent again: only the repeat index (1000·i + r) keeps it from the cache.
    expect(chatCount(fake)).toBe(8);
    expect(sentTo(fake, 2).user).toBe(sentTo(fake, 0).user);
    // Measured again, every re-judgment is served from the cache, with the same figures.
    expect((await measureJudgeReliability(input)).selfConsistency).toEqual(measured.selfConsistency);
    expect(chatCount(fake)).toBe(8);
  });

  it('samples only ok attempts with a judge-based score, and counts re-judgments that could not be scored as unusable', async () => {
    const prepared = judge();
    const scorer = rubric(RUBRIC);
    const cases = ['a', 'b', 'c', 'd'].map((id) => judgeCase({ id }));
    const judged = (c: Case) => attempt(c, [{ scorer: 'rubric', value: 0.75, pass: true, status: 'scored', reason: '', details: { judge: { calls: 1 } } }]);
    const attempts = [
      judged(cases[0]!),
      judged(cases[1]!),
      // A skipped judge score, a score the judge had no say in, an errored attempt: nothing to re-judge.
      attempt(cases[2]!, [{ scorer: 'rubric', value: null, pass: null, status: 'skipped', reason: 'no judge' }]),
      attempt(cases[3]!, [{ scorer: 'rubric', value: 0, pass: false, status: 'scored', reason: 'no final answer' }]),
      judged(cases[0]!),
    ];
    attempts[4] = { ...attempts[4]!, status: 'error' };
    fake.say(graded(4), { text: 'not json' }, { text: 'not json' }, { text: 'not json' });
    const measured = await measureJudgeReliability({ attempts, cases, scorers: [scorer], judge: prepared, scheduler: new Scheduler(), calibrations: [], sample: 10, k: 1, concurrency: 1 });
    // a: graded 4 again (agrees); b: three unusable replies (a judge error, not compared).
    expect(measured.selfConsistency).toMatchObject({ sampled: 2, compared: 1, agreed: 1, unusable: 1, rate: 1 });
  });

  it('has nothing to measure without a judge or without judge-based scores', async () => {
    const c = judgeCase();
    const input = { attempts: [attempt(c, [])], cases: [c], scorers: [rubric(RUBRIC)], scheduler: new Scheduler(), calibrations: [] };
    expect(await measureJudgeReliability({ ...input, judge: resolveJudge(undefined) })).toEqual({ judge: null, selfConsistency: null, positionBias: null, calibration: [] });
    expect((await measureJudgeReliability({ ...input, judge: judge() })).selfConsistency).toBeNull();
  });
});

describe('position bias', () => {
  it('is the share of scored pairwise comparisons whose verdict flipped with the order', () => {
    const pair = (flipped: boolean, status: Score['status'] = 'scored'): Score => ({ scorer: 'pairwise_reference', value: 0.5, pass: true, status, reason: '', details: { flipped } });
    const attempts = [{ scores: [pair(true), pair(false)] }, { scores: [pair(false), pair(true, 'error')] }, { scores: [] }];
    expect(positionBias(attempts)).toEqual({ comparisons: 3, flipped: 1, rate: 1 / 3 });
    expect(positionBias([{ scores: [] }])).toBeNull();
  });
});

function calibration(fields: Partial<CalibrationRecord> = {}): CalibrationRecord {
  return {
    judge: 'openai:gpt-4o-mini',
    kind: 'pairwise',
    prompt: 'pairwise.compare',
    prompt_sha256: hash('pairwise.compare'),
    core_sha256: hash('judge.core'),
    data: 'natural.json',
    data_format: 'llmbar',
    data_sha256: 'd'.repeat(64),
    sample: null,
    n: 100,
    unusable: 0,
    agreement: 0.7,
    kappa: 0.41,
    spearman: 0.41,
    date: '2026-12-04T09:00:00.000Z',
    ...fields,
  };
}

describe('calibration and floors', () => {
  const reliability = (fields: Partial<JudgeReliability> = {}): JudgeReliability => ({
    judge: 'openai:gpt-4o-mini',
    selfConsistency: {
      sampled: 10, k: 3, seed: 0, compared: 60, agreed: 55, sameValue: 50, rate: 55 / 60, valueRate: 50 / 60, unusable: 0, costUsd: 0,
      byScorer: [
        { scorer: 'pairwise_reference', compared: 30, agreed: 29, sameValue: 29, rate: 29 / 30, valueRate: 29 / 30, unusable: 0 },
        { scorer: 'faithfulness', compared: 30, agreed: 26, sameValue: 21, rate: 26 / 30, valueRate: 21 / 30, unusable: 0 },
      ],
    },
    positionBias: null,
    calibration: [
      { scorer: 'pairwise_reference', prompts: ['pairwise.compare'], latest: calibration() },
      { scorer: 'faithfulness', prompts: ['claims.extract', 'claims.verify'], latest: null },
    ],
    ...fields,
  });

  it("finds each judge scorer's latest calibration for the judge model and one of its prompts", async () => {
    const c = judgeCase();
    const records = [calibration({ kappa: 0.7, date: '2026-12-01T00:00:00.000Z' }), calibration(), calibration({ judge: 'openai:gpt-4o', kappa: 0.9 })];
    const measured = await measureJudgeReliability({
      attempts: [],
      cases: [c],
      scorers: [pairwiseReference(), faithfulness()],
      judge: resolveJudge('openai:gpt-4o-mini', { keys: false }),
      scheduler: new Scheduler(),
      calibrations: records,
    });
    expect(measured.calibration).toEqual([
      { scorer: 'pairwise_reference', prompts: ['pairwise.compare'], latest: records[1] },
      { scorer: 'faithfulness', prompts: ['claims.extract', 'claims.verify'], latest: null },
    ]);
  });

  it("keeps another judge model's calibration of the prompt as the mismatch, never as the latest", async () => {
    const measured = await measureJudgeReliability({
      attempts: [],
      cases: [judgeCase()],
      scorers: [pairwiseReference()],
      judge: resolveJudge('openai:gpt-4o-mini', { keys: false }),
      scheduler: new Scheduler(),
      calibrations: [calibration({ judge: 'openai:gpt-4o', kappa: 0.9 })],
    });
    expect(measured.calibration).toEqual([{ scorer: 'pairwise_reference', prompts: ['pairwise.compare'], latest: null, mismatch: calibration({ judge: 'openai:gpt-4o', kappa: 0.9 }) }]);
    expect(advisoryReasons(measured, { kappa: 0.6 }).get('pairwise_reference')).toMatch(/^uncalibrated: .* is for judge openai:gpt-4o, not openai:gpt-4o-mini;/);
  });

  it('gives the reasons a scorer is advisory: κ below the floor, no calibration on record under a kappa floor, self-consistency below its floor', () => {
    const reasons = advisoryReasons(reliability(), { kappa: 0.6, self_consistency: 0.9 });
    expect(Object.fromEntries(reasons)).toEqual({
      pairwise_reference: 'judge openai:gpt-4o-mini κ 0.41 < 0.6 on llmbar natural.json (2026-12-04, n 100)',
      faithfulness:
        "no calibration on record for judge openai:gpt-4o-mini on faithfulness's prompts while the suite sets a kappa floor of 0.6: lunar judge calibrate measures pairwise.compare and hallucination.reference_free only, and faithfulness asks claims.extract and claims.verify; " +
        'judge openai:gpt-4o-mini self-consistency 0.87 < 0.9 on faithfulness (26 of 30 re-judgments gave the same pass/fail)',
    });
    // κ 0.41 clears a 0.4 floor and 29/30 clears 0.9: pairwise_reference is not advisory then.
    expect([...advisoryReasons(reliability(), { kappa: 0.4, self_consistency: 0.9 }).keys()]).toEqual(['faithfulness']);
    expect(advisoryReasons(reliability(), undefined).size).toBe(0);
    expect(advisoryReasons(reliability(), {}).size).toBe(0);
  });

  it('says how to calibrate a prompt the calibrate command can measure', () => {
    const none = reliability({ calibration: [{ scorer: 'pairwise_reference', prompts: ['pairwise.compare'], latest: null }] });
    expect(advisoryReasons(none, { kappa: 0.6 }).get('pairwise_reference')).toBe(
      "no calibration on record for judge openai:gpt-4o-mini on pairwise_reference's prompts while the suite sets a kappa floor of 0.6: run `lunar judge calibrate --judge openai:gpt-4o-mini --data <an LLMBar file>`",
    );
  });

  it('marks only the judge-based scores of an advisory scorer, with the reason', () => {
    const scores: Score[] = [
      { scorer: 'faithfulness', value: 0.5, pass: false, status: 'scored', reason: '1 of 2', details: { judge: { calls: 2 } } },
      { scorer: 'rubric', value: 0, pass: false, status: 'scored', reason: 'no final answer' },
      { scorer: 'answer_contains', value: 1, pass: true, status: 'scored', reason: 'contains all 1' },
    ];
    const { scores: out, marked } = markAdvisory(scores, new Map([['faithfulness', 'κ low'], ['rubric', 'κ low']]));
    expect(marked).toBe(1);
    expect(out[0]).toEqual({ ...scores[0], details: { judge: { calls: 2 }, advisory: true, advisory_reason: 'κ low' } });
    expect(out.slice(1)).toEqual(scores.slice(1));
  });
});

describe('checkRunJudges', () => {
  it("measures each configuration with judge scorers, marks its judge-based scores advisory under its floors, and gives the updates to write", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-rel-'));
    const script = join(dir, 'judge.jsonl');
    writeFileSync(script, `${JSON.stringify({ text: json({ reasoning: 'fine', score: 4 }) })}\n`);
    const judge = resolveJudge(`scripted:${script}`);
    const c = judgeCase({ id: 'q1' });
    const scorer = rubric(RUBRIC);
    const first = (await scorer.score({ case: c, trace: judgeTrace(), judge: judgeForAttempt(judge, c, 0, new Scheduler(), undefined) }))!;
    const row = { suite: 's', config: 'default', caseId: 'q1', category: 'rag', target: 'scripted', repeat: 0, status: 'ok' as const, trace: judgeTrace(), scores: [first] };
    const prepared = { suite: { name: 's' }, variant: { config: 'default' }, cases: [c], scorers: [scorer], judge } as unknown as PreparedSuite;
    const checked = await checkRunJudges({ prepared: [prepared], rows: [row], floorsOf: () => ({ kappa: 0.6, self_consistency: 0.9 }), scheduler: new Scheduler(), calibrations: [] });
    // A scripted judge replays its file from the start for every re-judgment: the same answer each time.
    expect(checked.reports[0]!.reliability.selfConsistency).toMatchObject({ sampled: 1, k: 3, compared: 3, agreed: 3, rate: 1 });
    const reason = `no calibration on record for judge scripted:${script} on rubric's prompts while the suite sets a kappa floor of 0.6: lunar judge calibrate measures pairwise.compare and hallucination.reference_free only, and rubric asks rubric.steps and rubric.score`;
    expect(checked.reports[0]).toMatchObject({ suite: 's', config: 'default', advisory: { rubric: reason }, marked: 1 });
    expect(checked.updates).toEqual([{ suite: 's', config: 'default', caseId: 'q1', target: 'scripted', repeat: 0, scorer: 'rubric', details: { ...first.details, advisory: true, advisory_reason: reason } }]);
    const [updated] = applyScoreUpdates([row], checked.updates);
    expect(updated!.scores[0]!.details).toMatchObject({ advisory: true, advisory_reason: reason });
    expect(row.scores[0]!.details).not.toHaveProperty('advisory');
  });
});
