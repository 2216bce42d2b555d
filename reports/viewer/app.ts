// `lunar view`'s HTTP app: the runs of a Lunar home as pages.
//   GET /                     the runs of results.db, newest first, with their headline figures
//   GET /runs/:id/report.html the run's report.html (written again from the store when missing)
//   GET /runs/:id/trace?suite=&config=&case=&target=&repeat=  one attempt's trace as JSON, which
//                             the report page fetches for an attempt whose trace it does not embed
//   GET /compare?a=&b=        the comparison of two runs (reports/compare/compare.ts), as comparison.html
//   GET /history?suite=&target= quality over time across the runs (reports/history.ts): a chart and a table
// Parameters are checked with zod (a bad one is 400 naming it; an unknown run 404). Every request
// must name a host the viewer answers to (agent/server/host-check.ts, shared with lunar serve,
// against DNS rebinding); with a token, every request must carry it too (access.ts). Every page is HTML escaped as the reports are, and
// served with headers that keep it from being framed, sniffed or leaking its URL.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadComparison, UnknownRunError } from '../compare/compare.ts';
import { InputError } from '../../core/errors.ts';
import { writeStoredRunReports } from '../stored-run.ts';
import { ResultsStore } from '../../runners/store.ts';
import { renderComparisonHtml } from '../html/compare-report.ts';
import { reportFile } from '../reporters.ts';
import { checkBind, DEFAULT_HOST, tokenAllowed } from './access.ts';
import { hostCheck } from '../../agent/server/host-check.ts';
import { errorPage, listPage, VIEWER_CSP } from './pages.ts';
import { CompareQuery, describeIssues, HistoryQuery, RunParams, TraceQuery } from './params.ts';
import { historyChoices, historyOf } from '../history.ts';
import { historyCsp, historyPage } from './history-page.ts';
import { RunLister } from './run-list.ts';
import { packages } from '../../core/packages.ts';

export interface ViewerOptions {
  /** The Lunar home: results.db and runs/. */
  home: string;
  /** The address the app will listen on; one other than loopback needs a token. */
  host?: string;
  /** Host names to answer to besides loopback and the bound address (--allowed-host). */
  allowedHosts?: readonly string[];
  /** When set, every request needs it (Authorization: Bearer, or ?token=). */
  token?: string;
  /** Runs on the front page (default 200, newest first). */
  listLimit?: number;
  /** Where unexpected failures are told (default: nowhere; the page says what failed). */
  log?: (line: string) => void;
}

/** A failure with the status and title its page gets. */
class PageError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

const TITLES: Record<number, string> = { 400: 'Bad request', 401: 'Unauthorized', 404: 'Not found', 500: 'Internal error' };

