// `lunar serve`: the agent over HTTP (POST /v1/chat, GET /health) on 127.0.0.1 by default. On
// any other address it needs a bearer token (LUNAR_SERVER_TOKEN or the config file) and refuses
// to start without one. Ctrl-C stops taking requests and lets those in flight finish.
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
import { needsCaseScript } from '../agent/providers/registry.ts';

/** Each session's transcript under <home>/sessions/, and one memory for the server in <home>/memory/http/. */
export const serverConversations: ConversationsFor = (home) =>
  memoryConversations(new MemoryChatSessions({ home, memoryRoot: () => join(home, 'memory', 'http'), log: (line) => process.stderr.write(`serve: ${line}\n`) }));

export function registerServeCommand(program: Command, home: () => string, conversationsFor: ConversationsFor = serverConversations): void {
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
    .option('--home <dir>', "the Lunar home: a session's conversation in sessions/http-<name>.jsonl, the server's memory in memory/http/ (default $LUNAR_HOME or .lunar)")
    .action(async (flags: ServeFlags & { home?: string }) => {
      const conversations = conversationsFor(flags.home ? resolve(flags.home) : home());
      try {
        await withInterrupts(({ stop }) => runServe({ flags, ...conversations, stop }));
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
  // The default target is checked before listening: a typo or a missing key is exit 2, not a 400 per request.
  const targets = new Map<string, ResolvedTarget>();
  const targetFor = (id: string) => {
    // An unknown provider is bad input (exit 2) before anything asks what the provider can do.
    validateTargets([id]);
    if (needsCaseScript(id)) throw new InputError('the scripted target needs a script per case; use scripted:FILE');
    const resolved = targets.get(id) ?? resolveTarget(id, { env });
    targets.set(id, resolved);
    return resolved;
  };
  targetFor(settings.target);
  const app = chatServer({
    // A store with long-term memory behind its sessions gets the memory tools offered.
    agent: { tools: options.sessions.memory ? withMemoryTools(builtinRegistry()) : builtinRegistry(), system: settings.system, workspaceRoot: settings.workspace },
    defaultTarget: settings.target,
    modelFor: (id) => targetFor(id).model(),
    sessions: options.sessions,
    turns: options.turns,
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
