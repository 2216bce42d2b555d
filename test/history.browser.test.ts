// The viewer's /history page in a real headless Chromium (Debian's, driven by playwright-core),
// served by `lunar view`'s app on 127.0.0.1 port 0: it loads with no console or page errors and
// no request off the viewer, the chart draws, the table's rows are the stored runs oldest first
// (reports/history-fixtures.ts, figures by hand) with the run a recorded gate failed marked, the
// suite and target filters narrow it, and a target id made of markup stays text.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultsStore } from '../runners/store.ts';
import { recordGateVerdict } from '../runners/gate-verdict.ts';
import { storeHistoryRuns } from '../reports/history-fixtures.ts';
import { XSS } from '../reports/test-fixtures.ts';
import { viewerApp } from '../reports/viewer/app.ts';
import { canvases, launchChromium, openWatched, skipWithoutChromium, xssState } from './browser.ts';

const skip = skipWithoutChromium('history.browser.test.ts');
const OTHER = `other${XSS.img}`;

describe.skipIf(skip)('/history in headless Chromium', () => {
  let context: BrowserContext;
  let app: FastifyInstance;
  let origin: string;

  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'lunar-history-browser-'));
    const store = new ResultsStore(join(home, 'results.db'));
    storeHistoryRuns(store, OTHER);
    recordGateVerdict(store, 'new', {
      checked_at: '2026-02-02T00:00:00Z',
      failed: 1,
      held: 0,
      checks: [{ suite: 's', config: 'default', target: 'baseline', measure: 'pass_rate', verdict: 'failed', text: `pass rate 0.500 < 0.7 ${XSS.svg}` }],
    });
    store.close();
    app = viewerApp({ home });
    origin = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
    context = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await app?.close();
  });

  const cells = (page: import('playwright-core').Page) =>
    page.$$eval('#history-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())));

  it('draws the chart and lists every stored run oldest first, the failed gate marked, with no error', async () => {
    const { page, problems, dialogs } = await openWatched(context, `${origin}/history`, origin);
    const charts = await canvases(page);
    expect(charts.map((c) => c.id)).toEqual(['chart-history']);
    expect(charts[0]!.chart).toBe(true);
    expect(charts[0]!.painted).toBeGreaterThan(1_000);
    const rows = await cells(page);
    expect(rows.map((r) => [r[0], r[1], r[3], r[5], r[6], r[7], r[8], r[11]])).toEqual([
      ['old', '2026-01-01', 's', 'baseline', '80.0% (8/10)', '[49.0–94.3%]', '0.800', '-'],
      ['new', '2026-02-01', 's', 'baseline', '50.0% (5/10)', '[23.7–76.3%]', '0.500', '✗ FAILED'],
      ['new-t', '2026-02-01', 't', OTHER, '100.0% (2/2)', '[34.2–100.0%]', '1.000', '-'],
    ]);
    expect(rows[0]![2]).toBe('aaaaaaaaaa');
    expect(await page.locator('#history-table tr.gate-failed').count()).toBe(1);
    // Another measure redraws the chart (asked of Chart.js: a second pixel readback makes Chromium warn).
    await page.selectOption('#history-measure', 'latency_p95');
    const axis = await page.evaluate(() => {
      const { document, Chart } = globalThis as unknown as { document: { getElementById(id: string): unknown }; Chart: { getChart(c: unknown): { options: { scales: { y: { title: { text: string } } } } } | undefined } };
      return Chart.getChart(document.getElementById('chart-history'))?.options.scales.y.title.text;
    });
    expect(axis).toBe('p95 latency ms');
    expect(await xssState(page)).toEqual({ xss: undefined, images: 0, scripts: 3 });
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('filters by suite and target through the query, and the form keeps the choice', async () => {
    const { page, problems } = await openWatched(context, `${origin}/history?suite=s`, origin);
    expect((await cells(page)).map((r) => r[0])).toEqual(['old', 'new']);
    await page.selectOption('select[name="suite"]', '');
    await page.selectOption('select[name="target"]', { label: OTHER });
    await Promise.all([page.waitForURL(/target=/), page.click('form.filters button')]);
    expect((await cells(page)).map((r) => [r[0], r[5]])).toEqual([['new-t', OTHER]]);
    expect(await page.locator('select[name="target"]').inputValue()).toBe(OTHER);
    expect(await xssState(page)).toEqual({ xss: undefined, images: 0, scripts: 3 });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('is linked from the run list', async () => {
    const { page, problems } = await openWatched(context, `${origin}/`, origin);
    await Promise.all([page.waitForURL(/\/history$/), page.click('a[href="history"]')]);
    expect(await page.locator('#history-table tbody tr').count()).toBe(3);
    expect(problems).toEqual([]);
    await page.close();
  });
});
