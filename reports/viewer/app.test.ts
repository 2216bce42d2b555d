import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBench } from '../../runners/bench.ts';
import { REPORTERS } from '../reporters.ts';
import { passFail, storeRun } from '../../runners/compare-fixtures.ts';
import { InputError } from '../../core/errors.ts';
import { ResultsStore } from '../../runners/store.ts';
import { loadSuite } from '../../runners/suite.ts';
import { XSS } from '../test-fixtures.ts';
import { viewerApp } from './app.ts';
import { traceOf } from '../../metrics/test-fixtures.ts';

// Two real runs of one suite of four questions whose answer is 42 (as runners/compare.test.ts):
// the baseline policy has no tool that fits and says it cannot answer (0 of 4 pass); the scripted
// target answers "It is 42." (4 of 4). Compared: every difference +1, so the interval is [+1, +1];
// McNemar b = 0, c = 4: p = 2 · C(4,0) / 2^4 = 0.125.
let home: string;
let baseRun: string;
let candidateRun: string;
let app: FastifyInstance;

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'lunar-view-'));
  const cases = ['meaning', 'answer', 'number', 'reply'].map((id) => JSON.stringify({ id, category: 'trivia', input: `Tell me the ${id} of everything`, expected_contains: '42' }));
  writeFileSync(join(root, 'cases.jsonl'), `${cases.join('\n')}\n`);
  writeFileSync(join(root, 'script.json'), JSON.stringify([{ text: 'It is 42.' }]));
  writeFileSync(join(root, 'trivia.yaml'), 'name: trivia\ndataset: cases.jsonl\ntools: [calculator]\nscorers: [answer_contains]\n');
  home = join(root, '.lunar');
  const suites = [loadSuite(join(root, 'trivia.yaml'))];
  baseRun = (await runBench({ suites, targets: ['baseline'], fallbackTargets: ['baseline'], home, progressStream: null, reporters: REPORTERS })).runId;
  candidateRun = (await runBench({ suites, targets: [`scripted:${join(root, 'script.json')}`], fallbackTargets: ['baseline'], home, progressStream: null, reporters: REPORTERS })).runId;
  app = viewerApp({ home });
}, 60_000);

afterAll(async () => {
  await app?.close();
});

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });
/** A run row's cells as text. */
function runRow(html: string, id: string): string[] {
  const row = new RegExp(`<tr data-run="${id}">([\\s\\S]*?)</tr>`).exec(html);
  if (!row) throw new Error(`no row for run ${id}`);
  return [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]*>/g, '').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"'));
}

