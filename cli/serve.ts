// `lunar serve`: the agent over HTTP (POST /v1/chat, GET /health) on 127.0.0.1 by default. On
// any other address it needs a bearer token (LUNAR_SERVER_TOKEN or the config file) and refuses
// to start without one. Every request must name a host it was started for (loopback names, the
// bound address, --allowed-host), which keeps web pages from reaching it through DNS rebinding.
// The targets are fixed at start (--target, repeatable, the first the default) and each is
// resolved before listening: a request picks among them by id, and cannot make the server read a
// file (scripted:FILE) or spend a provider key the operator did not choose. Ctrl-C stops taking
// requests and lets those in flight finish.
//
// Conversations and memory (agent/memory, through agent/channels/memory-sessions.ts): a request
// with "session": "<name>" is a turn of the transcript <home>/sessions/http-<name>.jsonl, resumed
// after a restart. Memory is one root for the server, <home>/memory/http/: the server has one
// owner (loopback, or whoever holds the token), whose notes should reach every conversation they
// start, and a new session name is how a client starts a new conversation. A conversation sent
// whole ("messages") keeps nothing and is offered no memory tools.

import { Command, Option } from 'commander';
import { join, resolve } from 'node:path';
import { MemoryChatSessions } from '../agent/channels/memory-sessions.ts';
import { memoryConversations, withMemoryTools } from '../agent/channels/memory-turn.ts';
import type { ChatSessions } from '../agent/channels/sessions.ts';
import type { TurnRunner } from '../agent/channels/turn.ts';
import { chatServer } from '../agent/server/app.ts';
import { serveSettings, type ServeFlags } from '../agent/server/settings.ts';
import { builtinRegistry } from '../agent/tools/builtin.ts';
import { withInterrupts } from './bench.ts';
import { nonNegativeInt, positiveInt } from './args.ts';
import { InputError } from '../core/errors.ts';
import { untilAborted } from '../core/until-aborted.ts';
import { resolveTarget, validateTargets, type ResolvedTarget } from '../agent/targets.ts';
import type { ConversationsFor } from './telegram.ts';
import { EXTERNAL_AGENT_REFUSED, isExternalAgent, needsCaseScript } from '../agent/providers/capabilities.ts';

/** Each session's transcript under <home>/sessions/, and one memory for the server in <home>/memory/http/. */
export const serverConversations: ConversationsFor = (home) =>
  memoryConversations(new MemoryChatSessions({ home, memoryRoot: () => join(home, 'memory', 'http'), log: (line) => process.stderr.write(`serve: ${line}\n`) }));

export function registerServeCommand(program: Command, home: () => string, conversationsFor: ConversationsFor = serverConversations): void {
  program
    .command('serve')
    .description('Serve the agent over HTTP: POST /v1/chat (JSON, or Server-Sent Events with Accept: text/event-stream or ?stream=1) and GET /health.')
    .option('-t, --target <id>', 'a model to serve (repeatable): the first is the default, and a request may pick only these; or "target" in the config file', collect)
    .option('-c, --config <file>', 'settings: {"host", "port", "token", "target", "allowed_hosts", "system", "workspace", "body_limit"} (default ./lunar.server.json when there is one)')
    .option('--host <address>', 'the address to listen on (default 127.0.0.1; any other needs LUNAR_SERVER_TOKEN)')
    .option('--allowed-host <name>', 'a host name to answer to besides localhost, 127.0.0.1, [::1] and the bound address, e.g. behind a proxy (repeatable)', collect)
    .addOption(new Option('-p, --port <n>', 'the port (default 8787; 0 for any free one)').argParser(nonNegativeInt))
    .option('-w, --workspace <dir>', 'the folder the file tools may read (default datasets/workspace)')
    .option('-s, --system <prompt>', 'a system prompt')
    .addOption(new Option('--body-limit <bytes>', 'largest request body; larger ones get 413 (default 1048576)').argParser(positiveInt))
    .option('--home <dir>', "the Lunar home: a session's conversation in sessions/http-<name>.jsonl, the server's memory in memory/http/ (default $LUNAR_HOME or .lunar)")
    .action(async (flags: ServeFlags & { home?: string }) => {
      const conversations = conversationsFor(flags.home ? resolve(flags.home) : home());
      try {
        await withInterrupts(({ stop }) => runServe({ flags, ...conversations, stop }), 'serve: stopping: no new requests are taken; those in flight finish (Ctrl-C again to quit now)');
      } finally {
        conversations.sessions.close?.();
      }
    });
}

export interface RunServeOptions {
  flags: ServeFlags;
  sessions: ChatSessions;
  /** How a session's turn runs (default: the agent loop over the session's history). */
  turns?: TurnRunner;
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
  // Every target is resolved before listening (a script file read once, a key checked): a typo or
  // a missing key is exit 2, and no request afterwards makes the server read or resolve anything.
  const targets = new Map<string, ResolvedTarget>();
  validateTargets(settings.targets);
  for (const id of settings.targets) {
    if (needsCaseScript(id)) throw new InputError('the scripted target needs a script per case; use scripted:FILE');
    if (isExternalAgent(id)) throw new InputError(EXTERNAL_AGENT_REFUSED(id, 'serve'));
    targets.set(id, resolveTarget(id, { env }));
  }
  const app = chatServer({
    // A store with long-term memory behind its sessions gets the memory tools offered.
    agent: { tools: options.sessions.memory ? withMemoryTools(builtinRegistry()) : builtinRegistry(), system: settings.system, workspaceRoot: settings.workspace },
    targets: settings.targets,
    modelFor: (id) => targets.get(id)!.model(),
    allowedHosts: settings.allowedHosts,
    sessions: options.sessions,
    turns: options.turns,
    token: settings.token,
    bodyLimit: settings.bodyLimit,
    log,
  });
  const address = await app.listen({ host: settings.host, port: settings.port });
  const guard = settings.token ? 'every request needs its bearer token' : 'loopback only, no token';
  const [first, ...others] = settings.targets;
  const served = others.length ? `${first} (default; a request may also pick ${others.join(', ')})` : first;
  log(`serve: ${served} at ${address} (POST /v1/chat, GET /health; ${guard}); Ctrl-C to stop`);
  options.onReady?.(address);
  await untilAborted(options.stop);
  await app.close();
  log('serve: stopped');
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
