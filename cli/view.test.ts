import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { passFail, storeRun } from '../runners/compare-fixtures.ts';
import { InputError } from '../core/errors.ts';
import { ResultsStore } from '../runners/store.ts';
import { registerViewCommand, serveViewer } from './view.ts';

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
  });
});
