// The two scripts every report inlines: Chart.js's UMD build (from node_modules, so the file
// opens with no network) and the page's own script (client.js beside this file). Both are read
// once per process, with the SHA-256 the page's Content-Security-Policy allows them by.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface InlineScript {
  text: string;
  /** `'sha256-…'`, as a CSP script-src source. */
  hash: string;
}

let chartJs: InlineScript | undefined;
let client: InlineScript | undefined;

/** chart.umd.min.js: Chart.js's exports map names no UMD file, so it is found beside the package's main file. */
export function chartJsScript(): InlineScript {
  if (!chartJs) {
    const main = createRequire(import.meta.url).resolve('chart.js');
    chartJs = inline(readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8'), 'chart.js/dist/chart.umd.min.js');
  }
  return chartJs;
}

export function clientScript(): InlineScript {
  client ??= inline(readFileSync(clientScriptPath(), 'utf8'), 'reports/html/client.js');
  return client;
}

/**
 * client.js sits beside this file in the sources; the CLI runs from a bundle in dist/, so from
 * there it is found by going up to the package root.
 */
export function clientScriptPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  if (existsSync(join(here, 'client.js'))) return join(here, 'client.js');
  let dir = here;
  for (;;) {
    const candidate = join(dir, 'reports', 'html', 'client.js');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('reports/html/client.js not found: the Lunar package is incomplete');
    dir = parent;
  }
}

function inline(text: string, name: string): InlineScript {
  // Inside <script> a "</script" ends the element early; neither file may hold one.
  if (/<\/script|<!--/i.test(text)) throw new Error(`${name} holds "</script" or "<!--" and cannot be inlined`);
  return { text, hash: `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'` };
}
