import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { traceOf } from '../../metrics/test-fixtures.ts';
import { caseIds, passFail, skippedScore, storeRun } from '../../runners/compare-fixtures.ts';
import { loadComparison, type JudgedPreference, type LoadedComparison } from '../compare/compare.ts';
import { ResultsStore } from '../../runners/store.ts';
import { XSS, XSS_CASE } from '../test-fixtures.ts';
import { pageScriptPath } from './assets.ts';
import { answerOf, BASE, CANDIDATE, ERROR_A, writeComparedRuns } from './compare-fixtures.ts';
import type { ComparePageData } from './compare-model.ts';
import { renderComparisonHtml } from './compare-report.ts';
import { comparePaired, observe } from '../../metrics/paired-cases.ts';
import { pValue } from '../compare/text.ts';

function fixture(): LoadedComparison {
  const store = new ResultsStore(':memory:');
  writeComparedRuns(store);
  const comparison = loadComparison(store, BASE.run, CANDIDATE.run);
  store.close();
  return comparison;
}

/**
 * runners/compare.test.ts's constructed pair: the base passes c01–c08, the candidate c02–c19 of
 * twenty cases: +0.5 with 95% CI [0.25, 0.75] and McNemar p = 26/4096 = 0.006348, worked out there.
 */
function knownDifference(): LoadedComparison {
  const store = new ResultsStore(':memory:');
  const specs = (passes: Set<string>) => caseIds(20).map((caseId) => ({ caseId, scores: [passFail('answer_contains', passes.has(caseId)), skippedScore('rubric')] }));
  storeRun(store, 'base-run', 'ollama:qwen2.5:7b', specs(new Set(caseIds(8))));
  storeRun(store, 'cand-run', 'openai:qwen-ft', specs(new Set(caseIds(18, 2))), { startedAt: new Date('2026-01-02T00:00:00Z') });
  // A suite only the base ran: a group with no partner.
  store.add({ runId: 'base-run', suite: 'elsewhere', config: 'default', caseId: 'c01', category: 'general', target: 'ollama:qwen2.5:7b', repeat: 0, status: 'ok', trace: traceOf('x'), scores: [passFail('answer_contains', true)] });
  store.flush();
  const comparison = loadComparison(store, 'base-run', 'cand-run');
  store.close();
  return comparison;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const text = (html: string) => html.replace(/<[^>]*>/g, '').replace(/&(amp|lt|gt|quot|#39);/g, (m) => ENTITIES[m]!).trim();

/** The text of each cell of a verdict row. */
function verdictRow(html: string, measure: string): string[] {
  const row = new RegExp(`<tr class="measure" data-measure="${measure}">([\\s\\S]*?)</tr>`).exec(html);
  if (!row) throw new Error(`no verdict row for ${measure}`);
  return [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => text(m[1]!));
}

function scripts(page: string): { attrs: string; text: string }[] {
  return [...page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attrs: m[1]!, text: m[2]! }));
}

describe('renderComparisonHtml', () => {
  const html = renderComparisonHtml(fixture());

  it('holds no payload from an answer, an error, a reason, a case id or a category as markup', () => {
    for (const payload of Object.values(XSS)) expect(html).not.toContain(payload);
    expect(scripts(html).map((s) => s.attrs)).toEqual([' type="application/json" id="lunar-compare-data"', '', '']);
  });

  it('embeds the data as one JSON block that reads back the same strings', () => {
    const block = scripts(html)[0]!.text;
    expect(block).not.toMatch(/[<>]/);
    const data = JSON.parse(block) as ComparePageData;
    expect(data.rows[0]!.answers).toEqual([answerOf('A', 'k01'), answerOf('B', 'k01')]);
    expect(data.rows[6]!.errors[0]).toBe(ERROR_A);
    expect(data.rows[8]!.id).toBe(XSS_CASE);
  });

  it('lets the Content-Security-Policy run exactly Chart.js and the comparison script, and nothing from the network', () => {
    const [, chart, client] = scripts(html);
    const hash = (t: string) => `'sha256-${createHash('sha256').update(t, 'utf8').digest('base64')}'`;
    expect(client!.text).toBe(readFileSync(pageScriptPath('compare-client.js'), 'utf8'));
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)![1]!.replace(/&#39;/g, "'");
    expect(csp).toBe(`default-src 'none'; script-src ${hash(chart!.text)} ${hash(client!.text)}; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`);
  });

  it("prints each measure's verdict, wins/losses/ties, means, difference and McNemar p as worked out by hand", () => {
    // answer_contains: differences +1 ×3, −1 ×1, 0 ×4. A resample of 8 has no +1 with probability
    // (5/8)^8 = 0.023, one +1 and at least one −1 with 8 · 3/8 · ((5/8)^7 − (4/8)^7) = 0.089: its
    // mean is ≤ 0 with probability above 0.025, so the interval holds 0 — no significant difference.
    const ac = verdictRow(html, 'answer_contains');
    expect(ac.slice(0, 7)).toEqual(['answer_contains', 'no significant difference', '8', '3 / 1 / 4', '0.500', '0.750', '+0.250']);
    expect(ac.slice(8)).toEqual(['44.4%', '77.8%', '0.375', 'not compared: 1 errored in A']);
    const rubric = verdictRow(html, 'rubric');
    // 3.75/7 and 4.5/7; pass/fail 8 pairs: only A k04, only B k02 and k07: p = 2 · 4/8 = 1.
    expect(rubric.slice(0, 7)).toEqual(['rubric', 'no significant difference', '7', '4 / 1 / 2', '0.536', '0.643', '+0.107']);
    expect(rubric.slice(8)).toEqual(['62.5%', '75.0%', '1', 'not compared: 1 skipped in A, 1 skipped in B, 1 errored in A']);
    const whole = verdictRow(html, 'whole attempt');
    expect(whole.slice(0, 7)).toEqual(['whole attempt (pass rate)', 'no significant difference', '9', '4 / 1 / 4', '-', '-', '+33.3 pts']);
    expect(whole.slice(8, 11)).toEqual(['44.4%', '77.8%', '0.375']);
  });

  it('calls the known difference "candidate better" with its interval, and lists unpaired cases and groups', () => {
    const page = renderComparisonHtml(knownDifference());
    expect(verdictRow(page, 'answer_contains').slice(0, 11)).toEqual(['answer_contains', 'candidate better', '20', '11 / 1 / 8', '0.400', '0.900', '+0.500', '[+0.250, +0.750]', '40.0%', '90.0%', '0.006348']);
    expect(verdictRow(page, 'rubric').slice(0, 3)).toEqual(['rubric', 'not compared', '0']);
    expect(text(/<ul>([\s\S]*?)<\/ul>/.exec(page)![1]!)).toBe('elsewhere · ollama:qwen2.5:7b: 1 attempts only in run base-run');
    expect(html).not.toContain('id="unpaired-groups"');

    expect(text(/<div class="unpaired unpaired-a">([\s\S]*?)<\/div>/.exec(html)![1]!)).toBe('1 case(s) only in A (base), not compared: k10');
    expect(text(/<div class="unpaired unpaired-b">([\s\S]*?)<\/div>/.exec(html)![1]!)).toBe('1 case(s) only in B (candidate), not compared: k11');
  });

  it("shows the pairwise judge's preference rate when a judge was asked", () => {
    const comparison = fixture();
    const preference: JudgedPreference = {
      judge: `scripted:${XSS.svg}`,
      asked: 9,
      judged: 8,
      winsA: 1,
      winsB: 5,
      ties: 2,
      flips: 1,
      preferenceB: 6 / 8,
      signTestP: 0.21875,
      notJudged: { noAnswer: 1, skipped: 0, error: 0 },
      usage: { model: 'scripted', calls: 16, cached_calls: 0, reused: 0, cost_usd: 0, input_tokens: 0, output_tokens: 0 },
    };
    comparison.report.groups[0]!.preference = preference;
    const page = renderComparisonHtml(comparison);
    const judge = text(/<div class="judge">([\s\S]*?)<\/div>\n<div class="charts">/.exec(page)![1]!).replace(/\s+/g, ' ');
    expect(judge).toContain(`Pairwise judge scripted:${XSS.svg}: the candidate's preference rate is 75.0% (ties count half) over 8 pairs judged of 9: B preferred on 5, A on 1, ties 2 (1 of them position flips: the two orders disagreed); sign test p = 0.2188.`);
    expect(judge).toContain('not judged: 1 without a final answer');
    expect(page).not.toContain(XSS.svg);
  });

  // ci/cluster-gate.test.ts's pair: 10 cases × 3 repeats, the candidate breaks c01 and c02 in every
  // repeat. McNemar over 30 attempt pairs: 6 lost, 0 gained, p = 2/2⁶ = 0.03125 ("significant");
  // over cases, a resample misses both broken cases with chance 0.8¹⁰ = 0.107: p ≈ 0.21.
  it('shows cases × repeats and the cluster bootstrap over cases when the runs have repeats', () => {
    const store = new ResultsStore(':memory:');
    const broken = new Set(['c01', 'c02']);
    const specs = (passes: (id: string) => boolean) => caseIds(10).flatMap((caseId) => [0, 1, 2].map((repeat) => ({ caseId, repeat, scores: [passFail('exact', passes(caseId))] })));
    storeRun(store, 'ref', 'baseline', specs(() => true));
    storeRun(store, 'now', 'baseline', specs((id) => !broken.has(id)), { startedAt: new Date('2026-02-01T00:00:00Z') });
    const comparison = loadComparison(store, 'ref', 'now');
    const cluster = comparePaired(comparison.attemptsA.map(observe), comparison.attemptsB.map(observe)).outcome.cluster!;
    store.close();
    const page = renderComparisonHtml(comparison);
    expect(text(/<p class="muted group-size">([\s\S]*?)<\/p>/.exec(page)![1]!)).toBe(
      '10 cases × 3 repeats (30 attempt pairs; A 30, B 30 attempts). With repeats the case is the unit: the figures marked * are a cluster bootstrap over the 10 cases, not 30 independent draws.',
    );
    const whole = verdictRow(page, 'whole attempt');
    const ci = `[${(cluster.low * 100).toFixed(1)}, ${cluster.high === 0 ? '0.0' : `+${(cluster.high * 100).toFixed(1)}`}]`;
    expect(whole.slice(0, 11)).toEqual(['whole attempt (pass rate, by case)', 'no significant difference', '10', '0 / 6 / 24', '-', '-', '-20.0 pts', ci, '100.0%', '80.0%', `${pValue(cluster.pValue)}*`]);
    expect(cluster.pValue).toBeGreaterThan(0.17);
    expect(whole[11]).toBe('* cluster bootstrap over 10 cases (A 30, B 30 verdicts; 10,000 resamples, seed 0); McNemar over the 30 attempt pairs, taken as independent, would give p = 0.03125');
    // The scorer's p is the cluster one too, marked.
    expect(verdictRow(page, 'exact')[10]).toBe(`${pValue(cluster.pValue)}*`);
  });
});
