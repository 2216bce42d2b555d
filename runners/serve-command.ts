// `lunar serve`: the agent over HTTP (POST /v1/chat, GET /health) on 127.0.0.1 by default. On
// any other address it needs a bearer token (LUNAR_SERVER_TOKEN or the config file) and refuses
// to start without one. Ctrl-C stops taking requests and lets those in flight finish.

import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { InMemoryChatSessions, type ChatSessions } from '../agent/channels/sessions.ts';
import { chatServer } from '../agent/server/app.ts';
import { serveSettings, type ServeFlags } from '../agent/server/settings.ts';
import { builtinRegistry } from '../agent/tools/builtin.ts';
import { withInterrupts } from './bench-command.ts';
import { nonNegativeInt, positiveInt } from './cli-args.ts';
import { InputError } from './input-error.ts';
import { untilAborted } from './until-aborted.ts';
import { resolveTarget, type ResolvedTarget } from './targets.ts';
import type { SessionsFor } from './telegram-command.ts';

export function registerServeCommand(program: Command, home: () => string, sessionsFor: SessionsFor = () => new InMemoryChatSessions()): void {
  program
    .command('serve')
    .description('Serve the agent over HTTP: POST /v1/chat (JSON, or Server-Sent Events with Accept: text/event-stream or ?stream=1) and GET /health.')
    .option('-t, --target <id>', 'the default model (a request may name another); or "target" in the config file')
    .option('-c, --config <file>', 'settings: {"host", "port", "token", "target", "system", "workspace", "body_limit"} (default ./lunar.server.json when there is one)')
    .option('--host <address>', 'the address to listen on (default 127.0.0.1; any other needs LUNAR_SERVER_TOKEN)')
    .addOption(new Option('-p, --port <n>', 'the port (default 8787; 0 for any free one)').argParser(nonNegativeInt))
    .option('-w, --workspace <dir>', 'the folder the file tools may read (default datasets/workspace)')
    .option('-s, --system <prompt>', 'a system prompt')
    .addOption(new Option('--body-limit <bytes>', 'largest request body; larger ones get 413 (default 1048576)').argParser(positiveInt))
    .option('--home <dir>', 'the Lunar home, where sessions are kept (default $LUNAR_HOME or .lunar)')
    .action(async (flags: ServeFlags & { home?: string }) => {
      const sessions = sessionsFor(flags.home ? resolve(flags.home) : home());
      await withInterrupts(({ stop }) => runServe({ flags, sessions, stop }));
    });
}

export interface RunServeOptions {
  flags: ServeFlags;
  sessions: ChatSessions;
  /** Stop taking requests; those in flight finish. */
  stop: AbortSignal;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  log?: (line: string) => void;
  /** Told the address once the server listens. */
  onReady?: (address: string) => void;
}

export async function runServe(options: RunServeOptions): Promise<void> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const settings = serveSettings(options.flags, env, options.cwd);
  // The default target is checked before listening: a typo or a missing key is exit 2, not a 400 per request.
  const targets = new Map<string, ResolvedTarget>();
  const targetFor = (id: string) => {
    if (id === 'scripted') throw new InputError('the scripted target needs a script per case; use scripted:FILE');
    const resolved = targets.get(id) ?? resolveTarget(id, { env });
    targets.set(id, resolved);
    return resolved;
  };
  targetFor(settings.target);
  const app = chatServer({
    agent: { tools: builtinRegistry(), system: settings.system, workspaceRoot: settings.workspace },
    defaultTarget: settings.target,
    modelFor: (id) => targetFor(id).model(),
    sessions: options.sessions,
    token: settings.token,
    bodyLimit: settings.bodyLimit,
    log,
  });
  const address = await app.listen({ host: settings.host, port: settings.port });
  const guard = settings.token ? 'every request needs its bearer token' : 'loopback only, no token';
  log(`serve: ${settings.target} at ${address} (POST /v1/chat, GET /health; ${guard}); Ctrl-C to stop`);
  options.onReady?.(address);
  await untilAborted(options.stop);
  await app.close();
}
