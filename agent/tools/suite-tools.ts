// Which tools a suite configuration offers. `tools:` names the built-in tools it wants (and the
// knowledge and memory tools); each MCP server the suite lists offers all its tools besides —
// listing `[calculator]` must not hide them — unless `tools:` names some of that server's tools
// (by the name the model sees, or a pattern such as `files__*`): then only those. A name or
// pattern that nothing provides is the suite's error, so a typo is never a tool silently missing
// from every attempt.

import type { ToolRegistry } from './tool.ts';

/** One MCP server's tools, by the names the model sees. */
export interface McpServerTools {
  server: string;
  tools: string[];
}

export class UnprovidedToolError extends Error {
  override name = 'UnprovidedToolError';
}

/**
 * The tools offered: with no `tools:` list, everything in `registry`; else the listed ones in
 * their order (a pattern in the registry's), then every tool of each MCP server the list does not
 * mention. Throws UnprovidedToolError naming each entry nothing provides.
 */
export function suiteTools(registry: ToolRegistry, listed: readonly string[] | undefined, servers: readonly McpServerTools[] = []): ToolRegistry {
  if (listed === undefined) return registry;
  const names = registry.names();
  const picked = new Set<string>();
  const unprovided: string[] = [];
  for (const entry of listed) {
    const matches = entry.includes('*') ? names.filter(globMatcher(entry)) : registry.get(entry) ? [entry] : [];
    if (matches.length === 0) unprovided.push(entry);
    for (const name of matches) picked.add(name);
  }
  if (unprovided.length) {
    const servedBy = servers.length ? `; mcp servers: ${servers.map((s) => s.server).join(', ')} (their tools are offered as <server>__<tool>)` : '';
    throw new UnprovidedToolError(`nothing provides ${unprovided.join(', ')}: the tools here are ${names.join(', ') || 'none'}${servedBy}`);
  }
  for (const server of servers) {
    if (server.tools.some((name) => picked.has(name))) continue;
    for (const name of server.tools) picked.add(name);
  }
  return registry.pick([...picked]);
}

/** `*` matches any run of characters; nothing else is special. */
function globMatcher(pattern: string): (name: string) => boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return (name) => regex.test(name);
}
