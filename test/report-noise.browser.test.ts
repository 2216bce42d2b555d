// The report's Noise section in headless Chromium, on a run with repeats worked by hand: per suite
// the noise floor of each target with its interval, and the flaky cases with flip rate and category.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../runners/aggregate.ts';
import { storeRun } from '../runners/compare-fixtures.ts';
import { traceReader, writeRunFiles } from '../runners/reporter.ts';
import { ResultsStore } from '../runners/store.ts';
import { reportNoise } from '../reports/noise.ts';
import { REPORTERS } from '../reports/reporters.ts';
import { verdictAttempts } from '../reports/noise-fixtures.ts';
import { launchChromium, openWatched, skipWithoutChromium } from './browser.ts';

const skip = skipWithoutChromium('report-noise.browser.test.ts');

describe.skipIf(skip)('report.html Noise section in headless Chromium', () => {
  let context: BrowserContext;
  let url: string;
  let expectedSd: { estimate: number; low: number; high: number };

  beforeAll(async () => {
    const store = new ResultsStore(':memory:');
    // Suite "qa": c02 PFP and c04 FFP flip (1/3 each); suite "tools": t1 FP flips (1/2).
    storeRun(store, 'r1', 'baseline', [
      ...verdictAttempts({ c01: 'PPP', c02: 'PFP', c03: 'FFF', c04: 'FFP' }, { suite: 'qa' }),
      ...verdictAttempts({ t1: 'FP', t2: 'PP' }, { suite: 'tools' }),
    ]);
    const attempts = store.attempts('r1');
    expectedSd = reportNoise(attempts)!.groups[0]!.floor.expectedRunSd!;
    const dir = mkdtempSync(join(tmpdir(), 'lunar-noise-browser-'));
    const { html } = writeRunFiles(dir, { run: store.run('r1')!, aggregates: aggregate(attempts), attempts, trace: traceReader(store, 'r1') }, REPORTERS);
    store.close();
    url = pathToFileURL(html!).href;
    context = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await context?.close();
  });

  it('shows per suite the noise floor with its interval and the flaky cases with flip rate and category', async () => {
    const { page, problems } = await openWatched(context, url);
    const suites = page.locator('#noise .noise-suite');
    expect(await suites.evaluateAll((els) => els.map((el) => (el as unknown as { dataset: { suite: string } }).dataset.suite))).toEqual(['qa', 'tools']);
    const cells = (suite: string, table: string) => page.locator(`#noise .noise-suite[data-suite="${suite}"] table.${table} tbody tr`).evaluateAll((rows) => rows.map((r) => Array.from((r as unknown as { cells: ArrayLike<{ textContent: string }> }).cells, (c) => c.textContent)));
    // √(2/3)/4 = 0.204; over 3 repeats 0.204/√3 = 0.118.
    expect(await cells('qa', 'noise-floor')).toEqual([
      ['baseline', '4', '2', '0.500, 0.250, 0.750', '0.250', '0.204', `[${expectedSd.low.toFixed(3)}, ${expectedSd.high.toFixed(3)}]`, '0.118 (3 repeats)'],
    ]);
    expect(await cells('qa', 'noise-flaky')).toEqual([
      ['c02', 'baseline', 'lookup', '0.33', '2 of 3'],
      ['c04', 'baseline', 'general', '0.33', '1 of 3'],
    ]);
    // Repeats pass 1 and 2 of 2: SD 0.5/√2 = 0.354. t1 FP: v = ½·½·2 = ½, so √½/2 = 0.354 too.
    expect((await cells('tools', 'noise-floor'))[0]!.slice(0, 6)).toEqual(['baseline', '2', '1', '0.500, 1.000', '0.354', '0.354']);
    expect(await cells('tools', 'noise-flaky')).toEqual([['t1', 'baseline', 'general', '0.50', '1 of 2']]);
    expect(problems).toEqual([]);
  });
});
