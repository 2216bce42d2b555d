// Lunar's own tools offered to MCP clients: each Tool registered on the SDK's McpServer with its
// zod schema (the SDK lists it as JSON Schema and validates arguments with it), run with the
// request's cancellation signal. A tool that throws is an `isError` result carrying its message,
// as MCP asks, so the client's model can read what went wrong. One line per call goes to `log`
// (stderr): over stdio, stdout belongs to the protocol.

import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Tool } from '../tools/tool.ts';
import { mcpSdk } from './sdk.ts';

export interface ToolServerOptions {
  name: string;
  version: string;
  /** The folder file tools would be confined to (ToolContext.workspaceRoot). */
  workspaceRoot: string;
  log?: (line: string) => void;
  now?: () => Date;
}

export function toolServer(tools: readonly Tool[], options: ToolServerOptions): McpServer {
  const server = new (mcpSdk().McpServer)({ name: options.name, version: options.version }, { capabilities: { tools: {} } });
  for (const tool of tools) {
    server.registerTool(tool.name, { description: tool.description, inputSchema: tool.schema }, async (args: unknown, extra): Promise<CallToolResult> => {
      const started = performance.now();
      const took = () => `${Math.round(performance.now() - started)} ms`;
      try {
        const output = await tool.run(args, { workspaceRoot: options.workspaceRoot, signal: extra.signal, now: options.now ?? (() => new Date()) });
        options.log?.(`${tool.name}: answered in ${took()}`);
        return { content: [{ type: 'text', text: typeof output === 'string' ? output : output.content }] };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        options.log?.(`${tool.name}: failed in ${took()}: ${message.split('\n')[0]}`);
        return { content: [{ type: 'text', text: message }], isError: true };
      }
    });
  }
  return server;
}
