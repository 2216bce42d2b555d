// The MCP SDK, loaded when a run lists MCP servers or `lunar mcp` starts, not with every `lunar`
// command (core/packages.ts says why). Loaded as ES modules, so its zod is the one Lunar's tool
// schemas are made with. Call loadMcpSdk() at the entry points (opening a connection, serving);
// what runs after them takes the loaded classes from mcpSdk().

import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

export interface McpSdk {
  Client: typeof Client;
  StreamableHTTPClientTransport: typeof StreamableHTTPClientTransport;
  getDefaultEnvironment: typeof getDefaultEnvironment;
  ReadBuffer: typeof ReadBuffer;
  serializeMessage: typeof serializeMessage;
  ErrorCode: typeof ErrorCode;
  McpError: typeof McpError;
  McpServer: typeof McpServer;
  StdioServerTransport: typeof StdioServerTransport;
}

let loaded: McpSdk | undefined;

export async function loadMcpSdk(): Promise<McpSdk> {
  if (loaded) return loaded;
  const [client, clientStdio, http, server, serverStdio, shared, types] = await Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/stdio.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/server/mcp.js'),
    import('@modelcontextprotocol/sdk/server/stdio.js'),
    import('@modelcontextprotocol/sdk/shared/stdio.js'),
    import('@modelcontextprotocol/sdk/types.js'),
  ]);
  loaded = {
    Client: client.Client,
    StreamableHTTPClientTransport: http.StreamableHTTPClientTransport,
    getDefaultEnvironment: clientStdio.getDefaultEnvironment,
    ReadBuffer: shared.ReadBuffer,
    serializeMessage: shared.serializeMessage,
    ErrorCode: types.ErrorCode,
    McpError: types.McpError,
    McpServer: server.McpServer,
    StdioServerTransport: serverStdio.StdioServerTransport,
  };
  return loaded;
}

/** The SDK once loadMcpSdk() has loaded it; before that, a bug. */
export function mcpSdk(): McpSdk {
  if (!loaded) throw new Error('the MCP SDK was used before loadMcpSdk() loaded it');
  return loaded;
}
