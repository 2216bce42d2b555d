// What falls below a suite's floors for its judge (`judge_floors:`, judges/floors.ts): a judge
// scorer whose calibration kappa or self-consistency is under the floor — or has no calibration
// on record while a kappa floor is set — has its judge-based scores marked `details.advisory`
// with the reason. The gate (ci/) reports an advisory failure but does not fail on it. A record
// with kappa's bootstrap interval passes the floor only while the interval's lower bound is above
// it; a calibration of another judge model or another prompt text leaves the scores uncalibrated.

import type { Score } from '../metrics/score.ts';
import type { JudgeFloors } from './floors.ts';
import { isJudgeBased, type JudgeReliability, type ScorerCalibration, type SelfConsistency } from './reliability.ts';

/** The prompts `lunar judge calibrate` measures, with the data that measures them. */
const CALIBRATABLE: Readonly<Record<string, string>> = { 'pairwise.compare': 'an LLMBar file', 'hallucination.reference_free': 'a HaluEval file' };

/** Why each judge scorer's scores are advisory under these floors; a scorer above every floor is absent. */
export function advisoryReasons(reliability: JudgeReliability, floors: JudgeFloors | undefined): Map<string, string> {
  const reasons = new Map<string, string>();
  if (!floors || reliability.judge === null) return reasons;
  const judge = reliability.judge;
  for (const entry of reliability.calibration) {
    const why = [
      floors.kappa === undefined ? undefined : kappaShortfall(judge, entry, floors.kappa),
      floors.self_consistency === undefined ? undefined : consistencyShortfall(judge, entry.scorer, reliability.selfConsistency, floors.self_consistency),
    ].filter((w): w is string => w !== undefined);
    if (why.length) reasons.set(entry.scorer, why.join('; '));
  }
  return reasons;
}

function kappaShortfall(judge: string, entry: ScorerCalibration, floor: number): string | undefined {
  const record = entry.latest;
  if (!record && entry.mismatch) {
    const m = entry.mismatch;
    const what = m.judge !== judge ? `judge ${m.judge}, not ${judge}` : 'another text of the prompt (its sha256 or the shared judge texts changed since)';
    return `uncalibrated: the calibration on record for ${m.prompt} (${m.date.slice(0, 10)}) is for ${what}; the suite sets a kappa floor of ${floor}: calibrate again with lunar judge calibrate --judge ${judge}`;
  }
  if (!record) {
    const measurable = entry.prompts.find((p) => CALIBRATABLE[p]);
    const how = measurable
      ? `run \`lunar judge calibrate --judge ${judge} --data <${CALIBRATABLE[measurable]}>\``
      : `lunar judge calibrate measures ${Object.keys(CALIBRATABLE).join(' and ')} only, and ${entry.scorer} asks ${entry.prompts.join(' and ') || 'no known prompt'}`;
    return `no calibration on record for judge ${judge} on ${entry.scorer}'s prompts while the suite sets a kappa floor of ${floor}: ${how}`;
  }
  const on = `on ${record.data_format} ${record.data} (${record.date.slice(0, 10)}, n ${record.n})`;
  if (record.kappa === null) return `judge ${judge} κ undefined ${on}; the floor is ${floor}`;
  const interval = record.kappa_interval;
  // A kappa from 100 rows is rough: the judge gates only while even the interval's lower bound clears the floor.
  if (interval) {
    const ci = `${Math.round(interval.level * 100)}% CI [${interval.low?.toFixed(2) ?? '-'}, ${interval.high?.toFixed(2) ?? '-'}]`;
    if (interval.low === null) return `judge ${judge} κ ${record.kappa.toFixed(2)} has no interval (undefined on every resample) ${on}; the floor is ${floor}`;
    return interval.low <= floor ? `judge ${judge} κ ${record.kappa.toFixed(2)}, ${ci}: the lower bound is not above ${floor} ${on}` : undefined;
  }
  return record.kappa < floor ? `judge ${judge} κ ${record.kappa.toFixed(2)} < ${floor} ${on}` : undefined;
}

function consistencyShortfall(judge: string, scorer: string, measured: SelfConsistency | null, floor: number): string | undefined {
  const mine = measured?.byScorer.find((t) => t.scorer === scorer);
  if (!mine) return `judge ${judge} self-consistency on ${scorer} was not measured (no sampled attempt had a judge-based ${scorer} score); the floor is ${floor}`;
  if (mine.rate === null) return `judge ${judge} self-consistency on ${scorer} could not be measured (all ${mine.unusable} re-judgments came back skipped or errored); the floor is ${floor}`;
  return mine.rate < floor ? `judge ${judge} self-consistency ${mine.rate.toFixed(2)} < ${floor} on ${scorer} (${mine.agreed} of ${mine.compared} re-judgments gave the same pass/fail)` : undefined;
}

/**
 * The scores with each judge-based score of a scorer in `reasons` marked advisory: details.advisory
 * true and details.advisory_reason. Scores the judge had no say in stay as they are.
 */
export function markAdvisory(scores: readonly Score[], reasons: ReadonlyMap<string, string>): { scores: Score[]; marked: number } {
  let marked = 0;
  const judgeScorers = new Set(reasons.keys());
  const out = scores.map((s) => {
    if (!isJudgeBased(s, judgeScorers)) return s;
    marked++;
    return { ...s, details: { ...s.details, advisory: true, advisory_reason: reasons.get(s.scorer)! } };
  });
  return { scores: out, marked };
}
