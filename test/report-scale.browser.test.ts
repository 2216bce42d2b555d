// The report of a run the size of a real one, in headless Chromium: three suites × two targets
// with case ids numbered c1…c30. Charts per suite (never one across suites), categories as
// horizontal bars sorted with "n/a" apart from 0%, latency on a log axis (asked of Chart.js's own
// instance), the case table failures first in natural case order, wide tables that scroll, and,
// served by `lunar view`, a trace the page does not embed loaded from the store on demand.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceOf } from '../metrics/test-fixtures.ts';
import { aggregate } from '../runners/aggregate.ts';
import { traceReader } from '../runners/reporter.ts';
import { ResultsStore } from '../runners/store.ts';
import { renderHtmlReport } from '../reports/html/report.ts';
import { ALL_TRACES } from '../reports/html/traces.ts';
import { viewerApp } from '../reports/viewer/app.ts';
import { launchChromium, openWatched, skipWithoutChromium, type BrowserGlobals } from './browser.ts';

const skip = skipWithoutChromium('report-scale.browser.test.ts');

const SUITES = ['tools', 'rag', 'tau'] as const; // written in this order; the store reads them back by name
const TARGETS = ['baseline', 'openai:gpt-4o-mini'] as const;
const RUN = 'big-run';

/**
 * 180 attempts. Case n of a suite: category "even" or "odd"; it fails when n is a multiple of 7 (c7, c14, c21,
 * c28). In suite "rag" the judge skipped every "odd" case of baseline: n/a there, not 0%.
 * Latency: baseline 1–30 ms, openai 1–30 s, so a linear axis would crush baseline into one bin.
 */
function storeBigRun(home: string): void {
  const store = new ResultsStore(join(home, 'results.db'));
  store.startRun(RUN, {}, new Date('2026-03-01T00:00:00Z'));
  for (const suite of SUITES) {
    for (const target of TARGETS) {
      for (let n = 1; n <= 30; n += 1) {
        const caseId = `c${n}`;
        const category = n % 2 === 0 ? 'even' : 'odd';
        const skipped = suite === 'rag' && target === 'baseline' && category === 'odd';
        const pass = n % 7 !== 0;
        const latencyMs = target === 'baseline' ? n : n * 1000;
        store.add({
          runId: RUN, suite, config: 'default', caseId, category, target, repeat: 0, status: 'ok',
          trace: traceOf(`${target} answers ${caseId}`, [], { target, latencyMs, messages: [{ role: 'user', content: `question ${suite} ${caseId} for ${target}` }] }),
          scores: [skipped ? { scorer: 'judge', value: null, pass: null, status: 'skipped', reason: 'no judge' } : { scorer: 'judge', value: pass ? 1 : 0, pass, status: 'scored', reason: pass ? 'fine' : 'wrong' }],
        });
      }
    }
  }
  store.finishRun(RUN, 'completed', new Date('2026-03-01T00:10:00Z'));
  // One failure's trace embedded in all (of 24): the rest must come from the store.
  const attempts = store.attempts(RUN);
  const html = renderHtmlReport({ run: store.run(RUN)!, aggregates: aggregate(attempts), attempts, trace: traceReader(store, RUN) }, { ...ALL_TRACES, maxFailureTraces: 1, maxOtherTraces: 0 });
  store.close();
  mkdirSync(join(home, 'runs', RUN), { recursive: true });
  writeFileSync(join(home, 'runs', RUN, 'report.html'), html);
}

interface ChartLike {
  options: { indexAxis?: string };
  scales: Record<string, { type: string }>;
  data: { labels?: string[]; datasets: { label: string; data: (number | null)[] }[] };
}

function chartOf(page: Page, id: string): Promise<{ indexAxis?: string; xType: string; labels?: string[]; datasets: { label: string; data: (number | null)[] }[] }> {
  return page.evaluate((canvasId) => {
    const { document, Chart } = globalThis as unknown as BrowserGlobals & { document: { getElementById(id: string): unknown } };
    const chart = Chart.getChart(document.getElementById(canvasId) as never) as ChartLike;
    return { indexAxis: chart.options.indexAxis, xType: chart.scales.x!.type, labels: chart.data.labels, datasets: chart.data.datasets.map((d) => ({ label: d.label, data: [...d.data] })) };
  }, id);
}

