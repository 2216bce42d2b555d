// `lunar view`: the results store in a browser (reports/viewer/app.ts). Listens on 127.0.0.1 by
// default; another address needs a token (--token or LUNAR_VIEW_TOKEN), which is never printed.
// It answers only requests naming a host it was started for: localhost, 127.0.0.1, [::1], the
// bound address, and each --allowed-host (agent/server/host-check.ts). Ctrl-C stops it.

import { Command, InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { DEFAULT_HOST, TOKEN_ENV } from '../reports/viewer/access.ts';
import { viewerApp } from '../reports/viewer/app.ts';
import { parseAllowedHosts } from '../agent/server/host-check.ts';
import { PROCESS_OUTPUT, type CommandOutput } from './output.ts';
import { InputError } from '../core/errors.ts';

export const DEFAULT_PORT = 4780;

export interface ServeViewerOptions {
  home: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  token?: string;
  /** Host names to answer to besides loopback and the bound address (--allowed-host). */
  allowedHosts?: readonly string[];
  /** Stops the server; serveViewer resolves once it has closed. */
  stop: AbortSignal;
  log: (line: string) => void;
  /** Told the address once the server listens (with the port it got). */
  onListening?: (address: string) => void;
}

export async function serveViewer(options: ServeViewerOptions): Promise<void> {
  const app = viewerApp({ home: options.home, host: options.host, token: options.token, allowedHosts: options.allowedHosts, log: options.log });
  let address: string;
  try {
    address = await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new InputError(`--port ${options.port}: the port is in use on ${options.host}; pick another with --port (0 takes any free one)`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES') throw new InputError(`--host ${options.host} --port ${options.port}: cannot listen there (${code})`);
    throw error;
  }
  const access = options.token === undefined ? '' : ` (with the token: send Authorization: Bearer <token>, or open ${address}/?token=<token>)`;
  options.log(`lunar view: runs of ${options.home} at ${address}/${access}; Ctrl-C to stop`);
  options.onListening?.(address);
  await new Promise<void>((done) => {
    if (options.stop.aborted) done();
    else options.stop.addEventListener('abort', () => done(), { once: true });
  });
  await app.close();
}

export function registerViewCommand(program: Command, home: () => string, output: CommandOutput = PROCESS_OUTPUT, env: NodeJS.ProcessEnv = process.env): void {
  program
    .command('view')
    .description(`Browse the results store: runs with their headline figures, each run's report, and a comparison of any two runs (a local web server on ${DEFAULT_HOST}).`)
    .option('-p, --port <n>', `the port (0: any free one)`, port, DEFAULT_PORT)
    .option('--host <address>', `the address to listen on; other than loopback it needs a token`, DEFAULT_HOST)
    .option('--allowed-host <name>', 'a host name to answer to besides localhost, 127.0.0.1, [::1] and the bound address, e.g. behind a proxy (repeatable)', collect)
    .option('--token <secret>', `require this token on every request (default $${TOKEN_ENV}); prefer the variable, which stays out of the process list`)
    .option('--home <dir>', 'where results.db and runs/ live (default $LUNAR_HOME or .lunar)')
    .action(async (flags: { port: number; host: string; token?: string; home?: string; allowedHost?: string[] }) => {
      // Checked before anything listens: a malformed name is bad input (exit 2), not a server that answers no one.
      const allowedHosts = parseAllowedHosts(flags.allowedHost);
      const token = flags.token ?? (env[TOKEN_ENV] || undefined);
      const homeDir = flags.home ? resolve(flags.home) : home();
      const stop = new AbortController();
      // A server has nothing in flight worth keeping: Ctrl-C or SIGTERM closes it, and the command ends with 0.
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        await serveViewer({ home: homeDir, host: flags.host, port: flags.port, token, allowedHosts, stop: stop.signal, log: (line) => output.stderr(`${line}\n`) });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number, 0 to 65535');
  return n;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
