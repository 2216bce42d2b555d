import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attemptKey } from '../../runners/plan.ts';
import { summariseAttempt } from '../../runners/store.ts';
import { aggregate } from '../../runners/aggregate.ts';
import { fixtureRows, LOCK, XSS, XSS_CASE } from '../test-fixtures.ts';
import { clientScriptPath } from './assets.ts';
import type { PageData } from './model.ts';
import { renderHtmlReport } from './report.ts';

const rows = fixtureRows('r');
const attempts = rows.map(summariseAttempt);
const traces = new Map(rows.map((r) => [attemptKey(r), r.trace]));
const run = { id: 'r1', startedAt: '2026-01-01T12:00:00.000Z', finishedAt: '2026-01-01T12:05:00.000Z', status: 'completed', config: { lock: LOCK } };
const html = renderHtmlReport({ run, aggregates: aggregate(attempts), attempts, trace: (a) => traces.get(attemptKey(a)) });

function scripts(page: string): { attrs: string; text: string }[] {
  return [...page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attrs: m[1]!, text: m[2]! }));
}

describe('renderHtmlReport', () => {
  it('holds no payload as markup: each appears only escaped', () => {
    for (const payload of Object.values(XSS)) expect(html).not.toContain(payload);
    expect(html).not.toContain('<b>boom</b>');
    // Only the report's own three script elements: the data block, Chart.js and the page's script.
    expect(scripts(html).map((s) => s.attrs)).toEqual([' type="application/json" id="lunar-data"', '', '']);
  });

  it('embeds the data as one JSON block that reads back the same strings', () => {
    const block = scripts(html)[0]!.text;
    expect(block).not.toMatch(/[<>]/);
    const data = JSON.parse(block) as PageData & { traceData: { finalAnswer: string }[] };
    // The first row is ollama's failed c2, whose answer is the <img> payload.
    expect(data.rows[0]!.answer).toBe(XSS.img);
    expect(data.rows.find((r) => r.id === 'c1')!.answer).toBe(XSS.script);
    expect(data.rows.some((r) => r.id === XSS_CASE)).toBe(true);
    expect(data.traceData).toHaveLength(64);
    const c3 = data.rows.findIndex((r) => r.id === 'c3');
    expect(data.traceData[data.traceIndex[c3]!]!.finalAnswer).toBe(XSS.closeScript);
  });

  it('lets the Content-Security-Policy run exactly the two inlined scripts, and fetch from its own origin only (lunar view)', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!.replace(/&#39;/g, "'");
    const [, chart, client] = scripts(html);
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(csp).toBe(`default-src 'none'; script-src ${hash(chart!.text)} ${hash(client!.text)}; connect-src 'self'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`);
    expect(chart!.text).toContain('Chart');
    expect(html).not.toMatch(/<(link|img|iframe)\b/);
  });

  it("renders the overview with the aggregates' figures and Wilson intervals", () => {
    // openai in either configuration: 12 passed of 14 judged = 85.7%, Wilson [60.1%, 96.0%].
    // ollama: 8 of 14 = 57.1%, Wilson [32.6%, 78.6%].
    expect(html).toContain('85.7% <span class="ci">[60.1–96.0%]</span>');
    expect(html).toContain('57.1% <span class="ci">[32.6–78.6%]</span>');
  });

  it('shows the lock and which traces are embedded', () => {
    expect(html).toContain('<code>0123456789abcdef0123456789abcdef01234567 (uncommitted changes)</code>');
    expect(html).toContain('<td>http://127.0.0.1:11434</td>');
    expect(html).toContain("Every attempt&#39;s trace is embedded (64). In the table, answers, errors, reasons and details past 2000 characters are cut; results.json has them whole.");
  });

  it('says which traces are left out when they are bounded, and how to get them', () => {
    const bounded = renderHtmlReport({ run, aggregates: aggregate(attempts), attempts, trace: (a) => traces.get(attemptKey(a)) }, { maxFailureTraces: 10, maxOtherTraces: 2, maxTraceChars: Infinity, maxPageChars: Infinity, maxStringChars: Infinity });
    expect(bounded).toContain('Traces embedded for 12 of 64 attempts: failed and errored attempts first (6 of them left out), then 2 others (46 left out), shared fairly across suites and targets.');
    expect(bounded).toContain('opened through `lunar view`, this page loads any other trace from it when you click its row');
    expect(bounded).toContain('lunar report r1 --all-traces');
  });
});

describe('client.js', () => {
  it('never writes markup from data: no innerHTML, outerHTML, insertAdjacentHTML, document.write or eval', () => {
    const client = readFileSync(clientScriptPath(), 'utf8');
    expect(client).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
    // It parses as a script.
    expect(() => new Function(client)).not.toThrow();
  });
});
