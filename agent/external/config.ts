// How a suite (or --target) names an external agent: `http:FILE`, `module:PATH#export`,
// `exec:COMMAND`, or a block under `targets:` ({ id, http | module | exec }). Paths are resolved
// here, once, against the suite's folder (the working folder for --target); `${VAR}` in headers,
// the URL and an exec's env stay as written until a call is made, so no secret sits in a parsed
// suite, a lock or a cache key.

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';

export const EXTERNAL_KINDS = ['http', 'module', 'exec'] as const;
export type ExternalKind = (typeof EXTERNAL_KINDS)[number];

const Path = z.string().trim().min(1);

export const HttpSettings = z
  .object({
    url: z.string().min(1),
    method: z.enum(['POST', 'PUT', 'GET', 'PATCH']).default('POST'),
    /** Values may name environment variables (`Bearer ${MY_TOKEN}`), read at call time and never stored. */
    headers: z.record(z.string(), z.string()).default({}),
    /**
     * The request body: a mapping (sent as JSON; a string that is exactly one placeholder becomes
     * its value, `{{messages}}` an array) or a string sent as written with placeholders replaced
     * by their text. Placeholders: {{input}}, {{messages}}, {{session_id}}, {{traceparent}},
     * {{mcp_url}}, {{vars.x}}. Default: the request itself ({ input, messages, sessionId, vars, traceparent }).
     */
    body: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
    /** Where the answer's text is in the response JSON, a dotted path (`choices.0.message.content`); default `text`. */
    answer: z.string().min(1).optional(),
    /** Instead of `answer`: JavaScript, `json => ...`, returning the text or a whole response { text, toolCalls, usage, costUsd }. The suite author's code runs in Lunar's process. */
    transform: z.string().min(1).optional(),
    /** Where the tool calls are ([{ name, arguments }]); default `toolCalls`. */
    tool_calls: z.string().min(1).optional(),
    /** Where the usage is ({ inputTokens, outputTokens }); default `usage`. */
    usage: z.string().min(1).optional(),
    /** Where the cost in US dollars is; default `costUsd`. */
    cost: z.string().min(1).optional(),
    /** The response is Server-Sent Events: each `data:` event's answer (path or transform) is concatenated. */
    stream: z.boolean().default(false),
    /** Per-call timeout in milliseconds, over the suite's timeout_ms. */
    timeout_ms: z.number().int().positive().optional(),
    /** Retries after the first call on 5xx, 429 and network failures (default 4). */
    retries: z.number().int().nonnegative().optional(),
  })
  .strict()
  .refine((h) => !(h.answer && h.transform), { path: ['transform'], message: 'give answer (a path) or transform (a function), not both' });
export type HttpSettings = z.infer<typeof HttpSettings>;

export const ExecSettings = z
  .object({
    /** The program; with no args, a command line run by the shell. */
    command: z.string().min(1),
    args: z.array(z.string()).optional(),
    /** Added to Lunar's environment; values may name variables (`${MY_TOKEN}`), read at call time. */
    env: z.record(z.string(), z.string()).default({}),
    /** Where it runs (default: the suite's folder). */
    cwd: z.string().min(1).optional(),
    timeout_ms: z.number().int().positive().optional(),
  })
  .strict();
export type ExecSettings = z.infer<typeof ExecSettings>;

const ModuleSettings = z.union([
  Path,
  z.object({ path: Path, export: z.string().min(1).optional(), timeout_ms: z.number().int().positive().optional() }).strict(),
]);

/** An id a block gives its target: no colon, so it is never read as provider:model. */
const BlockId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "-" and "_" (no ":"): e.g. my-agent');

export const TargetBlock = z
  .object({ id: BlockId, http: z.union([Path, HttpSettings]).optional(), module: ModuleSettings.optional(), exec: z.union([Path, ExecSettings]).optional() })
  .strict()
  .refine((b) => [b.http, b.module, b.exec].filter((k) => k !== undefined).length === 1, { message: 'give exactly one of http, module or exec' });
