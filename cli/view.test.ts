import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { passFail, storeRun } from '../runners/compare-fixtures.ts';
import { InputError } from '../core/errors.ts';
import { ResultsStore } from '../runners/store.ts';
import { rawRequest } from '../agent/server/test-http.ts';
import { registerViewCommand, serveViewer, type ServeViewerOptions } from './view.ts';

function homeWithRun(): string {
  const home = mkdtempSync(join(tmpdir(), 'lunar-view-cmd-'));
  const store = new ResultsStore(join(home, 'results.db'));
  storeRun(store, 'run-1', 'baseline', [{ caseId: 'x', scores: [passFail('answer_contains', true)] }, { caseId: 'y', scores: [passFail('answer_contains', false)] }]);
  store.close();
  return home;
}

describe('serveViewer', () => {
  it('listens on a free port of 127.0.0.1 and serves the run list over HTTP until stopped', async () => {
    const home = homeWithRun();
    const stop = new AbortController();
    const lines: string[] = [];
    let listening!: (address: string) => void;
    const ready = new Promise<string>((resolve) => (listening = resolve));
    const serving = serveViewer({ home, host: '127.0.0.1', port: 0, stop: stop.signal, log: (l) => lines.push(l), onListening: listening });
    const address = await Promise.race([ready, serving.then(() => Promise.reject(new Error('stopped before it listened')))]);
    try {
      expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${address}/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = await response.text();
      // 1 of 2 passed.
      expect(html).toMatch(/<tr data-run="run-1">.*<td>2<\/td><td>0<\/td><td>50\.0%<\/td>/s);
      expect(lines).toEqual([`lunar view: runs of ${home} at ${address}/; Ctrl-C to stop`]);

      // The same port again: bad configuration naming the port.
      const port = Number(new URL(address).port);
      await expect(serveViewer({ home, host: '127.0.0.1', port, stop: new AbortController().signal, log: () => {} })).rejects.toThrow(
        `--port ${port}: the port is in use on 127.0.0.1; pick another with --port (0 takes any free one)`,
      );
    } finally {
      stop.abort();
      await serving;
    }
    await expect(fetch(`${address}/`)).rejects.toThrow();
  });
});

/** serveViewer on a free port; resolves with its address and a way to stop it once it listens. */
async function startViewer(options: Partial<ServeViewerOptions> & { home: string }): Promise<{ address: string; port: number; stop: () => Promise<void> }> {
  const stop = new AbortController();
  let listening!: (address: string) => void;
  const ready = new Promise<string>((resolve) => (listening = resolve));
  const serving = serveViewer({ host: '127.0.0.1', port: 0, stop: stop.signal, log: () => {}, onListening: listening, ...options });
  const address = await Promise.race([ready, serving.then(() => Promise.reject(new Error('stopped before it listened')))]);
  return {
    address,
    port: Number(new URL(address).port),
    stop: async () => {
      stop.abort();
      await serving;
    },
  };
}

describe('serveViewer under attack, over real HTTP', () => {
  it('refuses a page that rebound its name to loopback with 421, showing nothing of the runs, and answers its own names and --allowed-host', async () => {
    const viewer = await startViewer({ home: homeWithRun(), allowedHosts: ['runs.internal'] });
    try {
      const get = (host: string, path = '/') => rawRequest(viewer.address, { path, headers: { host } });
      for (const path of ['/', '/runs/run-1/report.html', '/compare?a=run-1&b=run-1', '/nothing']) {
        const rebound = await get(`attacker.example:${viewer.port}`, path);
        expect(rebound.status, path).toBe(421);
        expect(JSON.parse(rebound.body)).toEqual({ error: `host "attacker.example:${viewer.port}": this server answers only to the names it was started for; to allow another, start it with --allowed-host <name>` });
        expect(rebound.body).not.toContain('run-1');
        // The viewer's own safety headers ride the refusal too.
        expect(rebound.headers['x-frame-options']).toBe('DENY');
      }
      expect((await get(`localhost:${viewer.port + 1}`)).status).toBe(421);
      for (const host of [`127.0.0.1:${viewer.port}`, `localhost:${viewer.port}`, `[::1]:${viewer.port}`, 'runs.internal', 'runs.internal:8443']) {
        const page = await get(host);
        expect(page.status, host).toBe(200);
        expect(page.body).toContain('<tr data-run="run-1">');
      }
    } finally {
      await viewer.stop();
    }
  });

  it('refuses a state change from another origin with 403, and checks the host before the token', async () => {
    const token = 'view-attack-token-0123456789';
    const viewer = await startViewer({ home: homeWithRun(), host: '0.0.0.0', token });
    const local = `http://127.0.0.1:${viewer.port}`;
    try {
      const posted = await rawRequest(local, { method: 'POST', path: '/', headers: { host: `127.0.0.1:${viewer.port}`, origin: 'https://attacker.example', authorization: `Bearer ${token}` }, json: {} });
      expect(posted.status).toBe(403);
      expect(JSON.parse(posted.body).error).toMatch(/^origin "https:\/\/attacker\.example" may not send POST requests here/);
      const rebound = await rawRequest(local, { path: `/?token=${token}`, headers: { host: `attacker.example:${viewer.port}` } });
      expect(rebound.status).toBe(421);
      expect(rebound.headers['www-authenticate']).toBeUndefined();
      expect((await rawRequest(local, { headers: { host: `localhost:${viewer.port}` } })).status).toBe(401);
      expect((await rawRequest(local, { path: `/?token=${token}`, headers: { host: `localhost:${viewer.port}` } })).status).toBe(200);
    } finally {
      await viewer.stop();
    }
  });
});

describe('lunar view', () => {
  async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
    const program = new Command('lunar').exitOverride().configureOutput({ writeErr: () => {} });
    registerViewCommand(program, () => homeWithRun(), { stdout: () => {}, stderr: () => {} }, env);
    await program.parseAsync(['node', 'lunar', 'view', ...args]);
  }

  it('refuses a non-loopback host without --token or LUNAR_VIEW_TOKEN as bad input, before listening', async () => {
    await expect(run(['--host', '0.0.0.0', '--port', '0'])).rejects.toThrow(InputError);
    await expect(run(['--host', '0.0.0.0', '--port', '0'], { LUNAR_VIEW_TOKEN: '' })).rejects.toThrow(/set a token with --token or LUNAR_VIEW_TOKEN/);
    await expect(run(['--port', '70000'])).rejects.toThrow(/expected a port number, 0 to 65535/);
    await expect(run(['--port', '0', '--allowed-host', 'ok.example', '--allowed-host', 'evil.example:80'])).rejects.toThrow(
      '--allowed-host "evil.example:80": give a host name or an IP address, without scheme, port or path (e.g. lunar.example.com)',
    );
  });
});
