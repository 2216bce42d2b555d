// How far a run's judge scores can be trusted, measured on the run itself:
//
// - self-consistency: a seeded sample of attempts re-judged k more times, each re-judgment under
//   a fresh repeat index (REJUDGE_OFFSET · i + the attempt's repeat) so the model-call cache
//   holds it as a new draw rather than serving the first answer again. The rate is the share of
//   re-judgments that give the same pass/fail as the stored score (what a gate reads); the share
//   with the same value is given beside it, for thresholds on means.
// - position bias: the share of pairwise comparisons whose verdict flipped when the answers
//   swapped places (comparePair records `flipped` in the score's details).
// - calibration: per judge scorer, the latest `lunar judge calibrate` record for the judge model
//   and one of the prompts the scorer asks.
//
// Only judge-based scores count: a judge scorer's score that the judge had a say in (its details
// carry the judge's usage). A rubric's 0 for a missing answer, or rag_attribution's label from
// deterministic signals, involve no judge and are neither re-judged nor marked advisory.

import type { Trace } from '../agent/trace.ts';
import type { Case } from '../datasets/case.ts';
import type { Score, Scorer } from '../metrics/score.ts';
import type { Caching } from '../agent/providers/model-path.ts';
import { judgeForAttempt } from './access.ts';
import { runPool } from '../core/pool.ts';
import type { Scheduler } from '../agent/providers/scheduler/scheduler.ts';
import { latestCalibration, type CalibrationRecord } from './calibration-store.ts';
import { judgePromptHashes } from './prompts/index.ts';
import type { PreparedJudge } from './resolve.ts';
import { seededSample } from './sample.ts';
import { judgeCost } from './usage.ts';

/** Re-judgment i of an attempt with repeat r runs under repeat REJUDGE_OFFSET · i + r (runs repeat fewer than 1000 times). */
export const REJUDGE_OFFSET = 1000;

/** The prompts each judge scorer asks: a calibration of any of them speaks for the scorer. */
export const SCORER_PROMPTS: Readonly<Record<string, readonly string[]>> = {
  rubric: ['rubric.steps', 'rubric.score'],
  faithfulness: ['claims.extract', 'claims.verify'],
  hallucination: ['claims.extract', 'claims.verify'],
  rag_attribution: ['claims.extract', 'claims.verify'],
  answer_relevancy: ['answer_relevancy.questions', 'answer_relevancy.rate'],
  context_precision: ['context_precision.chunk'],
  context_recall: ['context_recall.attribute'],
  pairwise_reference: ['pairwise.compare'],
};

/** One finished attempt as the run stored it, with its trace. */
export interface JudgedAttempt {
  caseId: string;
  target: string;
  repeat: number;
  status: 'ok' | 'error';
  trace: Trace;
  scores: readonly Score[];
}

export interface ReliabilityInput {
  attempts: readonly JudgedAttempt[];
  cases: readonly Case[];
  /** The configuration's scorers; the judge scorers among them are re-run. */
  scorers: readonly Scorer[];
  judge: PreparedJudge;
  scheduler: Scheduler;
  caching?: Caching;
  calibrations: readonly CalibrationRecord[];
  /** Attempts re-judged (default 10), times each (default 3), the sample's seed (default 0). */
  sample?: number;
  k?: number;
  seed?: number;
  /** Re-judgments in flight (default 4). */
  concurrency?: number;
}

export interface Consistency {
  /** Re-judgments compared with the stored score, and of those the same pass/fail, and the same value. */
  compared: number;
  agreed: number;
  sameValue: number;
  /** agreed / compared; null when nothing was compared. */
  rate: number | null;
  valueRate: number | null;
  /** Re-judgments that came back skipped or errored: not compared. */
  unusable: number;
}

export interface SelfConsistency extends Consistency {
  /** Attempts re-judged, and times each. */
  sampled: number;
  k: number;
  seed: number;
  byScorer: (Consistency & { scorer: string })[];
  /** What the re-judging cost: judge calls made after the run, in no attempt's cost. */
  costUsd: number;
}

export interface PositionBias {
  comparisons: number;
  flipped: number;
  rate: number;
}

export interface ScorerCalibration {
  scorer: string;
  prompts: readonly string[];
  latest: CalibrationRecord | null;
  /**
   * With no calibration for this judge and these prompts as they are now: the latest record of one
   * of the prompts for another judge model or another prompt text. It does not speak for this
   * judge; it says why the scores are uncalibrated.
   */
  mismatch?: CalibrationRecord;
}

export interface JudgeReliability {
  judge: string | null;
  /** null when no attempt has a judge-based score to re-judge. */
  selfConsistency: SelfConsistency | null;
  /** null when the run made no pairwise comparison. */
  positionBias: PositionBias | null;
  calibration: ScorerCalibration[];
}

/** A judge scorer's score the judge had a say in. */
export function isJudgeBased(score: Score, judgeScorers: ReadonlySet<string>): boolean {
  const judge = score.details?.judge;
  return score.status === 'scored' && judgeScorers.has(score.scorer) && typeof judge === 'object' && judge !== null;
}

