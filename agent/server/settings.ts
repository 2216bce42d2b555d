// `lunar serve`'s settings: flags over lunar.server.json over defaults, the token from
// LUNAR_SERVER_TOKEN before the file. The server listens on 127.0.0.1 unless told otherwise; on
// any other address it will not start without a token, since anyone who can reach it could spend
// the model's quota and read the workspace through the agent's tools. The targets are the
// operator's: the first is the default, and a request may pick only among them.

import { z } from 'zod';
import { InputError } from '../../core/errors.ts';
import { isLoopback } from './auth.ts';
import { parseAllowedHosts } from './host-check.ts';
import { configFileToRead, readJsonConfig, workspaceFolder } from '../channels/config-file.ts';

export const DEFAULT_SERVER_CONFIG = 'lunar.server.json';
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** Shorter tokens are guessable; 16 characters of a random string is the least we take. */
const MIN_TOKEN_LENGTH = 16;

export const ServerConfigFile = z
  .object({
    host: z.string().min(1).optional(),
    port: z.number().int().min(0).max(65_535).optional(),
    /** The bearer token every request must carry (LUNAR_SERVER_TOKEN wins over it). */
    token: z.string().min(1).optional(),
    /** The target, or the targets a request may pick from, the first the default. */
    target: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** Host names to answer to besides loopback and the bound address (e.g. behind a proxy). */
    allowed_hosts: z.array(z.string().min(1)).optional(),
    system: z.string().optional(),
    /** The folder the file tools may read, relative to this file. */
    workspace: z.string().min(1).optional(),
    /** Largest request body, in bytes. */
    body_limit: z.number().int().positive().optional(),
  })
  .strict();

export interface ServeFlags {
  config?: string;
  host?: string;
  port?: number;
  /** --target, repeatable: the first is the default. */
  target?: readonly string[];
  /** --allowed-host, repeatable. */
  allowedHost?: readonly string[];
  system?: string;
  workspace?: string;
  bodyLimit?: number;
}

export interface ServeSettings {
  host: string;
  port: number;
  token?: string;
  /** The targets served, at least one; the first is the default. */
  targets: string[];
  allowedHosts: string[];
  system?: string;
  workspace: string;
  bodyLimit: number;
  configFile?: string;
}

export function serveSettings(flags: ServeFlags, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ServeSettings {
  const configFile = configFileToRead(flags.config, DEFAULT_SERVER_CONFIG, cwd);
  const file = configFile ? readJsonConfig(configFile, ServerConfigFile) : ServerConfigFile.parse({});
  const given = flags.target?.length ? flags.target : typeof file.target === 'string' ? [file.target] : file.target;
  const targets = [...new Set(given ?? [])];
  if (targets.length === 0) throw new InputError(`no target: pass --target (e.g. ollama:qwen2.5:7b, openai:gpt-4o-mini, baseline) or set "target" in ${DEFAULT_SERVER_CONFIG}`);
  const host = flags.host ?? file.host ?? '127.0.0.1';
  const token = env.LUNAR_SERVER_TOKEN?.trim() || file.token;
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    throw new InputError(`the server token is ${token.length} characters long; use at least ${MIN_TOKEN_LENGTH} random ones (e.g. openssl rand -hex 24)`);
  }
  if (!token && !isLoopback(host)) {
    throw new InputError(
      `refusing to listen on ${host} without a token: set LUNAR_SERVER_TOKEN (or "token" in ${DEFAULT_SERVER_CONFIG}); every request must then carry "Authorization: Bearer <token>"`,
    );
  }
  return {
    host,
    port: flags.port ?? file.port ?? 8787,
    ...(token ? { token } : {}),
    targets,
    allowedHosts: flags.allowedHost?.length ? parseAllowedHosts(flags.allowedHost) : parseAllowedHosts(file.allowed_hosts, `${configFile ?? DEFAULT_SERVER_CONFIG}: allowed_hosts`),
    system: flags.system ?? file.system,
    workspace: workspaceFolder(flags.workspace, file.workspace, configFile, cwd),
    bodyLimit: flags.bodyLimit ?? file.body_limit ?? DEFAULT_BODY_LIMIT,
    ...(configFile ? { configFile } : {}),
  };
}

