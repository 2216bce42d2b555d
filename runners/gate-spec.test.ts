import { describe, expect, it } from 'vitest';
import { Gates, holds, parseThreshold } from './gate-spec.ts';

function error(text: string): string {
  const parsed = parseThreshold(text);
  if (parsed.ok) throw new Error(`"${text}" parsed`);
  return parsed.error;
}

describe('parseThreshold', () => {
  it('reads scorer statistics, the pass rate, latency percentiles, errors and cost', () => {
    expect(parseThreshold('tool_name_match.mean >= 0.85')).toEqual({
      ok: true,
      threshold: { text: 'tool_name_match.mean >= 0.85', measure: { kind: 'scorer', scorer: 'tool_name_match', statistic: 'mean' }, op: '>=', value: 0.85, limit: '0.85' },
    });
    expect(parseThreshold('  latency.p95<=4000 ')).toMatchObject({ ok: true, threshold: { text: 'latency.p95 <= 4000', measure: { kind: 'latency', quantile: 'p95' }, op: '<=', value: 4000 } });
    expect(parseThreshold('pass_rate > 0.5')).toMatchObject({ ok: true, threshold: { measure: { kind: 'pass_rate' }, op: '>', value: 0.5 } });
    expect(parseThreshold('answer_contains.pass_rate >= 1')).toMatchObject({ ok: true, threshold: { measure: { kind: 'scorer', scorer: 'answer_contains', statistic: 'pass_rate' } } });
    expect(parseThreshold('errors < 1')).toMatchObject({ ok: true, threshold: { measure: { kind: 'errors' }, op: '<', value: 1 } });
    expect(parseThreshold('rubric:no-leak.pass_rate >= 0.9')).toMatchObject({ ok: true, threshold: { measure: { kind: 'scorer', scorer: 'rubric:no-leak', statistic: 'pass_rate' } } });
    expect(parseThreshold('cost_usd <= 0.50')).toMatchObject({ ok: true, threshold: { measure: { kind: 'cost_usd' }, value: 0.5, limit: '0.50' } });
  });

  it('says what is wrong with a check that does not parse', () => {
    expect(error('tool_name_match.mean => 0.85')).toBe('unknown comparison "=>": use >=, >, <= or <');
    expect(error('pass_rate == 0.5')).toBe('unknown comparison "==": use >=, >, <= or <');
    expect(error('pass_rate >== 0.5')).toBe('unknown comparison ">==": use >=, >, <= or <');
    expect(error('tool_name_match.mean 0.85')).toBe('no comparison: write measure, then >=, >, <= or <, then a number');
    expect(error('>= 0.85')).toBe('nothing before ">=": name a measure, e.g. answer_contains.mean');
    expect(error('tool_name_match.median >= 0.5')).toBe("tool_name_match.median: a scorer's statistic is mean or pass_rate");
    expect(error('tool_name_match >= 0.5')).toBe('"tool_name_match" needs a statistic: tool_name_match.mean or tool_name_match.pass_rate');
    expect(error('latency.p90 <= 100')).toBe('latency.p90: latency has p50, p95 and p99');
    expect(error('latency <= 100')).toBe('latency needs a percentile: latency.p50, latency.p95 or latency.p99');
    expect(error('Tool.Mean >= 0.5')).toMatch(/^"Tool.Mean" is not a measure/);
    expect(error('a.b.c >= 0.5')).toMatch(/^"a.b.c" is not a measure/);
    expect(error('pass_rate >= 50')).toBe('pass_rate is between 0 and 1; 50 is not (a rate is a fraction: 85% is 0.85)');
    expect(error('pass_rate >= 1e-1')).toBe('"1e-1" is not a plain number (write e.g. 0.85 or 4000)');
    expect(error('pass_rate >= 0.5 and errors < 1')).toBe('"0.5 and errors < 1" is not a plain number (write e.g. 0.85 or 4000)');
    expect(error('latency.p95 <= -1')).toBe('latency.p95 is never negative; -1 cannot be a limit');
    expect(error('pass_rate >=')).toBe('no number after ">="');
    expect(error('   ')).toBe('empty check: write e.g. "tool_name_match.mean >= 0.85"');
  });
});

describe('holds', () => {
  it('compares with each operator, limits included only by >= and <=', () => {
    expect([holds(0.85, '>=', 0.85), holds(0.85, '>', 0.85), holds(0.85, '<=', 0.85), holds(0.85, '<', 0.85)]).toEqual([true, false, true, false]);
  });
});

describe('Gates', () => {
  it('takes thresholds and a reference with the default tolerance of 0.02', () => {
    expect(Gates.parse({ thresholds: ['pass_rate >= 0.5'], reference: { path: '../ci/reference.json' } })).toEqual({
      thresholds: ['pass_rate >= 0.5'],
      reference: { path: '../ci/reference.json', tolerance: 0.02 },
    });
  });

  it('reads baseline:, the old name of reference:, as reference, and refuses both at once', () => {
    expect(Gates.parse({ baseline: { path: 'old.json', tolerance: 0.05 } })).toEqual({ reference: { path: 'old.json', tolerance: 0.05 } });
    const both = Gates.safeParse({ reference: { path: 'a.json' }, baseline: { path: 'b.json' } });
    expect(both.success).toBe(false);
    expect(both.error!.issues[0]!.message).toBe('give reference: or its old name baseline:, not both');
  });

  it('refuses a bad expression with the expression quoted, at its index, and an unknown key', () => {
    const bad = Gates.safeParse({ thresholds: ['pass_rate >= 0.5', 'mrr.mean >= 2'] });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]).toMatchObject({ path: ['thresholds', 1], message: '"mrr.mean >= 2": mrr.mean is between 0 and 1; 2 is not (a rate is a fraction: 85% is 0.85)' });
    expect(Gates.safeParse({ threshold: [] }).success).toBe(false);
  });
});