describe.skipIf(skip)('report.html of a three-suite run in headless Chromium', () => {
  let context: BrowserContext;
  let home: string;
  let app: FastifyInstance;
  let origin: string;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'lunar-scale-'));
    storeBigRun(home);
    context = await launchChromium();
    app = viewerApp({ home });
    origin = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
  }, 60_000);

  afterAll(async () => {
    // The browser first: its keep-alive connections would hold the server's close.
    await context?.close();
    await app?.close();
  }, 30_000);

  it('draws every chart per suite, categories as sorted horizontal bars with n/a apart, latency on a log axis', async () => {
    const { page, problems } = await openWatched(context, pathToFileURL(join(home, 'runs', RUN, 'report.html')).href);
    await page.waitForSelector('#case-table tbody tr');
    expect(await page.locator('#charts .suite-charts').evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { suite: string } }).dataset.suite))).toEqual(['rag', 'tau', 'tools']);
    const ids = await page.locator('#charts canvas').evaluateAll((els) => els.map((e) => (e as unknown as { id: string }).id));
    expect(ids).toEqual([0, 1, 2].flatMap((i) => [`chart-categories-${i}`, `chart-latency-${i}`, `chart-tradeoff-${i}`]));

    // In the store's order (by name). tools: "odd" holds c7, c21 failing of 15 per target (13/15),
    // "even" c14, c28 (13/15): a tie, by name.
    const tools = await chartOf(page, 'chart-categories-2');
    expect(tools.indexAxis).toBe('y');
    expect(tools.labels).toEqual(['even', 'odd']);
    // rag: baseline's "odd" is n/a (null), openai's 13/15; "even" 13/15 for both. Pooled: even
    // 26/30, odd 13/15 = 26/30: a tie, by name.
    const rag = await chartOf(page, 'chart-categories-0');
    expect(rag.labels).toEqual(['even', 'odd']);
    expect(rag.datasets.map((d) => [d.label, d.data.map((v) => (v === null ? null : Number(v.toFixed(2))))])).toEqual([
      ['baseline', [86.67, null]],
      ['openai:gpt-4o-mini', [86.67, 86.67]],
    ]);
    for (const i of [0, 1, 2]) expect((await chartOf(page, `chart-latency-${i}`)).xType).toBe('logarithmic');
    expect(problems).toEqual([]);
  });

  it('lists failures first, case ids in number order, in a table that scrolls sideways', async () => {
    const { page } = await openWatched(context, pathToFileURL(join(home, 'runs', RUN, 'report.html')).href);
    await page.waitForSelector('#case-table tbody tr');
    const firstCells = await page.locator('#case-table tbody tr').evaluateAll((rows) => rows.slice(0, 10).map((r) => Array.from((r as unknown as { cells: ArrayLike<{ textContent: string }> }).cells, (c) => c.textContent).slice(0, 3)));
    // Suite rag first (the run's order): c7 and c21 of openai only (baseline's odd cases are
    // unscored), c14 and c28 of both, baseline first; then tau's c7, c14 of both.
    expect(firstCells.map((c) => c[0])).toEqual(['c7', 'c14', 'c14', 'c21', 'c28', 'c28', 'c7', 'c7', 'c14', 'c14']);
    expect(firstCells.map((c) => c[1])).toEqual([...Array(6).fill('rag'), ...Array(4).fill('tau')]);
    // After the 22 failures come the unscored, then the passed: c1, c2, …, c10 in number order.
    await page.selectOption('#filter-outcome', 'passed');
    await page.selectOption('#filter-suite', { label: 'tools' });
    await page.selectOption('#filter-target', { label: 'baseline' });
    expect((await page.locator('#case-table tbody tr td:first-child').allTextContents()).slice(0, 11)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c8', 'c9', 'c10', 'c11', 'c12']);
    const overflow = await page.evaluate(() => {
      const { document } = globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ parentElement: unknown }> } };
      const style = (globalThis as unknown as { getComputedStyle(e: unknown): { overflowX: string } }).getComputedStyle;
      return ['#case-table', '#overview table'].map((sel) => {
        const found = document.querySelectorAll(sel);
        return found.length ? style(found[0]!.parentElement).overflowX : 'none';
      });
    });
    expect(overflow).toEqual(['auto', 'auto']);
  });

  it('served by lunar view, loads a failure whose trace the page does not embed from the store', async () => {
    const { page, problems } = await openWatched(context, `${origin}/runs/${RUN}/report.html`, origin);
    await page.waitForSelector('#case-table tbody tr');
    expect(await page.locator('#traces-note').textContent()).toContain('Traces embedded for 1 of 180 attempts: failed and errored attempts first (21 of them left out)');
    // The second row (rag c14 of baseline) is not embedded: only the first, rag c7 of openai, is.
    const row = page.locator('#case-table tbody tr').nth(1);
    expect(await row.locator('td').last().textContent()).toBe('-');
    await row.click();
    await page.locator('#drill .msg').first().waitFor();
    expect(await page.locator('#drill').textContent()).toContain('question rag c14 for baseline');
    expect(await page.locator('#drill .trace-missing').count()).toBe(0);
    // The route itself: 404 naming the attempt for a key the store does not have.
    const missing = await page.evaluate(async (url) => (await fetch(url)).status, `${origin}/runs/${RUN}/trace?suite=tools&case=c99&target=baseline`);
    expect(missing).toBe(404);
    expect(problems.filter((p) => !p.includes('404'))).toEqual([]);
  });
});
