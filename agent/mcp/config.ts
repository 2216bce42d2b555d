// Which MCP servers a run connects to. A suite lists them under `mcp:`, inline or as the path of
// a JSON file in the `mcpServers` format that Claude Desktop, Cursor and Claude Code's .mcp.json
// share, so a team points Lunar at the file it already has. Each server is a command Lunar starts
// and speaks to over stdio, or the URL of a streamable HTTP server.
//
// `${VAR}` and `${VAR:-default}` in a command, argument, env value, cwd, URL or header are left as
// written here and read from the environment only when the server is connected (expandConfig), so
// a token never sits in a parsed suite.

import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { readJsonConfig } from '../channels/config-file.ts';

/** Every MCP call waits this long for its answer unless the server says otherwise (as providers do). */
export const DEFAULT_MCP_TIMEOUT_MS = 60_000;

const ServerName = z.string().regex(/^[a-zA-Z0-9_-]{1,32}$/, 'a server name is 1 to 32 letters, digits, _ or -');

/** Fields both syntaxes share: what a server is, and Lunar's own options for it. */
const serverFields = {
  command: z.string().min(1).optional(),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  /** Where the command runs; relative to the file that lists the server (default: that file's folder). */
  cwd: z.string().min(1).optional(),
  url: z.string().min(1).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  /** How long one call (or the start) may take. */
  timeout_ms: z.number().int().positive().optional(),
  /** Offer tools as `<server>__<tool>` (default) or by their own names. */
  prefix: z.boolean().optional(),
};

type ServerFields = z.infer<z.ZodObject<typeof serverFields>>;

/** A server is a command or a URL, never both; stdio options do not go with a URL nor headers with a command. */
function checkTransport(entry: ServerFields, ctx: z.RefinementCtx): void {
  if (!entry.command === !entry.url) {
    ctx.addIssue({ code: 'custom', path: [], message: 'give either command (a server Lunar starts) or url (a streamable HTTP server)' });
    return;
  }
  const wrong = entry.url ? (['args', 'env', 'cwd'] as const) : (['headers'] as const);
  for (const field of wrong) {
    if (entry[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: entry.url ? `${field} goes with a command, not a url` : 'headers go with a url, not a command' });
  }
  if (entry.url && !entry.url.includes('${') && !/^https?:\/\/\S+$/.test(entry.url)) ctx.addIssue({ code: 'custom', path: ['url'], message: `expected an http:// or https:// URL, got "${entry.url}"` });
}

const SuiteEntry = z.object({ name: ServerName, ...serverFields }).strict().superRefine(checkTransport);

const SuiteList = z
  .array(SuiteEntry)
  .min(1)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((entry, i) => {
      if (seen.has(entry.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `server "${entry.name}" is listed twice` });
      seen.add(entry.name);
    });
  });

/**
 * A suite's `mcp:` value: a list of servers, or the path of an mcp.json file (relative to the
 * suite). Written as a transform so a mistake deep in the list is reported at its own field, not
 * as "Invalid input" for the whole union.
 */
export const McpSetting = z.unknown().transform((value, ctx): string | z.infer<typeof SuiteList> => {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (!Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: 'expected a list of servers ({ name, command, args } or { name, url }) or the path of an mcp.json file' });
    return z.NEVER;
  }
  const parsed = SuiteList.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    ctx.addIssue({
      code: 'custom',
      path: unknownKey ? [...issue.path, unknownKey] : issue.path,
      message: unknownKey ? `unknown field (known: name, ${Object.keys(serverFields).join(', ')})` : issue.message,
    });
  }
  return z.NEVER;
});

/**
 * The mcpServers file. Other tools' keys (`disabled`, `autoApprove`, ...) are allowed: the file
 * is theirs too. A server marked `disabled: true` is left out, as those tools do.
 */
