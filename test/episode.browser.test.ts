// An episode in report.html, in headless Chromium: a τ-bench retail run against the fake OpenAI
// server that plays agent and user (test/fakes/tau-script.ts: task 1 pays with the wrong method).
// The failed episode's drill-down reads as a conversation, with the reward's reasons beside it.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipWithoutTauData, TAU_DATA_DIR } from '../agent/environments/tau/test-data.ts';
import { launchChromium, openWatched, skipWithoutChromium } from './browser.ts';
import { OpenAiFake } from './fakes/openai-server.ts';
import { tauFakeScript } from './fakes/tau-script.ts';

const root = resolve(import.meta.dirname, '..');
const skip = skipWithoutChromium('episode.browser.test.ts') || skipWithoutTauData('the episode view browser test');

describe.skipIf(skip)('an episode in report.html', () => {
  let context: BrowserContext;
  let fake: OpenAiFake;
  const dir = mkdtempSync(join(tmpdir(), 'lunar-episode-view-'));

  beforeAll(async () => {
    fake = await new OpenAiFake().answerWith(tauFakeScript(TAU_DATA_DIR, 'retail', 'test', { wrongFor: [1] })).start();
    const model = 'openai:gpt-4o-mini';
    const args = ['bench', 'suites/tau-retail.yaml', '-t', model, '--user', model, '--limit', '2', '--home', join(dir, 'home'), '--out', join(dir, 'out')];
    const code = await new Promise<number | null>((done) => {
      const child = spawn('node', [join(root, 'bin', 'lunar.js'), ...args], { cwd: root, env: { ...process.env, CI: '', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${fake.url}/v1` }, stdio: 'ignore' });
      child.on('exit', done);
    });
    expect(code).toBe(0);
    context = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await fake?.close();
  });

  it('shows the failed episode: reward and why, the ground-truth write not made, then the user and agent turns', async () => {
    const { page, problems, dialogs } = await openWatched(context, pathToFileURL(join(dir, 'out', 'report.html')).href);
    await page.selectOption('#filter-outcome', 'failed');
    await page.locator('#case-table tbody tr').first().click();
    const drill = page.locator('#drill');
    await drill.waitFor();
    const text = (await drill.textContent())!;
    expect(text).toContain('retail-test-1');
    expect(text).toMatch(/reward 0 · ended by (stop|terminate_tool)/);
    expect(text).toContain(`user ${'openai:gpt-4o-mini'} (llm,`);
    const writes = drill.locator('table.episode-writes tbody tr');
    expect(await writes.count()).toBeGreaterThan(0);
    const unmatched = drill.locator('table.episode-writes tbody tr.o-failed');
    expect(await unmatched.first().textContent()).toContain('exchange_delivered_order_items');
    expect(await drill.locator('.msg-user').count()).toBeGreaterThan(1);
    expect(await drill.locator('.msg-assistant').count()).toBeGreaterThan(1);
    expect(await drill.locator('.msg-tool').count()).toBeGreaterThan(0);
    // The episode's reasons come before the conversation they explain.
    const order = await drill.evaluate((el) => [...el.querySelectorAll('h3, h4, summary, .section-title')].map((h) => h.textContent ?? ''));
    const episodeAt = order.findIndex((t) => t.includes('Episode'));
    expect(episodeAt).toBeGreaterThanOrEqual(0);
    expect(episodeAt).toBeLessThan(order.findIndex((t) => t.includes('Messages')));
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