describe('lunar view app', () => {
  it('lists both runs, newest first, with their suites, targets, attempts, errors, pass rate and cost', async () => {
    const response = await get('/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
    expect(response.headers['x-frame-options']).toBe('DENY');
    const html = response.body;
    expect([...html.matchAll(/<tr data-run="([^"]+)">/g)].map((m) => m[1])).toEqual([candidateRun, baseRun]);
    const [, , , , targets, ...figures] = runRow(html, candidateRun);
    expect(targets).toMatch(/^scripted:.*script\.json$/);
    expect(figures).toEqual(['4', '0', '100.0%', '$0.0000', 'report']);
    expect(runRow(html, baseRun).slice(2)).toEqual(['completed', 'trivia', 'baseline', '4', '0', '0.0%', '$0.0000', 'report']);
    expect(html).toContain(`<a href="runs/${baseRun}/report.html">`);
    // The compare form: the newest run as the candidate, the one before as the base.
    expect(html).toMatch(new RegExp(`<select name="a"><option value="${candidateRun}">[^<]*</option><option value="${baseRun}" selected>`));
  });

  it("opens a run's report.html, and writes it again from the store when the file is gone", async () => {
    const file = join(home, 'runs', baseRun, 'report.html');
    const first = await get(`/runs/${baseRun}/report.html`);
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(first.body).toBe(readFileSync(file, 'utf8'));
    expect(first.body).toContain(`<title>Lunar run ${baseRun}</title>`);
    rmSync(file);
    const again = await get(`/runs/${baseRun}/report.html`);
    expect(again.statusCode).toBe(200);
    expect(existsSync(file)).toBe(true);
    expect(again.body).toContain(`<title>Lunar run ${baseRun}</title>`);
  });

  it('renders the comparison of two runs: candidate better, +1.000 [+1.000, +1.000], McNemar p = 0.125', async () => {
    const response = await get(`/compare?a=${baseRun}&b=${candidateRun}`);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(`<title>Lunar comparison: run ${candidateRun} against ${baseRun}</title>`);
    const row = /<tr class="measure" data-measure="answer_contains">([\s\S]*?)<\/tr>/.exec(response.body)![1]!;
    const cells = [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]*>/g, ''));
    expect(cells.slice(0, 11)).toEqual(['answer_contains', 'candidate better', '4', '4 / 0 / 0', '0.000', '1.000', '+1.000', '[+1.000, +1.000]', '0.0%', '100.0%', '0.125']);
  });

  it('answers an unknown run with 404 and a bad run id or a missing parameter with 400, naming it', async () => {
    const report = await get('/runs/20990101-000000-ffffff/report.html');
    expect(report.statusCode).toBe(404);
    expect(report.body).toContain(`no run 20990101-000000-ffffff in ${join(home, 'results.db')}`);
    const compare = await get(`/compare?a=${baseRun}&b=nope`);
    expect(compare.statusCode).toBe(404);
    expect(compare.body).toContain('run nope: not in the results store');
    const traversal = await get('/runs/..%2F..%2Fetc/report.html');
    expect(traversal.statusCode).toBe(400);
    expect(traversal.body).toContain('id: not a run id');
    const missing = await get(`/compare?a=${baseRun}`);
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('b: missing: give a run id');
    const twice = await get(`/compare?a=${baseRun}&b=${baseRun}&b=${candidateRun}`);
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain('b: expected one run id');
    const unknown = await get('/nothing/here');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('no page GET /nothing/here');
  });

  it('escapes what the store holds on the list page: a target name with markup stays text', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lunar-view-xss-'));
    const store = new ResultsStore(join(root, 'results.db'));
    storeRun(store, 'odd-run', `scripted:${XSS.img}`, [{ caseId: 'x', suite: XSS.script, scores: [passFail('answer_contains', true)] }]);
    store.close();
    const viewer = viewerApp({ home: root });
    const html = (await viewer.inject({ method: 'GET', url: '/' })).body;
    await viewer.close();
    expect(html).not.toContain(XSS.img);
    expect(html).not.toContain(XSS.script);
    // No results.json: the figures are worked out from the store.
    expect(runRow(html, 'odd-run').slice(3, 8)).toEqual([XSS.script, `scripted:${XSS.img}`, '1', '0', '100.0%']);
  });

  it('says where the store should be when there is none, and creates nothing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'lunar-view-empty-'));
    const viewer = viewerApp({ home: empty });
    const list = await viewer.inject({ method: 'GET', url: '/' });
    const report = await viewer.inject({ method: 'GET', url: '/runs/r1/report.html' });
    await viewer.close();
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('No runs yet');
    expect(report.statusCode).toBe(404);
    expect(report.body).toContain(`no results store at ${join(empty, 'results.db')}`);
    expect(existsSync(join(empty, 'results.db'))).toBe(false);
  });
});

