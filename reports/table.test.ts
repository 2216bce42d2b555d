import { describe, expect, it } from 'vitest';
import type { ConfigReliability } from '../runners/judge-reliability.ts';
import { formatJudgeReliability } from './table.ts';

describe("the judge's reliability under the table", () => {
  it('gives self-consistency with its cost, position bias and the latest kappa, and why scores are advisory', () => {
    const report: ConfigReliability = {
      suite: 'safety',
      config: 'default',
      floors: { kappa: 0.6 },
      marked: 52,
      advisory: { 'rubric:safe': 'judge openai:gpt-4o-mini: no calibration on record for its prompt' },
      reliability: {
        judge: 'openai:gpt-4o-mini',
        selfConsistency: { sampled: 10, k: 3, seed: 0, compared: 30, agreed: 27, sameValue: 24, rate: 0.9, valueRate: 0.8, unusable: 0, byScorer: [], costUsd: 0.00123 },
        positionBias: { comparisons: 8, flipped: 1, rate: 0.125 },
        calibration: [{ scorer: 'rubric:safe', prompts: ['rubric.score'], latest: null }],
      },
    };
    expect(formatJudgeReliability([report])).toEqual([
      'judge openai:gpt-4o-mini on safety/default: self-consistency 0.900 (30 re-judgments, $0.0012); position bias 0.125 (1 of 8 flipped); no calibration for rubric:safe',
      '  rubric:safe is advisory on this run: judge openai:gpt-4o-mini: no calibration on record for its prompt',
    ]);
    // A configuration with no judge at all gets no line.
    expect(formatJudgeReliability([{ ...report, advisory: {}, reliability: { judge: null, selfConsistency: null, positionBias: null, calibration: [] } }])).toEqual([]);
  });
});