export async function measureJudgeReliability(input: ReliabilityInput): Promise<JudgeReliability> {
  const judgeScorers = input.scorers.filter((s) => s.kind === 'judge');
  const names = new Set(judgeScorers.map((s) => s.name));
  return {
    judge: input.judge.id ?? null,
    selfConsistency: await selfConsistency(input, judgeScorers, names),
    positionBias: positionBias(input.attempts),
    calibration: input.judge.available ? calibrationOf(judgeScorers, input.judge.id, input.calibrations) : [],
  };
}

async function selfConsistency(input: ReliabilityInput, judgeScorers: readonly Scorer[], names: ReadonlySet<string>): Promise<SelfConsistency | null> {
  const { judge } = input;
  if (!judge.available) return null;
  const eligible = input.attempts.filter((a) => a.status === 'ok' && a.scores.some((s) => isJudgeBased(s, names)));
  if (eligible.length === 0) return null;
  const k = input.k ?? 3;
  const seed = input.seed ?? 0;
  const sampled = seededSample(eligible.length, input.sample ?? 10, seed).map((i) => eligible[i]!);
  const cases = new Map(input.cases.map((c) => [c.id, c]));
  const tasks = sampled.flatMap((attempt) => Array.from({ length: k }, (_, i) => ({ attempt, i: i + 1 })));
  const tallies = new Map(judgeScorers.map((s) => [s.name, emptyTally()]));
  let costUsd = 0;
  await runPool(tasks, input.concurrency ?? 4, async ({ attempt, i }) => {
    const c = cases.get(attempt.caseId);
    if (!c) throw new Error(`self-consistency: attempt of case ${attempt.caseId}, which the configuration does not hold`);
    // One judge model per re-judgment, as per attempt in the run: scorers asking the same question share its answer.
    const access = judgeForAttempt(judge, c, REJUDGE_OFFSET * i + attempt.repeat, input.scheduler, input.caching);
    for (const scorer of judgeScorers) {
      const first = attempt.scores.find((s) => s.scorer === scorer.name);
      if (!first || !isJudgeBased(first, names)) continue;
      const again = await scorer.score({ case: c, trace: attempt.trace, judge: access });
      if (again) costUsd += judgeCost([again]);
      tally(tallies.get(scorer.name)!, first, again);
    }
  });
  const byScorer = [...tallies].filter(([, t]) => t.compared + t.unusable > 0).map(([scorer, t]) => ({ scorer, ...consistency(t) }));
  const total = byScorer.reduce((sum, t) => ({ compared: sum.compared + t.compared, agreed: sum.agreed + t.agreed, sameValue: sum.sameValue + t.sameValue, unusable: sum.unusable + t.unusable }), emptyTally());
  return { sampled: sampled.length, k, seed, ...consistency(total), byScorer, costUsd };
}

type Tally = Pick<Consistency, 'compared' | 'agreed' | 'sameValue' | 'unusable'>;

function emptyTally(): Tally {
  return { compared: 0, agreed: 0, sameValue: 0, unusable: 0 };
}

function tally(t: Tally, first: Score, again: Score | null): void {
  if (!again || again.status !== 'scored') {
    t.unusable++;
    return;
  }
  t.compared++;
  if (again.pass === first.pass) t.agreed++;
  if (again.value === first.value) t.sameValue++;
}

function consistency(t: Tally): Consistency {
  return { ...t, rate: t.compared ? t.agreed / t.compared : null, valueRate: t.compared ? t.sameValue / t.compared : null };
}

/** Pairwise comparisons among the scores (details.flipped), and how many flipped with the order. */
export function positionBias(attempts: readonly Pick<JudgedAttempt, 'scores'>[]): PositionBias | null {
  let comparisons = 0;
  let flipped = 0;
  for (const a of attempts) {
    for (const s of a.scores) {
      if (s.status !== 'scored' || typeof s.details?.flipped !== 'boolean') continue;
      comparisons++;
      if (s.details.flipped) flipped++;
    }
  }
  return comparisons ? { comparisons, flipped, rate: flipped / comparisons } : null;
}

function calibrationOf(judgeScorers: readonly Scorer[], judge: string, records: readonly CalibrationRecord[]): ScorerCalibration[] {
  const hashes = new Map(judgePromptHashes().map((h) => [h.name, h.sha256]));
  return judgeScorers.map((scorer) => {
    // A named rubric (`rubric:tone`) asks the rubric's prompts.
    const prompts = SCORER_PROMPTS[scorer.name.split(':')[0]!] ?? [];
    const latest = latestCalibration(records, { judge, promptSha256: prompts.map((p) => hashes.get(p)!), coreSha256: hashes.get('judge.core')! });
    if (latest) return { scorer: scorer.name, prompts, latest };
    const others = records.filter((r) => prompts.includes(r.prompt)).sort((x, y) => Date.parse(x.date) - Date.parse(y.date));
    const mismatch = others.at(-1);
    return { scorer: scorer.name, prompts, latest: null, ...(mismatch ? { mismatch } : {}) };
  });
}
