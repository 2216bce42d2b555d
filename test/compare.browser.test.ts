// The HTML comparison report in a real headless Chromium (Debian's, driven by playwright-core):
// written by writeComparison as `lunar compare` writes it, it opens from file:// with no console
// or page errors, both charts draw, the wins/losses/ties filter and the measure picker show the
// cases worked out by hand (reports/html/compare-fixtures.ts), a click shows both answers side by
// side, and the XSS payloads in every answer, an error, a reason, a case id and a category stay text.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerOf, BASE, CANDIDATE, ERROR_A, writeComparedRuns } from '../reports/html/compare-fixtures.ts';
import { XSS, XSS_CASE, XSS_CATEGORY } from '../reports/test-fixtures.ts';
import { loadComparison, writeComparison } from '../reports/compare/compare.ts';
import { ResultsStore } from '../runners/store.ts';
import { canvases, launchChromium, openWatched, skipWithoutChromium, xssState } from './browser.ts';

const skip = skipWithoutChromium('compare.browser.test.ts');

describe.skipIf(skip)('comparison.html in headless Chromium', () => {
  let context: BrowserContext;
  let url: string;
  let page: Page;
  let problems: string[];
  let dialogs: string[];

  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'lunar-compare-browser-'));
    const store = new ResultsStore(join(home, 'results.db'));
    writeComparedRuns(store);
    const { html } = writeComparison(home, loadComparison(store, BASE.run, CANDIDATE.run));
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

  const caseColumn = () => page.locator('#case-table tbody tr td:first-child').allTextContents();

  it('loads with no console error, page error or network request, and both charts have drawn', async () => {
    const charts = await canvases(page);
    expect(charts.map((c) => c.id)).toEqual(['chart-wlt-0', 'chart-cat-0']);
    for (const c of charts) {
      expect(c.chart, c.id).toBe(true);
      expect(c.width, c.id).toBeGreaterThan(100);
      expect(c.painted, c.id).toBeGreaterThan(1_000);
    }
    expect(await page.locator('tr.measure[data-measure="answer_contains"] .verdict').textContent()).toBe('no significant difference');
    expect(problems).toEqual([]);
  });

  it('filters the cases by wins, losses and ties of the chosen measure', async () => {
    // The whole attempt: 9 pairs (k10 and k11 have no partner).
    expect(await caseColumn()).toEqual(['k01', 'k02', 'k03', 'k04', 'k05', 'k06', 'k07', 'k08', XSS_CASE]);
    expect(await page.locator('#case-count').textContent()).toBe('Showing 1–9 of 9 matching cases (9 pairs in the comparison). Click a row for both answers.');
    await page.selectOption('#filter-outcome', 'win');
    expect(await caseColumn()).toEqual(['k02', 'k03', 'k07', XSS_CASE]);
    await page.selectOption('#filter-outcome', 'loss');
    expect(await caseColumn()).toEqual(['k04']);
    expect(await page.locator('#case-table tbody tr td').allTextContents()).toEqual(['k04', 'math', 'pass', 'fail', 'loss']);
    await page.selectOption('#filter-outcome', 'tie');
    expect(await caseColumn()).toEqual(['k01', 'k05', 'k06', 'k08']);

    // rubric: k01 0.75 → 1 and k06 0 → 0.25 are wins; k07 (A errored) and k08 (judge skipped) not compared.
    await page.selectOption('#filter-measure', 'rubric');
    expect(await caseColumn()).toEqual(['k03', 'k05']);
    await page.selectOption('#filter-outcome', 'win');
    expect(await caseColumn()).toEqual(['k01', 'k02', 'k06', XSS_CASE]);
    expect(await page.locator('#case-table tbody tr').first().locator('td').allTextContents()).toEqual(['k01', 'math', '0.750', '1.000', 'win']);
    await page.selectOption('#filter-outcome', 'none');
    expect(await caseColumn()).toEqual(['k07', 'k08']);
    await page.selectOption('#filter-outcome', '');
    await page.fill('#filter-case', 'k0');
    expect(await page.locator('#case-table tbody tr').count()).toBe(8);
    await page.fill('#filter-case', 'nothing');
    expect(await page.locator('#case-count').textContent()).toBe('No case matches (9 pairs in the comparison).');
    expect(problems).toEqual([]);
  });

  it('shows both answers side by side on a click, with each measure and an errored side\'s error', async () => {
    await page.locator('#case-table tbody tr', { hasText: 'k02' }).click();
    const drill = page.locator('#drill');
    await drill.waitFor();
    expect(await drill.locator('h3').first().textContent()).toBe('k02 win');
    expect(await drill.locator('.side-a pre.answer').textContent()).toBe(answerOf('A', 'k02'));
    expect(await drill.locator('.side-b pre.answer').textContent()).toBe(answerOf('B', 'k02'));
    expect(await drill.locator('.side-a h3').first().textContent()).toBe(`A (base) · ${BASE.target}`);
    expect(await drill.locator('.side-b h3').first().textContent()).toBe(`B (candidate) · ${CANDIDATE.target}`);
    expect(await drill.locator('.side-b table.scores tbody tr').allTextContents()).toEqual(['whole attemptpass', 'answer_contains1.000found', 'rubric0.750graded 0.75']);

    await page.locator('#case-table tbody tr', { hasText: 'k07' }).click();
    expect(await drill.locator('.side-a').textContent()).toContain(`error: ${ERROR_A}`);
    expect(await drill.locator('.side-a').textContent()).toContain('Final answernone');
    expect(problems).toEqual([]);
  });

  it('keeps every XSS payload inert: shown as text, no script runs, no dialog opens, no element is made from one', async () => {
    const seen: string[] = [];
    for (const row of await page.locator('#case-table tbody tr').all()) {
      await row.click();
      seen.push((await page.locator('#drill').textContent())!);
    }
    const all = seen.join('\n');
    // Answers (script, img, closing script), the error (svg), a reason (alert), the case id and category.
    for (const payload of Object.values(XSS)) expect(all).toContain(payload);
    expect(all).toContain(`category ${XSS_CATEGORY}`);
    expect(await page.locator('#case-table tbody tr').last().locator('td').first().textContent()).toBe(XSS_CASE);
    expect(await xssState(page)).toEqual({ xss: undefined, images: 0, scripts: 3 });
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
  });
});