describe('lunar view app with a token', () => {
  it('refuses to be made for a non-loopback address without a token', () => {
    expect(() => viewerApp({ home, host: '0.0.0.0' })).toThrow(InputError);
    expect(() => viewerApp({ home, host: '192.168.1.20' })).toThrow(/--host 192.168.1.20: anyone who can reach this address could read every run; set a token with --token or LUNAR_VIEW_TOKEN/);
  });

  it('needs the token on every request, as a bearer header or ?token=, and carries a query token on its links', async () => {
    const token = 's3cret-token-value';
    const viewer = viewerApp({ home, host: '0.0.0.0', token });
    const send = (url: string, headers: Record<string, string> = {}) => viewer.inject({ method: 'GET', url, headers });
    try {
      const none = await send('/');
      expect(none.statusCode).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer');
      expect(none.body).not.toContain(baseRun);
      expect((await send('/', { authorization: 'Bearer wrong-token' })).statusCode).toBe(401);
      expect((await send('/?token=wrong')).statusCode).toBe(401);
      // Unknown routes too: nothing tells an outsider what exists.
      expect((await send('/nothing')).statusCode).toBe(401);
      expect((await send(`/runs/${baseRun}/report.html`)).statusCode).toBe(401);

      const bearer = await send('/', { authorization: `Bearer ${token}` });
      expect(bearer.statusCode).toBe(200);
      expect(bearer.body).toContain(`<a href="runs/${baseRun}/report.html">`);
      const query = await send(`/?token=${token}`);
      expect(query.statusCode).toBe(200);
      expect(query.body).toContain(`<a href="runs/${baseRun}/report.html?token=${token}">`);
      expect(query.body).toContain(`<input type="hidden" name="token" value="${token}">`);
      expect((await send(`/runs/${baseRun}/report.html?token=${token}`)).statusCode).toBe(200);
      expect((await send(`/compare?a=${baseRun}&b=${candidateRun}&token=${token}`)).statusCode).toBe(200);
    } finally {
      await viewer.close();
    }
  });
});

describe('lunar view: targets in the compare form, and traces on demand', () => {
  it('offers every target on both sides; the same run twice with blank targets compares its two targets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-view-two-'));
    const store = new ResultsStore(join(dir, 'results.db'));
    storeRun(store, 'two', 'baseline', [{ caseId: 'q1', scores: [passFail('exact', false)] }, { caseId: 'q2', scores: [passFail('exact', false)] }]);
    for (const caseId of ['q1', 'q2']) {
      store.add({ runId: 'two', suite: 's', config: 'default', caseId, category: 'general', target: 'openai:ft-1', repeat: 0, status: 'ok', trace: traceOf('42', [], { target: 'openai:ft-1', messages: [{ role: 'user', content: `question ${caseId}` }] }), scores: [passFail('exact', true)] });
    }
    store.flush();
    store.close();
    const viewer = viewerApp({ home: dir });
    try {
      const list = (await viewer.inject({ method: 'GET', url: '/' })).body;
      const options = '<option value="">any (pair by name)</option><option value="baseline">baseline</option><option value="openai:ft-1">openai:ft-1</option>';
      expect(list).toContain(`<select name="target_a">${options}</select>`);
      expect(list).toContain(`<select name="target_b">${options}</select>`);
      // What the form sends with both targets left blank.
      const same = await viewer.inject({ method: 'GET', url: '/compare?a=two&target_a=&b=two&target_b=' });
      expect(same.statusCode).toBe(200);
      expect(same.body).toContain('<h2>s · baseline → openai:ft-1</h2>');
      const picked = await viewer.inject({ method: 'GET', url: '/compare?a=two&target_a=openai%3Aft-1&b=two&target_b=baseline' });
      expect(picked.body).toContain('<h2>s · openai:ft-1 → baseline</h2>');

      const trace = await viewer.inject({ method: 'GET', url: '/runs/two/trace?suite=s&config=default&case=q2&target=openai%3Aft-1&repeat=0' });
      expect(trace.statusCode).toBe(200);
      expect(trace.headers['content-type']).toBe('application/json; charset=utf-8');
      expect((JSON.parse(trace.body) as { messages: { content: string }[] }).messages[0]!.content).toBe('question q2');
      const none = await viewer.inject({ method: 'GET', url: '/runs/two/trace?suite=s&case=q9&target=baseline' });
      expect(none.statusCode).toBe(404);
      expect(none.body).toContain('run two has no trace for s/default/baseline case q9 repeat 0');
      const bad = await viewer.inject({ method: 'GET', url: '/runs/two/trace?suite=s&case=q1&target=baseline&repeat=-1' });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('repeat: a repeat is 0 or more');
    } finally {
      await viewer.close();
    }
  });
});