const FileEntry = z
  .looseObject({ ...serverFields, type: z.enum(['stdio', 'http', 'streamable-http', 'sse']).optional(), disabled: z.boolean().optional() })
  .superRefine((entry, ctx) => {
    if (entry.type === 'sse') ctx.addIssue({ code: 'custom', path: ['type'], message: 'the SSE transport is not supported (it is deprecated in MCP); use the server\'s streamable HTTP endpoint' });
    else checkTransport(entry, ctx);
  });
const McpFile = z.looseObject({
  mcpServers: z.record(z.string(), FileEntry).superRefine((servers, ctx) => {
    for (const name of Object.keys(servers)) {
      if (!ServerName.safeParse(name).success) ctx.addIssue({ code: 'custom', path: [name], message: 'a server name is 1 to 32 letters, digits, _ or -' });
    }
  }),
});

interface Common {
  name: string;
  /** The file that lists the server, for messages. */
  source: string;
  timeoutMs: number;
  prefix: boolean;
}

/** One server, as a run connects to it. String fields may still hold `${VAR}`. */
export type McpServerConfig =
  | (Common & {
      transport: 'stdio';
      command: string;
      args: string[];
      env: Record<string, string>;
      /** As written (default "."), resolved against `folder` once expanded. */
      cwd: string;
      /** The folder of the file that lists the server. */
      folder: string;
    })
  | (Common & { transport: 'http'; url: string; headers: Record<string, string> });

/** The servers a suite's `mcp:` names; `here` is the suite's folder, `source` its file. */
export function resolveMcpServers(setting: z.infer<typeof McpSetting>, here: string, source: string): McpServerConfig[] {
  if (typeof setting !== 'string') return setting.map((entry) => toConfig(entry.name, entry, here, source));
  const file = resolve(here, setting);
  const parsed = readJsonConfig(file, McpFile);
  return Object.entries(parsed.mcpServers)
    .filter(([, entry]) => entry.disabled !== true)
    .map(([name, entry]) => toConfig(name, entry, dirname(file), file));
}

function toConfig(name: string, entry: ServerFields, here: string, source: string): McpServerConfig {
  const common = { name, source, timeoutMs: entry.timeout_ms ?? DEFAULT_MCP_TIMEOUT_MS, prefix: entry.prefix ?? true };
  if (entry.url) return { ...common, transport: 'http', url: entry.url, headers: entry.headers ?? {} };
  return { ...common, transport: 'stdio', command: entry.command!, args: entry.args ?? [], env: entry.env ?? {}, cwd: entry.cwd ?? '.', folder: here };
}

/** A `${VAR}` with no value and no default: the message names the server, the field and the variable. */
export class McpConfigError extends Error {
  override name = 'McpConfigError';
}

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** `${VAR}` and `${VAR:-default}` in `text` read from `env`; a variable with neither is an McpConfigError naming `where()`. */
export function expand(text: string, env: NodeJS.ProcessEnv, where: () => string): string {
  return text.replace(VARIABLE, (_, name: string, fallback: string | undefined) => {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    throw new McpConfigError(`${where()}: \${${name}} is not set in the environment (write \${${name}:-default} for a default)`);
  });
}

/** The server with every `${VAR}` read from `env`, and its cwd absolute. */
export function expandConfig(config: McpServerConfig, env: NodeJS.ProcessEnv): McpServerConfig {
  const at = (field: string) => () => `${config.source}: mcp: ${config.name}: ${field}`;
  const record = (values: Record<string, string>, field: string) =>
    Object.fromEntries(Object.entries(values).map(([key, value]) => [key, expand(value, env, at(`${field}.${key}`))]));
  if (config.transport === 'http') return { ...config, url: expand(config.url, env, at('url')), headers: record(config.headers, 'headers') };
  return {
    ...config,
    command: expand(config.command, env, at('command')),
    args: config.args.map((arg, i) => expand(arg, env, at(`args.${i}`))),
    env: record(config.env, 'env'),
    cwd: resolve(config.folder, expand(config.cwd, env, at('cwd'))),
  };
}
