// Tools served to an external agent over MCP (streamable HTTP) for one attempt: a loopback server
// whose URL goes in the request as `mcpUrl`, so any agent framework with MCP support can call the
// attempt's tools (an environment's, whose state the episode then scores). Stateless: each POST
// gets a fresh protocol server over the same tools, so an agent may reconnect at will. Tools are
// described by JSON Schema as the environment gives them.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EndpointTool {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  /** The tool's answer as text; `isError` when the call failed. */
  call(args: Record<string, unknown>): { text: string; isError?: boolean } | Promise<{ text: string; isError?: boolean }>;
}

export interface McpEndpoint {
  /** `http://127.0.0.1:PORT/mcp`. */
  readonly url: string;
  close(): Promise<void>;
}

export async function serveToolsOverMcp(tools: readonly EndpointTool[]): Promise<McpEndpoint> {
  const [{ Server }, { StreamableHTTPServerTransport }, { ListToolsRequestSchema, CallToolRequestSchema }] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/index.js'),
    import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/types.js'),
  ]);
  const byName = new Map(tools.map((t) => [t.name, t]));
  const protocolServer = () => {
    const server = new Server({ name: 'lunar-attempt-tools', version: '1' }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: tools.map((t) => ({ name: t.name, description: t.description, inputSchema: { type: 'object' as const, ...t.parameters } })),
    }));
    server.setRequestHandler(CallToolRequestSchema, async (request) => {
      const tool = byName.get(request.params.name);
      if (!tool) return { content: [{ type: 'text' as const, text: `Unknown tool ${request.params.name}` }], isError: true };
      const { text, isError } = await tool.call((request.params.arguments ?? {}) as Record<string, unknown>);
      return { content: [{ type: 'text' as const, text }], ...(isError ? { isError: true } : {}) };
    });
    return server;
  };
  const http = createServer((req, res) => void handle(req, res));
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.split('?')[0] !== '/mcp' || req.method !== 'POST') {
      // Stateless: no stream to resume (GET) and no session to end (DELETE).
      res.writeHead(req.url?.split('?')[0] === '/mcp' ? 405 : 404, { 'content-type': 'application/json', allow: 'POST' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'POST /mcp only' }, id: null }));
      return;
    }
    const server = protocolServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: (error as Error).message }, id: null }));
    }
  };
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