export function viewerApp(options: ViewerOptions): FastifyInstance {
  const { home, token } = options;
  checkBind(options.host ?? DEFAULT_HOST, token);
  const storePath = join(home, 'results.db');
  const lister = new RunLister(home);
  // One connection for the app's life: WAL lets it read while a bench writes.
  let store: ResultsStore | undefined;
  const openStore = (): ResultsStore | undefined => {
    if (!store && existsSync(storePath)) store = new ResultsStore(storePath);
    return store;
  };
  const needStore = (): ResultsStore => {
    const opened = openStore();
    if (!opened) throw new PageError(404, `no results store at ${storePath}: run lunar bench first, or start lunar view with --home pointing at the folder that holds results.db`);
    return opened;
  };
  /** The token to carry on links: only when the request brought it in the query (a bearer header cannot ride a link). */
  const linkToken = (request: FastifyRequest): string | undefined => {
    const given = (request.query as Record<string, unknown> | undefined)?.token;
    return token !== undefined && typeof given === 'string' ? given : undefined;
  };
  const sendError = (request: FastifyRequest, reply: FastifyReply, status: number, message: string) =>
    reply.code(status).type('text/html; charset=utf-8').header('content-security-policy', VIEWER_CSP).send(errorPage(status, TITLES[status] ?? 'Error', message, linkToken(request)));

  const app = packages.fastify({ logger: false });
  app.addHook('onClose', async () => store?.close());
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer').header('x-frame-options', 'DENY').header('cache-control', 'no-store');
    return payload;
  });
  // First: a page that rebound its own name to this address learns nothing, not even whether a token is asked for.
  app.addHook('onRequest', hostCheck({ allowedHosts: options.allowedHosts }));
  if (token !== undefined) {
    app.addHook('onRequest', async (request, reply) => {
      const queryToken = (request.query as Record<string, unknown> | undefined)?.token;
      if (tokenAllowed({ authorization: request.headers.authorization, queryToken }, token)) return;
      reply.header('www-authenticate', 'Bearer');
      return sendError(request, reply, 401, 'this viewer needs its token: send Authorization: Bearer <token>, or add ?token=<token> to the address');
    });
  }

  app.get('/', async (request, reply) => {
    const opened = openStore();
    const { runs, total } = opened ? lister.list(opened, options.listLimit ?? 200) : { runs: [], total: 0 };
    return reply.type('text/html; charset=utf-8').header('content-security-policy', VIEWER_CSP).send(listPage({ runs, total, storePath, token: linkToken(request) }));
  });

  app.get('/runs/:id/report.html', async (request, reply) => {
    const params = RunParams.safeParse(request.params);
    if (!params.success) throw new PageError(400, describeIssues(params.error));
    const { id } = params.data;
    if (!needStore().run(id)) throw new PageError(404, `no run ${id} in ${storePath}`);
    const file = join(home, 'runs', id, reportFile('html'));
    // A run whose files were deleted, or written elsewhere with --out: the store has all it needs.
    if (!existsSync(file)) writeStoredRunReports(id, { home });
    return reply.type('text/html; charset=utf-8').send(createReadStream(file));
  });

  app.get('/runs/:id/trace', async (request, reply) => {
    const params = RunParams.safeParse(request.params);
    if (!params.success) throw new PageError(400, describeIssues(params.error));
    const query = TraceQuery.safeParse(request.query);
    if (!query.success) throw new PageError(400, describeIssues(query.error));
    const { id } = params.data;
    const store = needStore();
    if (!store.run(id)) throw new PageError(404, `no run ${id} in ${storePath}`);
    const q = query.data;
    const trace = store.trace({ runId: id, suite: q.suite, config: q.config, caseId: q.case, target: q.target, repeat: q.repeat });
    if (!trace) throw new PageError(404, `run ${id} has no trace for ${q.suite}/${q.config}/${q.target} case ${q.case} repeat ${q.repeat}`);
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(trace));
  });

  app.get('/compare', async (request, reply) => {
    const query = CompareQuery.safeParse(request.query);
    if (!query.success) throw new PageError(400, describeIssues(query.error));
    const { a, b, target_a: targetA, target_b: targetB } = query.data;
    const comparison = loadComparison(needStore(), a, b, { targetA, targetB });
    return reply.type('text/html; charset=utf-8').send(renderComparisonHtml(comparison));
  });

  app.get('/history', async (request, reply) => {
    const query = HistoryQuery.safeParse(request.query);
    if (!query.success) throw new PageError(400, describeIssues(query.error));
    const opened = openStore();
    const all = opened ? historyOf(opened) : [];
    // Filtered here rather than in historyOf: the filters' choices come from every row.
    const { suite, target } = query.data;
    const rows = all.filter((r) => (suite === undefined || r.suite === suite) && (target === undefined || r.target === target));
    const page = historyPage({ rows, choices: historyChoices(all), filter: { suite, target }, token: linkToken(request) });
    return reply.type('text/html; charset=utf-8').header('content-security-policy', historyCsp()).send(page);
  });

  app.setNotFoundHandler((request, reply) => sendError(request, reply, 404, `no page ${request.method} ${request.url.split('?')[0]}: the pages are /, /runs/<run-id>/report.html, /runs/<run-id>/trace?suite=&config=&case=&target=&repeat=, /compare?a=<run-id>&b=<run-id> and /history`));

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof PageError) return sendError(request, reply, error.status, error.message);
    if (error instanceof UnknownRunError) return sendError(request, reply, 404, error.message);
    if (error instanceof InputError) return sendError(request, reply, 400, error.message);
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) return sendError(request, reply, status, error.message);
    options.log?.(`lunar view: ${request.method} ${request.url.split('?')[0]}: ${error.stack ?? error.message}`);
    return sendError(request, reply, 500, `internal error: ${error.message}`);
  });

  return app;
}