export type TargetBlock = z.infer<typeof TargetBlock>;

/** A suite's `targets:` entry: a target id, or a block defining an external agent. */
export const TargetEntry = z.union([z.string().trim().min(1), TargetBlock]);

/** An external agent, its paths resolved: what resolveTarget builds a runner from. */
export type ExternalTarget =
  | { kind: 'http'; settings: HttpSettings; folder: string }
  | { kind: 'module'; path: string; export: string; timeoutMs?: number }
  | { kind: 'exec'; settings: ExecSettings; cwd: string; shell: boolean };

/** Bad settings for an external agent: the message names the file or suite and the field. */
export class ExternalTargetError extends Error {
  override name = 'ExternalTargetError';
}

/** The target a block defines, paths resolved against `folder` (the suite's). */
export function blockTarget(block: TargetBlock, folder: string, source: string): ExternalTarget {
  if (block.http !== undefined) return typeof block.http === 'string' ? httpFile(resolve(folder, block.http)) : { kind: 'http', settings: block.http, folder };
  if (block.exec !== undefined) return execTarget(block.exec, folder);
  const m = block.module!;
  if (typeof m === 'string') return moduleTarget(m, folder, source);
  return { kind: 'module', path: resolve(folder, m.path), export: m.export ?? 'default', ...(m.timeout_ms ? { timeoutMs: m.timeout_ms } : {}) };
}

/** The target a string id names (`http:FILE`, `module:PATH#export`, `exec:COMMAND`), paths against `folder`. */
export function idTarget(kind: ExternalKind, rest: string, folder: string, source: string): ExternalTarget {
  if (kind === 'http') return httpFile(resolve(folder, rest));
  if (kind === 'exec') return execTarget(rest, folder);
  return moduleTarget(rest, folder, source);
}

function moduleTarget(spec: string, folder: string, source: string): ExternalTarget {
  const hash = spec.lastIndexOf('#');
  const path = hash < 0 ? spec : spec.slice(0, hash);
  const name = hash < 0 ? 'default' : spec.slice(hash + 1);
  if (!path.trim() || !name.trim()) throw new ExternalTargetError(`${source}: module:${spec}: write module:./path/agent.ts#export (the default export without #)`);
  return { kind: 'module', path: isAbsolute(path) ? path : resolve(folder, path), export: name };
}

function execTarget(exec: string | ExecSettings, folder: string): ExternalTarget {
  if (typeof exec === 'string') return { kind: 'exec', settings: { command: exec, env: {} }, cwd: folder, shell: true };
  return { kind: 'exec', settings: exec, cwd: resolve(folder, exec.cwd ?? '.'), shell: exec.args === undefined };
}

/** An `http:FILE`: the YAML (or JSON) of the http settings; paths in it are relative to it. */
function httpFile(file: string): ExternalTarget {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ExternalTargetError(`${file}: cannot read the http target (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    const line = error instanceof YAMLParseError ? (error.linePos?.[0]?.line ?? '?') : '?';
    throw new ExternalTargetError(`${file}:${line}: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = HttpSettings.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ExternalTargetError(`${file}: ${issue.path.join('.') || '(http target)'}: ${issue.message}`);
  }
  return { kind: 'http', settings: parsed.data, folder: dirname(file) };
}

/**
 * What may be recorded of a target (the run's lock, a cache key): where it is and how it is
 * called, never a header's value nor an env value (only their names).
 */
export function describeTarget(target: ExternalTarget): Record<string, unknown> {
  if (target.kind === 'module') return { kind: 'module', path: target.path, export: target.export };
  if (target.kind === 'exec') return { kind: 'exec', command: target.settings.command, args: target.settings.args ?? null, env: Object.keys(target.settings.env).sort(), cwd: target.cwd };
  const { headers, ...rest } = target.settings;
  return { kind: 'http', ...rest, headers: Object.keys(headers).sort() };
}
