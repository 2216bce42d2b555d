// What the HTML reports' browser tests share: Debian's headless Chromium driven by
// playwright-core, a page that records every console error or warning, page error, dialog and
// network request, and a look at each canvas (a chart that drew has painted pixels).

import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Whether a browser test file skips: no Chromium here and not in CI (under CI=true a missing browser fails). */
export function skipWithoutChromium(file: string): boolean {
  const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';
  const skip = !existsSync(CHROMIUM) && !inCi;
  if (skip) console.warn(`${file}: skipped: ${CHROMIUM} is not installed (apt-get install chromium). Under CI=true these tests run, and fail without it.`);
  return skip;
}

export async function launchChromium(): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: CI must install it (apt-get install -y chromium; .ci/run does)`);
  // The flags this machine needs: no sandbox as root, and no background connections (the network is closed).
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'lunar-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface WatchedPage {
  page: Page;
  /** Console errors and warnings, page errors, and requests for anything but a file:// URL (or the given origin). */
  problems: string[];
  /** Messages of dialogs that opened (each dismissed). */
  dialogs: string[];
}

/**
 * A new page of the context that records what must not happen, opened at `url`. A page served by
 * `lunar view` is fetched from its `origin`: requests there are the page itself, not a leak.
 */
export async function openWatched(context: BrowserContext, url: string, origin?: string): Promise<WatchedPage> {
  const problems: string[] = [];
  const dialogs: string[] = [];
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('request', (request) => {
    if (!request.url().startsWith('file:') && !(origin !== undefined && request.url().startsWith(`${origin}/`))) problems.push(`network request: ${request.url()}`);
  });
  await page.goto(url);
  return { page, problems, dialogs };
}

/** What the page.evaluate callbacks use of the page (the project compiles without the DOM library). */
interface Canvas {
  id: string;
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}
export interface BrowserGlobals {
  document: { querySelectorAll<T = unknown>(selector: string): ArrayLike<T> & Iterable<T> };
  Chart: { getChart(canvas: Canvas): unknown };
  __xss?: unknown;
}

export interface CanvasState {
  id: string;
  /** Chart.js has a chart on it. */
  chart: boolean;
  /** Pixels with any alpha: a blank canvas has none. */
  painted: number;
  width: number;
}

export function canvases(page: Page): Promise<CanvasState[]> {
  return page.evaluate(() => {
    const { document, Chart } = globalThis as unknown as BrowserGlobals;
    return [...document.querySelectorAll<Canvas>('canvas')].map((canvas) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted += 1;
      return { id: canvas.id, chart: Chart.getChart(canvas) !== undefined, painted, width: canvas.width };
    });
  });
}

/** Whether a payload ran (window.__xss), and how many elements a payload could have made exist. */
export function xssState(page: Page): Promise<{ xss: unknown; images: number; scripts: number }> {
  return page.evaluate(() => {
    const { document, __xss } = globalThis as unknown as BrowserGlobals;
    return { xss: __xss, images: document.querySelectorAll('img, svg, iframe, object, embed').length, scripts: document.querySelectorAll('script').length };
  });
}
