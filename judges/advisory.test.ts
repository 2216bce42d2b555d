import { describe, expect, it } from 'vitest';
import { advisoryReasons } from './advisory.ts';
import { CalibrationRecord } from './calibration-store.ts';
import type { JudgeReliability, ScorerCalibration } from './reliability.ts';

const HEX = 'a'.repeat(64);
const record = (over: Partial<CalibrationRecord> = {}): CalibrationRecord =>
  CalibrationRecord.parse({
    judge: 'openai:gpt-4o-mini',
    kind: 'pairwise',
    prompt: 'pairwise.compare',
    prompt_sha256: HEX,
    core_sha256: HEX,
    data: 'natural.json',
    data_format: 'llmbar',
    data_sha256: HEX,
    sample: null,
    n: 100,
    unusable: 0,
    agreement: 0.8,
    kappa: 0.7,
    spearman: 0.7,
    date: '2026-12-04T10:00:00.000Z',
    ...over,
  });
const interval = (low: number | null, high: number | null) => ({ low, high, level: 0.95, resamples: 10_000, undefined_resamples: 0, seed: 0 });

function reliability(entry: Omit<ScorerCalibration, 'scorer' | 'prompts'>): JudgeReliability {
  return { judge: 'openai:gpt-4o-mini', selfConsistency: null, positionBias: null, calibration: [{ scorer: 'pairwise_reference', prompts: ['pairwise.compare'], ...entry }] };
}

describe('judge floors on the interval of kappa', () => {
  it('gates a judge only while the lower bound of its κ interval is above the floor', () => {
    // κ 0.70 clears a 0.6 floor as a point; its interval [0.55, 0.83] does not.
    const wide = reliability({ latest: record({ kappa_interval: interval(0.55, 0.83) }) });
    expect(advisoryReasons(wide, { kappa: 0.6 }).get('pairwise_reference')).toBe(
      'judge openai:gpt-4o-mini κ 0.70, 95% CI [0.55, 0.83]: the lower bound is not above 0.6 on llmbar natural.json (2026-12-04, n 100)',
    );
    expect(advisoryReasons(wide, { kappa: 0.5 }).size).toBe(0);
    // A lower bound equal to the floor is not above it.
    expect(advisoryReasons(wide, { kappa: 0.55 }).size).toBe(1);
    const undefinedEverywhere = reliability({ latest: record({ kappa_interval: interval(null, null) }) });
    expect(advisoryReasons(undefinedEverywhere, { kappa: 0.1 }).get('pairwise_reference')).toMatch(/has no interval/);
  });

  it('keeps the point rule for a record made before intervals were recorded', () => {
    const old = reliability({ latest: record() });
    expect(advisoryReasons(old, { kappa: 0.6 }).size).toBe(0);
    expect(advisoryReasons(old, { kappa: 0.75 }).get('pairwise_reference')).toBe('judge openai:gpt-4o-mini κ 0.70 < 0.75 on llmbar natural.json (2026-12-04, n 100)');
  });

  it('marks scores uncalibrated when the record on file is for another judge model or another prompt text', () => {
    const otherJudge = reliability({ latest: null, mismatch: record({ judge: 'openai:gpt-4o' }) });
    expect(advisoryReasons(otherJudge, { kappa: 0.6 }).get('pairwise_reference')).toBe(
      'uncalibrated: the calibration on record for pairwise.compare (2026-12-04) is for judge openai:gpt-4o, not openai:gpt-4o-mini; the suite sets a kappa floor of 0.6: calibrate again with lunar judge calibrate --judge openai:gpt-4o-mini',
    );
    const otherPrompt = reliability({ latest: null, mismatch: record({ prompt_sha256: 'b'.repeat(64) }) });
    expect(advisoryReasons(otherPrompt, { kappa: 0.6 }).get('pairwise_reference')).toMatch(/^uncalibrated: .* is for another text of the prompt/);
  });
});
