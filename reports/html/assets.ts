// The scripts the reports inline: Chart.js's UMD build (from node_modules, so a file opens with no
// network) and each page's own script (client.js for a run, compare-client.js for a comparison,
// beside this file). Each is read once per process, with the SHA-256 the page's
// Content-Security-Policy allows it by; contentSecurityPolicy writes that policy for every page.

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
const pageScripts = new Map<string, InlineScript>();

/** chart.umd.min.js: Chart.js's exports map names no UMD file, so it is found beside the package's main file. */
export function chartJsScript(): InlineScript {
  if (!chartJs) {
    const main = createRequire(import.meta.url).resolve('chart.js');
    chartJs = inline(readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8'), 'chart.js/dist/chart.umd.min.js');
  }
  return chartJs;
}

/** The run report's script. */
export function clientScript(): InlineScript {
  return pageScript('client.js');
}

export function clientScriptPath(): string {
  return pageScriptPath('client.js');
}

/** A page script of reports/html (`client.js`, `compare-client.js`), read once. */
export function pageScript(name: string): InlineScript {
  let script = pageScripts.get(name);
  if (!script) {
    script = inline(readFileSync(pageScriptPath(name), 'utf8'), `reports/html/${name}`);
    pageScripts.set(name, script);
  }
  return script;
}

/**
 * Page scripts sit beside this file in the sources; the CLI runs from a bundle in dist/, so from
 * there they are found by going up to the package root.
 */
export function pageScriptPath(name: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  if (existsSync(join(here, name))) return join(here, name);
  let dir = here;
  for (;;) {
    const candidate = join(dir, 'reports', 'html', name);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`reports/html/${name} not found: the Lunar package is incomplete`);
    dir = parent;
  }
}

/**
 * A report page's policy: exactly its inlined scripts (by hash), inline styles, data: images, and
 * nothing from the network; no <base>, no form submission. Even markup that slipped through
 * escaping could neither run nor load anything. With `connectSelf` the page may fetch from its
 * own origin only: the run report served by `lunar view` loads traces it does not embed (from
 * file:// 'self' matches nothing).
 */
export function contentSecurityPolicy(scripts: readonly InlineScript[], options: { connectSelf?: boolean } = {}): string {
  const connect = options.connectSelf ? " connect-src 'self';" : '';
  return `default-src 'none'; script-src ${scripts.map((s) => s.hash).join(' ')};${connect} style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
}

function inline(text: string, name: string): InlineScript {
  // Inside <script> a "</script" ends the element early; neither file may hold one.
  if (/<\/script|<!--/i.test(text)) throw new Error(`${name} holds "</script" or "<!--" and cannot be inlined`);
  return { text, hash: `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'` };
}
