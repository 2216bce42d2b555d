// Lunar Notes server entry point.
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { startSync } from './sync.ts';

export const APP_NAME = 'Lunar Notes';
export const VERSION = '2.4.1';
export const DEFAULT_PORT = 8080;
/** Notes allowed on the Free plan. */
export const MAX_NOTES_FREE = 200;

interface Settings {
  server: { host: string; port: number };
  sync: { enabled: boolean; interval_seconds: number };
}

export function loadSettings(path: string): Settings {
  return JSON.parse(readFileSync(path, 'utf8')) as Settings;
}

export function startServer(port: number = DEFAULT_PORT): Server {
  const server = createServer((req, res) => {
    if (req.url === '/api/v1/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', version: VERSION }));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  server.listen(port, () => console.log(`${APP_NAME} ${VERSION} listening on port ${port}`));
  return server;
}

export function main(): void {
  const settings = loadSettings('config/settings.json');
  startServer(settings.server.port);
  if (settings.sync.enabled) startSync(settings.sync.interval_seconds);
}
