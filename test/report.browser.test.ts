// The HTML report in a real headless Chromium (Debian's, driven by playwright-core): it opens from
// file:// with no console or page errors, every chart draws, the filters and the pager work, the
// drill-down shows a trace, and XSS payloads planted in model answers, tool results, retrieved
// chunks, judge reasoning, a case id and a category stay text.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { traceReader, writeRunFiles } from '../runners/reporter.ts';
import { TARGETS, writeFixtureRun, XSS, XSS_CASE, XSS_CATEGORY } from '../reports/test-fixtures.ts';
import { REPORTERS } from '../reports/reporters.ts';
import { ResultsStore } from '../runners/store.ts';
import { aggregate } from '../runners/aggregate.ts';
import { canvases, launchChromium, openWatched, skipWithoutChromium, xssState } from './browser.ts';

const skip = skipWithoutChromium('report.browser.test.ts');

describe.skipIf(skip)('report.html in headless Chromium', () => {
  let context: BrowserContext;
  let url: string;
  let page: Page;
  let problems: string[];
  let dialogs: string[];

  beforeAll(async () => {
    const store = new ResultsStore(':memory:');
    const id = writeFixtureRun(store);
    const attempts = store.attempts(id);
    const dir = mkdtempSync(join(tmpdir(), 'lunar-browser-'));
    const { html } = writeRunFiles(dir, { run: store.run(id)!, aggregates: aggregate(attempts), attempts, trace: traceReader(store, id) }, REPORTERS);
    store.close();
    url = pathToFileURL(html).href;
    context = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await context?.close();
  });

  beforeEach(async () => {
    ({ page, problems, dialogs } = await openWatched(context, url));
    await page.waitForSelector('#case-table tbody tr');
  });

  const rowCount = () => page.locator('#case-table tbody tr').count();
  const countText = () => page.locator('#case-count').textContent();

  it('loads with no console error, page error or network request, and every chart has drawn', async () => {
    const charts = await canvases(page);
    expect(charts.map((c) => c.id)).toEqual(['chart-categories-0', 'chart-latency-0', 'chart-tradeoff-0', 'chart-passk-0']);
    for (const c of charts) {
      expect(c.chart, c.id).toBe(true);
      expect(c.width, c.id).toBeGreaterThan(100);
      // Bars, axes and legends: a blank canvas has no painted pixel at all.
      expect(c.painted, c.id).toBeGreaterThan(1_000);
    }
    expect(problems).toEqual([]);
  });

  it('filters by target, category and outcome, and pages through 50 rows at a time', async () => {
    // 64 attempts: 50 on the first page, 14 on the second.
    expect(await rowCount()).toBe(50);
    expect(await countText()).toBe('Showing 1–50 of 64 matching attempts (64 in the run). Click a row for its trace.');
    await page.click('#page-next');
    expect(await rowCount()).toBe(14);

    await page.selectOption('#filter-target', { label: TARGETS.local });
    expect(await rowCount()).toBe(32);
    // ollama failed c2 and c7 in 2 configurations × 2 repeats.
    await page.selectOption('#filter-outcome', 'failed');
    expect(await rowCount()).toBe(8);
    // By case id, then configuration and repeat.
    expect(await page.locator('#case-table tbody tr td:first-child').allTextContents()).toEqual(['c2', 'c2', 'c2', 'c2', 'c7', 'c7', 'c7', 'c7']);
    await page.selectOption('#filter-outcome', 'errored');
    expect(await rowCount()).toBe(4);
    await page.selectOption('#filter-target', { label: TARGETS.paid });
    expect(await countText()).toBe('No attempt matches (64 in the run).');
    expect(await rowCount()).toBe(0);

    await page.selectOption('#filter-target', '');
    await page.selectOption('#filter-outcome', '');
    await page.selectOption('#filter-category', { label: XSS_CATEGORY });
    expect(await rowCount()).toBe(8);
    await page.fill('#filter-case', 'c1');
    expect(await rowCount()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('moves the Pareto front when the x axis changes from cost to latency', async () => {
    const front = page.locator('#tradeoff-front-0');
    expect(await front.textContent()).toContain(`Pareto front (quality against cost): ${TARGETS.local} · concise, ${TARGETS.local} · default, ${TARGETS.paid} · concise.`);
    await page.selectOption('#tradeoff-axis-0', 'latency');
    expect(await front.textContent()).toContain(`Pareto front (quality against latency): ${TARGETS.paid} · concise.`);
    expect(problems).toEqual([]);
  });

  it("drills into an attempt's trace: messages, tool calls with arguments and results, chunks with scores, judge reasoning", async () => {
    await page.selectOption('#filter-target', { label: TARGETS.local });
    await page.selectOption('#filter-outcome', 'failed');
    await page.locator('#case-table tbody tr').first().click();
    const drill = page.locator('#drill');
    await drill.waitFor();
    const text = (await drill.textContent())!;
    expect(text).toContain(`c2 · ${TARGETS.local} · concise · repeat 0 failed`);
    expect(text).toContain('suite qa · configuration concise · category math · repeat 0');
    expect(text).toContain('question c2');
    expect(await drill.locator('tr.tool-call').count()).toBe(2);
    expect(await drill.locator('tr.tool-call').first().textContent()).toBe(`1search_docs{\n  "query": ${JSON.stringify(XSS.img)}\n}found ${XSS.closeScript}3.0`);
    expect(await drill.locator('tr.tool-call').nth(1).textContent()).toContain(`error (denied): denied: ${XSS.svg}`);
    expect(await drill.locator('tr.chunk').textContent()).toBe(`handbook/leave.md#2 (lines 10–24)0.8731Leave policy ${XSS.script}`);
    expect(await drill.locator('.judge-reasoning').textContent()).toBe(`rubric — judge reasoning: The answer ${XSS.img} misses the rubric.`);
    expect(text).toContain(`expected "done" in the answer; got ${XSS.img}`);

    // An errored attempt shows its error.
    await page.selectOption('#filter-outcome', 'errored');
    await page.locator('#case-table tbody tr').first().click();
    expect(await drill.textContent()).toContain('ollama: connection refused <b>boom</b>');
    expect(problems).toEqual([]);
  });

  it('keeps every XSS payload inert: shown as text, no script runs, no dialog opens, no element is made from one', async () => {
    const cases = ['c1', 'c2', 'c3', 'c4', XSS_CASE];
    const seen: string[] = [];
    for (const id of cases) {
      await page.fill('#filter-case', id);
      await page.locator('#case-table tbody tr').first().click();
      seen.push((await page.locator('#drill').textContent())!);
    }
    const all = seen.join('\n');
    for (const payload of Object.values(XSS)) expect(all).toContain(payload);
    // The case id and category payloads as text in the table and the category filter.
    await page.fill('#filter-case', '');
    await page.selectOption('#filter-category', { label: XSS_CATEGORY });
    expect(await page.locator('#case-table tbody tr td:first-child').first().textContent()).toBe(XSS_CASE);
    const state = await xssState(page);
    expect(state).toEqual({ xss: undefined, images: 0, scripts: 3 });
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
  });
});
