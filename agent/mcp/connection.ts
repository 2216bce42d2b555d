// One MCP server, connected: started (stdio) or reached (streamable HTTP), initialised, its tools
// listed once (a run offers the same tools from start to end; list_changed is not followed), and
// its calls made with a timeout. What goes wrong in a call is an Error whose message names the
// server and says what to do; the tool loop turns it into a tool error, never a crash. A stdio
// server that has died stays dead for the rest of the run: every later call says so at once.

import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, Tool as McpToolInfo } from '@modelcontextprotocol/sdk/types.js';
import { ChildTransport } from './child-transport.ts';
import { loadMcpSdk, mcpSdk } from './sdk.ts';
import { DEFAULT_MCP_TIMEOUT_MS, expandConfig, McpConfigError, type McpServerConfig } from './config.ts';

export type { McpToolInfo };

/** The server could not be started, initialised or listed: a configuration problem (exit 2). */
export class McpStartError extends Error {
  override name = 'McpStartError';
}

/** Lunar's name and version, as the client introduces itself. */
export interface ClientInfo {
  name: string;
  version: string;
}

export class McpConnection {
  /** Why calls cannot be made any more (the stdio server died), once that is so. */
  private down?: string;

  private constructor(
    readonly config: McpServerConfig,
    private readonly client: Client,
    private readonly transport: Transport,
    /** The server's tools as it listed them, in its order. */
    readonly tools: McpToolInfo[],
  ) {}

  /**
   * Starts or reaches the server, initialises it and lists its tools. Starting may take longer
   * than a call (an `npx` server may download itself first): each step waits at least a minute.
   */
  static async open(config: McpServerConfig, env: NodeJS.ProcessEnv, info: ClientInfo): Promise<McpConnection> {
    const { Client, StreamableHTTPClientTransport } = await loadMcpSdk();
    const startMs = Math.max(config.timeoutMs, DEFAULT_MCP_TIMEOUT_MS);
    const server = expandConfig(config, env);
    const transport: Transport =
      server.transport === 'stdio'
        ? new ChildTransport(server)
        : new StreamableHTTPClientTransport(urlOf(server), { requestInit: { headers: server.headers } });
    const client = new Client(info, { capabilities: {} });
    // The SDK reports transport trouble here; what matters reaches the caller through the call itself.
    client.onerror = () => {};
    let connection: McpConnection | undefined;
    client.onclose = () => {
      if (connection && transport instanceof ChildTransport) connection.down ??= transport.describeEnd();
    };
    try {
      await client.connect(transport, { timeout: startMs });
      const tools = await listTools(client, startMs);
      connection = new McpConnection(config, client, transport, tools);
      return connection;
    } catch (error) {
      const why = transport instanceof ChildTransport && transport.ended ? transport.describeEnd() : messageOf(error);
      await transport.close().catch(() => {});
      // The command, arguments and URL as written, not as expanded: a ${VAR} holding a token must
      // not reach the message (the folder, resolved, helps and holds none).
      const shown = config.transport === 'stdio' && server.transport === 'stdio' ? { ...config, cwd: server.cwd } : config;
      throw new McpStartError(`${describeServer(shown)}: ${startProblem(error, why, startMs)}`);
    }
  }

  get name(): string {
    return this.config.name;
  }

  /** What the server reported about itself when it started (name, version), if anything. */
  get serverInfo(): { name: string; version: string } | undefined {
    return this.client.getServerVersion();
  }

  /** Calls `tool`; rejects with a message for the model when the server cannot answer. */
  async call(tool: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<CallToolResult> {
    if (this.down) throw new Error(`mcp server ${this.name} is not running: ${this.down}`);
    try {
      return (await this.client.callTool({ name: tool, arguments: args }, undefined, { timeout: this.config.timeoutMs, signal })) as CallToolResult;
    } catch (error) {
      if (signal?.aborted) throw error;
      if (this.down) throw new Error(`mcp server ${this.name} is not running: ${this.down}`);
      if (error instanceof mcpSdk().McpError && error.code === mcpSdk().ErrorCode.RequestTimeout) {
        throw new Error(`mcp server ${this.name}: ${tool} gave no answer within ${this.config.timeoutMs} ms (timeout_ms in the suite's mcp entry sets the limit)`);
      }
      if (error instanceof mcpSdk().McpError) throw new Error(`mcp server ${this.name}: ${withoutMcpPrefix(error.message)}`);
      if (this.config.transport === 'http') throw new Error(`mcp server ${this.name} is not reachable at ${this.config.url}: ${messageOf(error)}`);
      throw new Error(`mcp server ${this.name}: ${messageOf(error)}`);
    }
  }

  /** Closes the session; a stdio server's process is ended (stdin closed, then SIGTERM, then SIGKILL). */
  async close(): Promise<void> {
    this.down ??= 'the run closed its connection';
    await this.client.close().catch(() => {});
    await this.transport.close().catch(() => {});
  }

  /** For a process exiting now: signal a stdio server to stop, without waiting. */
  killNow(): void {
    if (this.transport instanceof ChildTransport) this.transport.killNow();
  }
}

/** Every page of tools/list. */
async function listTools(client: Client, timeout: number): Promise<McpToolInfo[]> {
  if (!client.getServerCapabilities()?.tools) return [];
  const tools: McpToolInfo[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : undefined, { timeout });
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}

function urlOf(server: McpServerConfig & { transport: 'http' }): URL {
  try {
    return new URL(server.url);
  } catch {
    throw new McpConfigError(`${server.source}: mcp: ${server.name}: url: "${server.url}" is not a URL`);
  }
}

function describeServer(server: McpServerConfig): string {
  if (server.transport === 'http') return `mcp server ${server.name} (${server.url})`;
  return `mcp server ${server.name} (${[server.command, ...server.args].join(' ')} in ${server.cwd})`;
}

function startProblem(error: unknown, why: string, timeoutMs: number): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'could not start: the command was not found (is it installed and on PATH, or is cwd right?)';
  if (code === 'EACCES') return 'could not start: the command is not executable';
  if (error instanceof mcpSdk().McpError && error.code === mcpSdk().ErrorCode.RequestTimeout) return `did not finish starting within ${timeoutMs} ms (timeout_ms above a minute gives it longer)`;
  return `could not start: ${why}`;
}

/** The SDK prefixes "MCP error -32602: "; the model needs only what follows. */
function withoutMcpPrefix(message: string): string {
  return message.replace(/^MCP error -?\d+: /, '');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
