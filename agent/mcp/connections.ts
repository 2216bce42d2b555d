// The MCP servers of one run: each connected once, however many suite configurations list it, its
// tools wrapped for the agent, and every connection closed when the run ends — and, should the
// process exit first (a second Ctrl-C, SIGTERM), every server process signalled to stop on the
// way out, so none is left behind.

import { InputError } from '../../core/errors.ts';
import { lunarVersion } from '../../core/package.ts';
import type { McpServerTools } from '../tools/suite-tools.ts';
import type { Tool, ToolRegistry } from '../tools/tool.ts';
import { McpConfigError, type McpServerConfig } from './config.ts';
import { McpConnection, McpStartError, type ClientInfo } from './connection.ts';
import { mcpTool } from './mcp-tool.ts';
import { exposedToolName } from './names.ts';

export interface McpConnectionsOptions {
  /** Where `${VAR}` in a server's settings is read from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** One line per server connected (to stderr in `lunar bench`). */
  log?: (line: string) => void;
  /** How the client introduces itself (default: lunar and its version). */
  client?: ClientInfo;
}

/** One server's tools, as offered to the model. */
export interface ServerTools {
  server: string;
  tools: Tool[];
}

export class McpConnections {
  /** Config key → the connection, once opened (or opening). */
  private readonly opened = new Map<string, Promise<McpConnection>>();
  private readonly live = new Set<McpConnection>();
  private readonly onExit = () => {
    for (const connection of this.live) connection.killNow();
  };
  private closed = false;
  private listening = false;

  constructor(private readonly options: McpConnectionsOptions = {}) {}

  /**
   * The tools of `servers`, in the order listed (each server's in its own order), named as
   * names.ts says. A server that cannot start, a `${VAR}` that is not set, or two tools that would
   * get one name (or a name in `reserved`: the built-ins) is an InputError naming the file that
   * lists the server.
   */
  async tools(servers: readonly McpServerConfig[], reserved: Iterable<string> = []): Promise<Tool[]> {
    return (await this.toolsByServer(servers, reserved)).flatMap((s) => s.tools);
  }

  /** The same tools, grouped by the server that offers them (for a suite's `tools:`: agent/tools/suite-tools.ts). */
  async toolsByServer(servers: readonly McpServerConfig[], reserved: Iterable<string> = []): Promise<ServerTools[]> {
    const connections = await Promise.all(servers.map((server) => this.connect(server)));
    const owner = new Map<string, string>([...reserved].map((name) => [name, 'the name of a tool Lunar offers itself']));
    return servers.map((server, i) => {
      const tools: Tool[] = [];
      for (const info of connections[i]!.tools) {
        const name = exposedToolName(server.name, info.name, server.prefix);
        const other = owner.get(name);
        if (other) throw clash(server, info.name, name, other);
        owner.set(name, `the name of tool ${info.name} of mcp server ${server.name}`);
        tools.push(mcpTool(connections[i]!, info, name));
      }
      return { server: server.name, tools };
    });
  }

  private connect(server: McpServerConfig): Promise<McpConnection> {
    if (this.closed) return Promise.reject(new Error('the run has closed its MCP connections'));
    // Which file lists it does not make it another server: two suites listing one share it.
    const { source: _, ...identity } = server;
    const key = JSON.stringify(identity);
    let opening = this.opened.get(key);
    if (!opening) {
      if (!this.listening) process.on('exit', this.onExit);
      this.listening = true;
      const started = performance.now();
      opening = McpConnection.open(server, this.options.env ?? process.env, this.options.client ?? { name: 'lunar', version: lunarVersion() }).then(
        (connection) => {
          this.live.add(connection);
          const about = connection.serverInfo ? ` (${connection.serverInfo.name} ${connection.serverInfo.version})` : '';
          this.options.log?.(`mcp server ${server.name}${about}: ${connection.tools.length} tools, connected in ${Math.round(performance.now() - started)} ms`);
          return connection;
        },
        (error: unknown) => {
          this.opened.delete(key);
          if (error instanceof McpConfigError) throw new InputError(error.message);
          if (error instanceof McpStartError) throw new InputError(`${server.source}: ${error.message}`);
          throw error;
        },
      );
      this.opened.set(key, opening);
    }
    return opening;
  }

  /** Closes every connection (stdio servers are ended); later calls to their tools say the run closed them. */
  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.opened.values()];
    this.opened.clear();
    const connections = await Promise.all(pending.map((p) => p.catch(() => undefined)));
    await Promise.all(connections.map((c) => c?.close()));
    this.live.clear();
    process.off('exit', this.onExit);
    this.listening = false;
  }
}

/**
 * Adds the tools of `servers` to `registry` (the suite's built-ins and knowledge tool). A tool
 * whose name is taken is refused with the fix, rather than shadowing or being shadowed.
 */
export async function addMcpTools(registry: ToolRegistry, servers: readonly McpServerConfig[], connections: McpConnections | undefined, file: string): Promise<McpServerTools[]> {
  if (servers.length === 0) return [];
  if (!connections) throw new InputError(`${file}: mcp: this command does not connect to MCP servers; run the suite with lunar bench`);
  const byServer = await connections.toolsByServer(servers, registry.names());
  for (const { tools } of byServer) for (const tool of tools) registry.register(tool);
  return byServer.map(({ server, tools }) => ({ server, tools: tools.map((t) => t.name) }));
}

function clash(server: McpServerConfig, tool: string, name: string, taken: string): InputError {
  const fix = server.prefix ? `rename the server (tools are offered as ${server.name}__<tool>)` : 'list the server with prefix: true (the default) so its tools are offered as <server>__<tool>';
  return new InputError(`${server.source}: mcp: ${server.name}: tool ${tool} would be offered as "${name}", which is already ${taken}; ${fix}`);
}
